//! The items of the reached dependencies that a workspace's code can touch: the call
//! graph finds a dependency's fn, `use` item, trait or impl only by a name some path
//! or type of the code it starts from spells (a call's candidate path or method, a
//! receiver's or return's type, an import's alias or target, an impl's trait), and a
//! found item brings in the names of its own calls and imports. So the items whose
//! names the workspace's words lead to, closed over the words of what is kept, are all
//! any resolution of that workspace — or of any workspace whose words are among the
//! closure's — can find; the rest changes no finding.
//!
//! Rules, per item of a dependency file:
//! - a fn is kept when its name (last path segment) is a word; its words are those of
//!   its path, self type, calls (candidates, method, receiver types) and return types;
//!   a kept method of a trait impl keeps that impl;
//! - an imported name is kept when its alias or its target's last segment is a word
//!   (an alias chain leads to a trait an impl names by its alias); a module's globs
//!   when every segment of the module's path is a word (a path through the module
//!   spells them all); a defined name when it is a word and so is its module's path (it
//!   hides globs only for itself);
//! - a trait is kept when its name is, an impl when its trait's name is (trait dispatch
//!   groups impls by the trait they resolve to, default methods included);
//! - an offloading wrapper's name is kept when it is a word.
//!
//! The words of the workspace are every identifier its summaries hold.

use super::fast_hash::{FastMap, FastSet};

use crate::summary::{FileSummary, FnSummary};
use crate::ModuleImports;

/// The reached dependencies reduced to what the workspace's words lead to, and those
/// words.
///
/// ```
/// use blockwatch_lint::deps::ReachedItems;
/// let parse = |src: &str, file: &str| {
///     let f: syn::File = syn::parse_str(src).unwrap();
///     blockwatch_lint::summarize_file(&f, file, &[], false, &Default::default())
/// };
/// let app = parse("async fn f() { dep::read_all(); }", "src/main.rs");
/// let dep = parse(
///     "pub fn read_all() { helper() }\nfn helper() { std::fs::read(\"a\").unwrap(); }\n\
///      pub fn unrelated() { std::fs::read(\"b\").unwrap(); }",
///     "/r/dep/src/lib.rs",
/// );
/// let reached = ReachedItems::new([&app], [(3, std::slice::from_ref(&dep))]);
/// let kept: Vec<&str> = reached.crates[0].1[0].fns.iter().map(|f| f.path[0].as_str()).collect();
/// assert_eq!(kept, ["read_all", "helper"]);
/// assert!(reached.covers([&app]));
/// assert!(!reached.covers([&parse("async fn f() { dep::unrelated(); }", "src/main.rs")]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReachedItems {
    /// Each reached dependency (by the index it was given with) and its kept files, in
    /// the order given; a dependency with nothing kept has no files.
    pub crates: Vec<(usize, Vec<FileSummary>)>,
    /// Every word of the closure, sorted, each once.
    pub words: Vec<String>,
}

/// One item of a dependency file that a word can keep: (crate, file, kind, index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    Fn(usize, usize, usize),
    /// Module entry, then index in its `names`.
    Name(usize, usize, usize, usize),
    /// The globs of a module entry.
    Globs(usize, usize, usize),
    Trait(usize, usize, usize),
    Impl(usize, usize, usize),
}

