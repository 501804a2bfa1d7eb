//! Which trait impls of a dependency its essentials keep: those whose trait a graph can
//! find. A call through a trait dispatches to the impls of that trait, and an impl is
//! tied to its trait by resolving the path it names (`TraitTable::key_of`): in its own
//! crate for `crate::` paths and bare names, else in the crate the first segment names,
//! where the path must lead to a declared trait or end in a declared trait's name. An
//! impl of a trait no crate of the graph declares (`impl Clone`, `impl Drop`, `impl
//! std::fmt::Display`) never takes part, so dropping it changes no answer; such impls
//! were most of the impls stored.

use super::essential_imports::Liveness;
use crate::resolve::CRATE;
use crate::summary::FileSummary;

/// Runs a check on the liveness of the crate a name names: false when it names none.
pub(super) type InCrate<'a> = &'a dyn Fn(&str, &dyn Fn(&Liveness) -> bool) -> bool;

/// Drops from `files` (the essentials of one crate, `own` its liveness) every trait
/// impl whose trait cannot be one the graph declares; `in_crate(name, check)` runs
/// `check` on the liveness of the crate this one names `name` (false when it names
/// none). A kept fn of a dropped impl keeps no impl index.
pub(super) fn trim_trait_impls(files: &mut [FileSummary], own: &Liveness, in_crate: InCrate<'_>) {
    for file in files {
        let mut new_index: Vec<Option<usize>> = Vec::with_capacity(file.trait_impls.len());
        let mut kept = 0;
        file.trait_impls.retain(|imp| {
            let keep = may_be_declared(&imp.trait_path, own, in_crate);
            new_index.push(keep.then_some(kept));
            kept += usize::from(keep);
            keep
        });
        for f in &mut file.fns {
            f.trait_impl = f
                .trait_impl
                .and_then(|i| new_index.get(i).copied().flatten());
        }
    }
}

/// Whether `trait_path`, as an impl of the crate writes it, may resolve to a declared
/// trait (the cases of `TraitTable::key_of`).
fn may_be_declared(trait_path: &str, own: &Liveness, in_crate: InCrate<'_>) -> bool {
    let segs: Vec<String> = trait_path
        .split("::")
        .map(|s| s.strip_prefix("r#").unwrap_or(s).to_string())
        .collect();
    match segs.as_slice() {
        [first, rest @ ..] if first == CRATE => own.may_name_a_trait(rest),
        [_] => own.may_name_a_trait(&segs),
        [first, rest @ ..] => in_crate(first, &|other| other.may_name_a_trait(rest)),
        [] => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::callgraph::tests::{findings_over_one_dependency, one_dependency};
    use crate::summary::FileSummary;
    use crate::{Config, CrateFile, Graph};

    fn file(rel: &str, src: &str) -> FileSummary {
        let parsed: syn::File = syn::parse_str(src).unwrap();
        crate::summarize_file(&parsed, rel, &[], false, &Config::default())
    }

    /// Crate `x` declares `Load` and implements it next to impls of traits no crate of
    /// the graph declares (a glob-imported name, a crate `x` does not depend on); a
    /// workspace call through `&dyn x::Load` reaches the blocking impl the same way over
    /// the essentials, which keep only the impl of `Load`, its index renumbered.
    #[test]
    fn only_impls_of_declared_traits_are_kept() {
        let x = file(
            "/reg/x/src/lib.rs",
            "use other::*;\npub trait Load { fn load(&self); }\npub struct Disk;\n\
             impl Sealed for Disk { fn seal(&self) {} }\n\
             impl serde::Serialize for Disk { fn serialize(&self) {} }\n\
             impl Load for Disk { fn load(&self) { std::fs::read(\"a\").unwrap(); } }",
        );
        let written: Vec<&str> = x
            .trait_impls
            .iter()
            .map(|i| i.trait_path.as_str())
            .collect();
        assert_eq!(written, ["Sealed", "serde::Serialize", "crate::Load"]);
        let app = file(
            "src/main.rs",
            "async fn run(l: &dyn x::Load) {\n    l.load();\n}",
        );
        let found = |x: &FileSummary| findings_over_one_dependency(&app, x, "x");
        let (crates, deps) = (HashMap::new(), one_dependency("x"));
        let expected = found(&x);
        assert_eq!(expected.len(), 1, "{expected:?}");
        assert_eq!(expected[0].0, 2);

        let alone = [CrateFile {
            unit: 1,
            summary: &x,
        }];
        let essentials = Graph::with_dependencies(&alone, &crates, &deps).essentials(&alone, 1);
        let impls: Vec<&str> = essentials[0]
            .trait_impls
            .iter()
            .map(|i| i.trait_path.as_str())
            .collect();
        assert_eq!(impls, ["crate::Load"]);
        let load = essentials[0]
            .fns
            .iter()
            .find(|f| f.path.last().unwrap() == "load");
        assert_eq!(load.and_then(|f| f.trait_impl), Some(0));
        assert_eq!(found(&essentials[0]), expected);
    }
}