impl ReachedItems {
    /// The items of `deps` (each reached dependency's index and its summaries) that the
    /// words of `workspace` lead to.
    pub fn new<'a, Files: IntoIterator<Item = &'a FileSummary>>(
        workspace: impl IntoIterator<Item = &'a FileSummary>,
        deps: impl IntoIterator<Item = (usize, Files)>,
    ) -> ReachedItems {
        let deps: Vec<(usize, Vec<&'a FileSummary>)> = deps
            .into_iter()
            .map(|(i, files)| (i, files.into_iter().collect()))
            .collect();
        let mut words: FastSet<&'a str> = FastSet::default();
        let mut pending: Vec<&'a str> = Vec::new();
        let add = |word: &'a str, words: &mut FastSet<&'a str>, pending: &mut Vec<&'a str>| {
            if words.insert(word) {
                pending.push(word);
            }
        };
        for summary in workspace {
            for_each_word_of_file(summary, &mut |w| add(w, &mut words, &mut pending));
        }
        let mut kept: FastSet<Item> = FastSet::default();
        // The crate roots' globs: every path passes through the root.
        for (c, (_, files)) in deps.iter().enumerate() {
            for (f, file) in files.iter().enumerate() {
                for (m, module) in file.imports.iter().enumerate() {
                    if module.module.is_empty() && !module.globs.is_empty() {
                        kept.insert(Item::Globs(c, f, m));
                        for glob in &module.globs {
                            for_each_word_of_path(glob, &mut |w| add(w, &mut words, &mut pending));
                        }
                    }
                }
            }
        }
        let index = Self::index(&deps);
        while let Some(word) = pending.pop() {
            let Some(items) = index.get(word) else {
                continue;
            };
            for &item in items {
                if let Item::Globs(c, f, m) = item {
                    let module = &deps[c].1[f].imports[m].module;
                    if !module.iter().all(|s| mentioned(&words, s)) {
                        continue;
                    }
                }
                if !kept.insert(item) {
                    continue;
                }
                let mut found: Vec<&'a str> = Vec::new();
                Self::words_of(&deps, item, &mut |w| found.push(w));
                if let Item::Fn(c, f, i) = item {
                    if let Some(k) = deps[c].1[f].fns[i].trait_impl {
                        if kept.insert(Item::Impl(c, f, k)) {
                            Self::words_of(&deps, Item::Impl(c, f, k), &mut |w| found.push(w));
                        }
                    }
                }
                for w in found {
                    add(w, &mut words, &mut pending);
                }
            }
        }
        let crates = deps
            .iter()
            .enumerate()
            .map(|(c, (dep, files))| {
                let files = files
                    .iter()
                    .enumerate()
                    .filter_map(|(f, file)| {
                        reduce_file(file, &|item| kept.contains(&item), &words, c, f)
                    })
                    .collect();
                (*dep, files)
            })
            .collect();
        let mut words: Vec<String> = words.into_iter().map(str::to_string).collect();
        words.sort_unstable();
        ReachedItems { crates, words }
    }

    /// Whether every word of `workspace` is one of the closure's: then the items kept
    /// hold everything that workspace's resolution can find in these dependencies.
    pub fn covers<'a>(&self, workspace: impl IntoIterator<Item = &'a FileSummary>) -> bool {
        covered_by(&self.words, workspace)
    }

    /// Which items each word keeps.
    fn index<'a>(deps: &[(usize, Vec<&'a FileSummary>)]) -> FastMap<&'a str, Vec<Item>> {
        let mut index: FastMap<&'a str, Vec<Item>> = FastMap::default();
        // Under each identifier of the name (a raw `r#type` is written `type` elsewhere).
        let mut on = |name: &'a str, item: Item| {
            identifiers_of(name, &mut |word| {
                let items = index.entry(word).or_default();
                if items.last() != Some(&item) {
                    items.push(item);
                }
            })
        };
        for (c, (_, files)) in deps.iter().enumerate() {
            for (f, file) in files.iter().enumerate() {
                for (i, func) in file.fns.iter().enumerate() {
                    if let Some(name) = func.path.last() {
                        on(name, Item::Fn(c, f, i));
                    }
                }
                for (m, module) in file.imports.iter().enumerate() {
                    if !module.globs.is_empty() {
                        for segment in &module.module {
                            on(segment, Item::Globs(c, f, m));
                        }
                    }
                    for (i, (alias, target)) in module.names.iter().enumerate() {
                        on(alias, Item::Name(c, f, m, i));
                        if let Some(last) = target.last().filter(|last| *last != alias) {
                            on(last, Item::Name(c, f, m, i));
                        }
                    }
                }
                for (i, decl) in file.traits.iter().enumerate() {
                    if let Some(name) = decl.path.last() {
                        on(name, Item::Trait(c, f, i));
                    }
                }
                for (i, imp) in file.trait_impls.iter().enumerate() {
                    if let Some(name) = trait_name(&imp.trait_path) {
                        on(name, Item::Impl(c, f, i));
                    }
                }
            }
        }
        index
    }

    /// Calls `each` with the words a kept `item` brings in.
    fn words_of<'a>(
        deps: &[(usize, Vec<&'a FileSummary>)],
        item: Item,
        each: &mut impl FnMut(&'a str),
    ) {
        match item {
            Item::Fn(c, f, i) => for_each_word_of_fn(&deps[c].1[f].fns[i], each),
            Item::Name(c, f, m, i) => {
                let (alias, target) = &deps[c].1[f].imports[m].names[i];
                identifiers_of(alias, each);
                for_each_word_of_path(target, each);
            }
            Item::Globs(c, f, m) => {
                for glob in &deps[c].1[f].imports[m].globs {
                    for_each_word_of_path(glob, each);
                }
            }
            Item::Trait(c, f, i) => {
                let decl = &deps[c].1[f].traits[i];
                for_each_word_of_path(&decl.path, each);
                decl.methods.iter().for_each(|m| identifiers_of(m, each));
            }
            Item::Impl(c, f, i) => {
                let imp = &deps[c].1[f].trait_impls[i];
                identifiers_of(&imp.trait_path, each);
                if let Some(ty) = &imp.self_ty {
                    identifiers_of(ty, each);
                }
                imp.methods.iter().for_each(|m| identifiers_of(m, each));
            }
        }
    }
}

/// Whether every word of `workspace` is among `words`.
pub(crate) fn covered_by<'a>(
    words: &[String],
    workspace: impl IntoIterator<Item = &'a FileSummary>,
) -> bool {
    let mut known: FastSet<&str> = FastSet::default();
    known.reserve(words.len());
    known.extend(words.iter().map(String::as_str));
    let mut covered = true;
    for summary in workspace {
        for_each_word_of_file(summary, &mut |w| covered &= known.contains(w));
        if !covered {
            return false;
        }
    }
    covered
}

/// The trait's own name in an impl's trait path (`Service` in `tower::Service<Req>`).
fn trait_name(path: &str) -> Option<&str> {
    let head = path.split('<').next().unwrap_or(path);
    head.rsplit("::")
        .next()
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// The kept part of file `f` of crate `c`: `None` when nothing is kept.
fn reduce_file(
    file: &FileSummary,
    kept: &dyn Fn(Item) -> bool,
    words: &FastSet<&str>,
    c: usize,
    f: usize,
) -> Option<FileSummary> {
    // A kept method's impl moves to its place among the kept impls.
    let mut impl_at: Vec<Option<usize>> = Vec::with_capacity(file.trait_impls.len());
    let mut trait_impls = Vec::new();
    for (i, imp) in file.trait_impls.iter().enumerate() {
        if kept(Item::Impl(c, f, i)) {
            impl_at.push(Some(trait_impls.len()));
            trait_impls.push(imp.clone());
        } else {
            impl_at.push(None);
        }
    }
    let fns: Vec<FnSummary> = file
        .fns
        .iter()
        .enumerate()
        .filter(|(i, _)| kept(Item::Fn(c, f, *i)))
        .map(|(_, func)| {
            let mut func = func.clone();
            func.trait_impl = func.trait_impl.and_then(|k| impl_at[k]);
            func
        })
        .collect();
    let imports: Vec<ModuleImports> = file
        .imports
        .iter()
        .enumerate()
        .filter_map(|(m, module)| {
            // Names are kept by their own words: which names alias a trait is read
            // over every module at once (trait dispatch).
            let reachable = module.module.iter().all(|s| mentioned(words, s));
            let reduced = ModuleImports {
                module: module.module.clone(),
                defined: module
                    .defined
                    .iter()
                    .filter(|d| reachable && mentions(words, d))
                    .cloned()
                    .collect(),
                names: module
                    .names
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| kept(Item::Name(c, f, m, *i)))
                    .map(|(_, name)| name.clone())
                    .collect(),
                globs: if kept(Item::Globs(c, f, m)) {
                    module.globs.clone()
                } else {
                    Vec::new()
                },
            };
            let empty =
                reduced.defined.is_empty() && reduced.names.is_empty() && reduced.globs.is_empty();
            (!empty).then_some(reduced)
        })
        .collect();
    let traits: Vec<crate::TraitDecl> = file
        .traits
        .iter()
        .enumerate()
        .filter(|(i, _)| kept(Item::Trait(c, f, *i)))
        .map(|(_, t)| t.clone())
        .collect();
    let offload_wrappers: Vec<String> = file
        .offload_wrappers
        .iter()
        .filter(|w| mentions(words, w))
        .cloned()
        .collect();
    let nothing = fns.is_empty()
        && imports.is_empty()
        && traits.is_empty()
        && trait_impls.is_empty()
        && offload_wrappers.is_empty();
    (!nothing).then(|| FileSummary {
        file: file.file.clone(),
        findings: Vec::new(),
        fns,
        unchecked_deep: file.unchecked_deep,
        offload_wrappers,
        imports,
        aliases: Vec::new(),
        traits,
        trait_impls,
    })
}

/// Whether every identifier of `segment` is one of `words` (as a path spelling it
/// brings them all in).
fn mentioned(words: &FastSet<&str>, segment: &str) -> bool {
    let mut all = true;
    identifiers_of(segment, &mut |w| all &= words.contains(w));
    all
}

/// Whether an identifier of `name` is one of `words`.
fn mentions(words: &FastSet<&str>, name: &str) -> bool {
    let mut found = false;
    identifiers_of(name, &mut |w| found |= words.contains(w));
    found
}

fn identifiers_of<'a>(text: &'a str, each: &mut impl FnMut(&'a str)) {
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if !word.is_empty() {
            each(word);
        }
    }
}

fn for_each_word_of_path<'a>(path: &'a [String], each: &mut impl FnMut(&'a str)) {
    for segment in path {
        identifiers_of(segment, each);
    }
}

fn for_each_word_of_fn<'a>(func: &'a FnSummary, each: &mut impl FnMut(&'a str)) {
    for_each_word_of_path(&func.path, each);
    if let Some(ty) = &func.self_ty {
        identifiers_of(ty, each);
    }
    for ty in &func.returns {
        identifiers_of(ty, each);
    }
    for call in &func.calls {
        for candidate in &call.candidates {
            for_each_word_of_path(candidate, each);
        }
        if let Some(method) = &call.method {
            identifiers_of(method, each);
        }
        for ty in &call.receiver {
            identifiers_of(ty, each);
        }
    }
}

/// Every identifier of a workspace file's summary that a resolution may look up.
fn for_each_word_of_file<'a>(summary: &'a FileSummary, each: &mut impl FnMut(&'a str)) {
    for func in &summary.fns {
        for_each_word_of_fn(func, each);
    }
    for module in &summary.imports {
        for_each_word_of_path(&module.module, each);
        module.defined.iter().for_each(|d| identifiers_of(d, each));
        for (alias, target) in &module.names {
            identifiers_of(alias, each);
            for_each_word_of_path(target, each);
        }
        for glob in &module.globs {
            for_each_word_of_path(glob, each);
        }
    }
    for (alias, target) in &summary.aliases {
        identifiers_of(alias, each);
        for_each_word_of_path(target, each);
    }
    for decl in &summary.traits {
        for_each_word_of_path(&decl.path, each);
        decl.methods.iter().for_each(|m| identifiers_of(m, each));
    }
    for imp in &summary.trait_impls {
        identifiers_of(&imp.trait_path, each);
        if let Some(ty) = &imp.self_ty {
            identifiers_of(ty, each);
        }
        imp.methods.iter().for_each(|m| identifiers_of(m, each));
    }
    summary
        .offload_wrappers
        .iter()
        .for_each(|w| identifiers_of(w, each));
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::deps::DependencyUnits;
    use crate::{summarize_file, workspace_findings_with_dependencies, CrateFile, Finding};

    fn summary(rel: &str, module: &[&str], src: &str) -> FileSummary {
        let parsed: syn::File = syn::parse_str(src).unwrap();
        let module: Vec<String> = module.iter().map(|m| m.to_string()).collect();
        summarize_file(&parsed, rel, &module, false, &Default::default())
    }

    /// Unit 0 the workspace, 1 `store` (naming 2 as `blob`), 2 `blob`.
    fn units() -> DependencyUnits {
        crate::test_support::chained_dependencies("store", "blob")
    }

    fn store() -> Vec<FileSummary> {
        vec![
            summary(
                "/r/store/src/lib.rs",
                &[],
                "mod api; mod backend;\n\
                 pub use api::*;\n\
                 pub use backend::Store as Storage;\n\
                 use self::Loader as Load;\n\
                 pub trait Loader { fn load_blob(&self) -> Vec<u8> { Vec::new() } }\n\
                 pub struct Disk;\n\
                 impl Loader for Disk { fn load_blob(&self) -> Vec<u8> { blob::read_blob() } }\n\
                 pub struct Mem;\n\
                 impl Load for Mem {}\n\
                 pub fn unrelated() { std::fs::read(\"x\").unwrap(); }",
            ),
            summary(
                "/r/store/src/api.rs",
                &["api"],
                "pub fn load_settings() -> String { helper() }\n\
                 fn helper() -> String { std::fs::read_to_string(\"s\").unwrap() }\n\
                 pub async fn fetch() { std::fs::read(\"a\").unwrap(); }",
            ),
            summary(
                "/r/store/src/backend.rs",
                &["backend"],
                "pub struct Store;\n\
                 impl Store { pub fn open(&self) { std::thread::sleep(d) } pub fn quiet(&self) {} }",
            ),
        ]
    }

    fn blob() -> Vec<FileSummary> {
        vec![summary(
            "/r/blob/src/lib.rs",
            &[],
            "pub fn read_blob() -> Vec<u8> { std::fs::read(\"b\").unwrap() }\n\
             pub fn other() { std::fs::read(\"c\").unwrap(); }",
        )]
    }

    fn app(src: &str) -> FileSummary {
        summary("src/main.rs", &[], src)
    }

    fn findings_over(app: &FileSummary, deps: &[(usize, &[FileSummary])]) -> Vec<Finding> {
        let mut placed = vec![CrateFile {
            unit: 0,
            summary: app,
        }];
        for (unit, files) in deps {
            placed.extend(files.iter().map(|summary| CrateFile {
                unit: *unit,
                summary,
            }));
        }
        workspace_findings_with_dependencies(&placed, &HashMap::new(), &units())
    }

    fn fn_names(files: &[FileSummary]) -> Vec<&str> {
        files
            .iter()
            .flat_map(|f| &f.fns)
            .filter_map(|f| f.path.last().map(String::as_str))
            .collect()
    }

    const APP: &str = "use store::Loader;\n\
        async fn a() { store::load_settings(); }\n\
        async fn b() { store::fetch().await; }\n\
        async fn c(s: store::Storage) { s.open(); }\n\
        fn through<L: Loader>(l: &L) -> Vec<u8> { l.load_blob() }\n\
        async fn d(l: &store::Disk) { through(l); }\n\
        async fn e() { store::Disk.load_blob(); }";

    /// Through a glob re-export, an aliased re-export, a method of a type, an async fn
    /// that blocks inside, a trait dispatched through a generic (one impl named through
    /// an alias of the trait, with the default method) and a chain into a second crate:
    /// the kept items give exactly the findings of the whole summaries, and the fns no
    /// word leads to are left out.
    #[test]
    fn kept_items_give_the_same_findings_as_the_whole_summaries() {
        let (store, blob) = (store(), blob());
        let app = app(APP);
        let whole = findings_over(&app, &[(1, &store), (2, &blob)]);
        assert_eq!(whole.len(), 4, "{whole:#?}");
        // Without the impl for Mem (which does not block) the generic call would block:
        // the impl is one the result depends on.
        let mut without_mem = store.clone();
        without_mem[0]
            .trait_impls
            .retain(|t| t.self_ty.as_deref() != Some("Mem"));
        assert_eq!(
            findings_over(&app, &[(1, &without_mem), (2, &blob)]).len(),
            5
        );
        let reached = ReachedItems::new([&app], [(1, &store[..]), (2, &blob[..])]);
        let kept: Vec<(usize, &[FileSummary])> = reached
            .crates
            .iter()
            .map(|(i, files)| (*i, files.as_slice()))
            .collect();
        assert_eq!(findings_over(&app, &kept), whole);
        let store_fns = fn_names(&reached.crates[0].1);
        assert!(!store_fns.contains(&"unrelated") && !store_fns.contains(&"quiet"));
        assert!(store_fns.contains(&"helper") && store_fns.contains(&"open"));
        assert_eq!(fn_names(&reached.crates[1].1), ["read_blob"]);
        // `impl Load for Mem` names the trait by an alias: the alias is kept, and the
        // impl with it, so the generic call still sees the impl that does not block.
        let impls: Vec<&str> = reached.crates[0]
            .1
            .iter()
            .flat_map(|f| &f.trait_impls)
            .filter_map(|t| t.self_ty.as_deref())
            .collect();
        assert_eq!(impls, ["Disk", "Mem"]);
        assert!(reached.covers([&app]));
    }

    /// A workspace that calls what the kept items left out is not covered; one that calls
    /// less is, and over the same kept items it gets the findings of the whole summaries.
    #[test]
    fn covering_means_every_word_is_in_the_closure() {
        let (store, blob) = (store(), blob());
        let reached = ReachedItems::new([&app(APP)], [(1, &store[..]), (2, &blob[..])]);
        assert!(!reached.covers([&app("async fn f() { store::unrelated(); }")]));
        let less = app("async fn a() { store::load_settings(); }");
        assert!(reached.covers([&less]));
        let kept: Vec<(usize, &[FileSummary])> = reached
            .crates
            .iter()
            .map(|(i, files)| (*i, files.as_slice()))
            .collect();
        let whole = findings_over(&less, &[(1, &store), (2, &blob)]);
        assert_eq!(whole.len(), 1);
        assert_eq!(findings_over(&less, &kept), whole);
    }

    /// A kept method of a trait impl keeps its impl, at its new index.
    #[test]
    fn a_kept_impl_method_points_at_its_kept_impl() {
        let dep = [summary(
            "/r/dep/src/lib.rs",
            &[],
            "pub trait A { fn one(&self); }\npub trait B { fn two(&self); }\n\
             pub struct S;\nimpl A for S { fn one(&self) {} }\nimpl B for S { fn two(&self) {} }",
        )];
        let reached = ReachedItems::new(
            [&app("async fn f(s: dep::S) { s.two(); }")],
            [(1, &dep[..])],
        );
        let file = &reached.crates[0].1[0];
        let two = file
            .fns
            .iter()
            .find(|f| f.path.last().unwrap() == "two")
            .unwrap();
        let at = two.trait_impl.expect("an impl method");
        assert_eq!(
            file.trait_impls[at].trait_path,
            dep[0].trait_impls[1].trait_path
        );
        assert!(file.fns.iter().all(|f| f.path.last().unwrap() != "one"));
    }
    /// A module's globs are kept when a path can pass through the module (every segment
    /// of its path is a word), and dropped otherwise; through the kept ones the call
    /// still reaches its fn.
    #[test]
    fn globs_are_kept_only_in_modules_a_path_can_pass_through() {
        let dep = [
            summary(
                "/r/dep/src/lib.rs",
                &[],
                "pub mod inner; pub mod unused; mod deep;",
            ),
            summary("/r/dep/src/inner.rs", &["inner"], "pub use crate::deep::*;"),
            summary(
                "/r/dep/src/unused.rs",
                &["unused"],
                "pub use crate::other::*;",
            ),
            summary(
                "/r/dep/src/deep.rs",
                &["deep"],
                "pub fn read_all() { std::fs::read(\"a\").unwrap(); }",
            ),
        ];
        let app = app("async fn f() { dep::inner::read_all(); }");
        let mut deps = DependencyUnits::default();
        deps.add_dependency(1, "dep 1.0.0");
        deps.add_extern(0, "dep", 1);
        let over = |files: &[FileSummary]| {
            let mut placed = vec![CrateFile {
                unit: 0,
                summary: &app,
            }];
            placed.extend(files.iter().map(|summary| CrateFile { unit: 1, summary }));
            workspace_findings_with_dependencies(&placed, &HashMap::new(), &deps)
        };
        let whole = over(&dep);
        assert_eq!(whole.len(), 1, "{whole:#?}");
        let reached = ReachedItems::new([&app], [(1, &dep[..])]);
        let globs: Vec<&Vec<String>> = reached.crates[0]
            .1
            .iter()
            .flat_map(|f| &f.imports)
            .flat_map(|m| &m.globs)
            .collect();
        assert_eq!(globs, [&vec!["crate".to_string(), "deep".to_string()]]);
        assert_eq!(over(&reached.crates[0].1), whole);
    }
}
