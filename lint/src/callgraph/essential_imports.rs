//! Which `use` items of a dependency its essentials keep: those a resolution can pass
//! through on its way to something the essentials hold. A graph built from the
//! essentials follows a path through `use` items ([`Reexports`](crate::reexports)) only
//! to find a kept fn or a declared trait; a `use` item whose target leads to neither
//! (`use std::fmt;`, `use crate::util::helper;` where nothing of `util` is kept) only
//! ever sends a resolution to a dead end, so dropping it changes no answer, while it made
//! up most of the stored summaries.
//!
//! A target is kept when, in the crate it names (this one for `crate::`, else the crate
//! its first segment names, judged by what the graph keeps there), it
//! - is a prefix of a kept item's path or of a module with a `use` item that is kept
//!   (`crate::fs` when `fs::read::read` is kept or `fs` re-exports it);
//! - or passes through a module that rewrites it further: some module on its path
//!   imports its next segment by a kept `use` item, or has a kept glob that could
//!   bring it in.
//!
//! Kept `use` items are found as a fixed point over the untrimmed imports, so every
//! step of every chain that reached something stays. An explicit name that is dropped
//! is recorded as defined where its module has globs: it shadowed them, and still must.

use std::collections::{HashMap, HashSet};

use crate::reexports::ModuleImports;
use crate::resolve::CRATE;
use crate::summary::FileSummary;

/// What one module binds through `use` items that lead somewhere (and every name it
/// defines), over every file of the crate that contributes to it.
#[derive(Default)]
struct ModuleBindings {
    names: HashSet<String>,
    defined: HashSet<String>,
    has_globs: bool,
}

/// Which paths of one crate lead to something its essentials keep.
pub(super) struct Liveness {
    /// Every prefix (the empty one included) of a kept item's path and of a module path
    /// with a `use` item that leads somewhere.
    prefixes: HashSet<Vec<String>>,
    modules: HashMap<Vec<String>, ModuleBindings>,
    /// The names of the traits the crate declares.
    trait_names: HashSet<String>,
}

impl Liveness {
    /// The liveness of a crate whose kept fns are at `kept`, which declares the traits
    /// at `traits`, and whose modules import `imports` (untrimmed); `leads_into(name,
    /// path)` judges a target in the crate this one names `name`. A module counts as
    /// one that rewrites a path only through its `use` items that lead somewhere
    /// themselves, so they are found as a fixed point: each round adds what leads to
    /// what the rounds before found.
    pub(super) fn new<'a>(
        kept: impl IntoIterator<Item = &'a [String]>,
        traits: impl IntoIterator<Item = &'a [String]>,
        imports: impl IntoIterator<Item = &'a ModuleImports>,
        leads_into: &dyn Fn(&str, &[String]) -> bool,
    ) -> Self {
        let mut liveness = Liveness {
            prefixes: HashSet::new(),
            modules: HashMap::new(),
            trait_names: HashSet::new(),
        };
        kept.into_iter().for_each(|p| liveness.add_prefixes(p));
        for path in traits {
            liveness.add_prefixes(path);
            liveness.trait_names.extend(path.last().cloned());
        }
        // (module, the name it binds or None for a glob, target), not yet live.
        let mut pending: Vec<(&'a [String], Option<&'a str>, &'a [String])> = Vec::new();
        for m in imports {
            let bindings = liveness.modules.entry(m.module.clone()).or_default();
            bindings.defined.extend(m.defined.iter().cloned());
            pending.extend(
                m.names
                    .iter()
                    .map(|(n, t)| (&m.module[..], Some(n.as_str()), &t[..])),
            );
            pending.extend(m.globs.iter().map(|g| (&m.module[..], None, &g[..])));
        }
        loop {
            let (live, rest): (Vec<_>, Vec<_>) = pending
                .into_iter()
                .partition(|(_, _, target)| liveness.leads(target, leads_into));
            if live.is_empty() {
                break;
            }
            for (module, name, _) in live {
                liveness.add_prefixes(module);
                let bindings = liveness.modules.entry(module.to_vec()).or_default();
                match name {
                    Some(name) => {
                        bindings.names.insert(name.to_string());
                    }
                    None => bindings.has_globs = true,
                }
            }
            pending = rest;
        }
        liveness
    }

    fn add_prefixes(&mut self, path: &[String]) {
        for end in 0..=path.len() {
            if !self.prefixes.contains(&path[..end]) {
                self.prefixes.insert(path[..end].to_vec());
            }
        }
    }

    /// Whether following `target` (an absolute `use` target) can reach a kept item.
    fn leads(&self, target: &[String], leads_into: &dyn Fn(&str, &[String]) -> bool) -> bool {
        match target.split_first() {
            Some((first, rest)) if first == CRATE => self.leads_within(rest),
            Some((first, rest)) => leads_into(first, rest),
            None => false,
        }
    }

    /// Whether following `path` (inside this crate, without `crate`) can reach a kept
    /// item.
    pub(super) fn leads_within(&self, path: &[String]) -> bool {
        self.prefixes.contains(path) || self.rewritten_on_the_way(path)
    }

    /// Whether `path` (inside this crate, without `crate`) may name one of its traits:
    /// it leads somewhere, or it ends in the name of one (a dependency's trait is also
    /// found by its name alone).
    pub(super) fn may_name_a_trait(&self, path: &[String]) -> bool {
        path.last()
            .is_some_and(|name| self.trait_names.contains(name))
            || self.leads_within(path)
    }

    /// Whether a module on the way to `path` rewrites it: imports its next segment, or
    /// has a glob that segment is not shadowed from.
    fn rewritten_on_the_way(&self, path: &[String]) -> bool {
        (0..path.len()).any(|split| {
            let Some(m) = self.modules.get(&path[..split]) else {
                return false;
            };
            let next = &path[split];
            m.names.contains(next) || (m.has_globs && !m.defined.contains(next))
        })
    }
}

/// Drops from `files` (the essentials of one crate, fns already reduced, every file of
/// the crate still there) every `use` item no resolution can follow to a kept item.
/// `leads_into(name, path)` says whether `path` leads to a kept item of the crate this
/// one names `name` (false for a name that is no crate). Modules left with nothing that
/// changes a resolution go. Returns the crate's liveness, judged before trimming.
pub(super) fn trim_imports(
    files: &mut [FileSummary],
    leads_into: &dyn Fn(&str, &[String]) -> bool,
) -> Liveness {
    let (liveness, live_names, live_globs, globbed) = {
        let liveness = Liveness::new(
            files
                .iter()
                .flat_map(|f| f.fns.iter().map(|f| f.path.as_slice())),
            files
                .iter()
                .flat_map(|f| f.traits.iter().map(|t| t.path.as_slice())),
            files.iter().flat_map(|f| &f.imports),
            leads_into,
        );
        let leads_somewhere = |target: &[String]| liveness.leads(target, leads_into);
        // (module, name) stays when any of its entries leads somewhere: the first entry
        // of a name is the one followed, so a group is kept or dropped whole.
        let mut live_names: HashSet<(Vec<String>, String)> = HashSet::new();
        let mut live_globs: Vec<Vec<Vec<Vec<String>>>> = Vec::new();
        for file in files.iter() {
            let mut per_module = Vec::new();
            for m in &file.imports {
                for (name, target) in &m.names {
                    if leads_somewhere(target) {
                        live_names.insert((m.module.clone(), name.clone()));
                    }
                }
                per_module.push(
                    m.globs
                        .iter()
                        .filter(|g| leads_somewhere(g))
                        .cloned()
                        .collect(),
                );
            }
            live_globs.push(per_module);
        }
        let globbed: HashSet<Vec<String>> = files
            .iter()
            .zip(&live_globs)
            .flat_map(|(f, globs)| f.imports.iter().zip(globs))
            .filter(|(_, globs)| !globs.is_empty())
            .map(|(m, _)| m.module.clone())
            .collect();
        (liveness, live_names, live_globs, globbed)
    };
    for (file, globs) in files.iter_mut().zip(live_globs) {
        for (m, globs) in file.imports.iter_mut().zip(globs) {
            m.globs = globs;
            if !globbed.contains(&m.module) {
                // No glob of the module is left for a defined name to shadow.
                m.defined.clear();
                m.names
                    .retain(|(n, _)| live_names.contains(&(m.module.clone(), n.clone())));
                continue;
            }
            let (kept, dropped): (Vec<_>, Vec<_>) = std::mem::take(&mut m.names)
                .into_iter()
                .partition(|(n, _)| live_names.contains(&(m.module.clone(), n.clone())));
            m.names = kept;
            for (name, _) in dropped {
                if !m.defined.contains(&name) {
                    m.defined.push(name);
                }
            }
        }
        file.imports
            .retain(|m| !m.names.is_empty() || !m.globs.is_empty() || !m.defined.is_empty());
    }
    liveness
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::deps::DependencyUnits;
    use crate::summary::FileSummary;
    use crate::{workspace_findings_with_dependencies, Config, CrateFile, Graph};

    fn file(rel: &str, module: &[&str], src: &str) -> FileSummary {
        let parsed: syn::File = syn::parse_str(src).unwrap();
        let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
        crate::summarize_file(&parsed, rel, &module, false, &Config::default())
    }

    /// Crate `x` (unit 1) reaches its blocking fns through an alias, a glob, a module
    /// that only re-exports, a re-exported type and crate `y` (unit 2); it also holds
    /// `use` items that lead to nothing kept. The workspace (unit 0) calls through each.
    fn crates() -> (FileSummary, Vec<FileSummary>, FileSummary) {
        let app = file(
            "src/main.rs",
            &[],
            "async fn alias() {\n    x::open();\n}\n\
             async fn glob() {\n    x::read_all();\n}\n\
             async fn reexport_only() {\n    x::fs::read();\n}\n\
             async fn typed(p: x::Pool) {\n    p.drain();\n}\n\
             async fn other_crate() {\n    x::wait();\n}\n\
             async fn quiet() {\n    x::quiet();\n}",
        );
        let x = vec![
            file(
                "/reg/x/src/lib.rs",
                &[],
                "pub mod fs; mod imp; mod util;\n\
                 use std::fmt;\nuse crate::util::helper;\n\
                 pub use crate::imp::load as open;\npub use imp::*;\n\
                 pub use imp::pool::Pool;\npub use y::wait;\n\
                 pub fn quiet() { helper(); }",
            ),
            file(
                "/reg/x/src/fs.rs",
                &["fs"],
                "use std::io;\npub use crate::imp::read_all as read;",
            ),
            file(
                "/reg/x/src/imp.rs",
                &["imp"],
                "use std::collections::HashMap;\nuse crate::util::helper;\n\
                 pub mod pool;\n\
                 pub fn load() { std::fs::read(\"a\").unwrap(); }\n\
                 pub fn read_all() { load() }\n\
                 pub fn calm() { helper() }",
            ),
            file(
                "/reg/x/src/imp/pool.rs",
                &["imp", "pool"],
                "use std::time::Duration;\npub struct Pool;\nimpl Pool {\n\
                 pub fn drain(&self) { std::thread::sleep(Duration::ZERO) }\n}",
            ),
            file(
                "/reg/x/src/util.rs",
                &["util"],
                "use std::sync::Mutex;\npub fn helper() {}",
            ),
        ];
        let y = file(
            "/reg/y/src/lib.rs",
            &[],
            "pub fn wait() { std::thread::sleep(std::time::Duration::ZERO) }",
        );
        (app, x, y)
    }

    fn units() -> DependencyUnits {
        crate::test_support::chained_dependencies("x", "y")
    }

    /// (line, resolved path) of every finding in the workspace, with `x`'s files as given.
    fn found(app: &FileSummary, x: &[FileSummary], y: &FileSummary) -> Vec<(usize, String)> {
        let mut placed = vec![CrateFile {
            unit: 0,
            summary: app,
        }];
        placed.extend(x.iter().map(|summary| CrateFile { unit: 1, summary }));
        placed.push(CrateFile {
            unit: 2,
            summary: y,
        });
        workspace_findings_with_dependencies(&placed, &HashMap::new(), &units())
            .into_iter()
            .map(|d| (d.line, d.resolved))
            .collect()
    }

    #[test]
    fn trimmed_essentials_resolve_the_same_reexported_paths() {
        let (app, x, y) = crates();
        let expected: Vec<(usize, String)> = [
            (2, "x::imp::load"),
            (5, "x::imp::read_all"),
            (8, "x::imp::read_all"),
            (11, "x::imp::pool::Pool::drain"),
            (14, "wait"),
        ]
        .map(|(line, path)| (line, path.to_string()))
        .to_vec();
        assert_eq!(found(&app, &x, &y), expected);

        let deps = units();
        let crates = HashMap::new();
        let placed: Vec<CrateFile> = x
            .iter()
            .map(|summary| CrateFile { unit: 1, summary })
            .chain([CrateFile {
                unit: 2,
                summary: &y,
            }])
            .collect();
        let essentials = Graph::with_dependencies(&placed, &crates, &deps).essentials(&placed, 1);
        assert_eq!(found(&app, &essentials, &y), expected);

        // What led to nothing kept is gone: std imports, the private `helper` and the
        // file of `util`, which keeps no fn; the re-exports and the import of `y` stay.
        let names: Vec<String> = essentials
            .iter()
            .flat_map(|f| &f.imports)
            .flat_map(|m| {
                m.names
                    .iter()
                    .map(move |(n, _)| format!("{:?}::{n}", m.module))
            })
            .collect();
        assert_eq!(
            names,
            [
                r#"[]::Pool"#,
                r#"[]::open"#,
                r#"[]::wait"#,
                r#"["fs"]::read"#
            ]
        );
        let files: Vec<&str> = essentials.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "/reg/x/src/lib.rs",
                "/reg/x/src/fs.rs",
                "/reg/x/src/imp.rs",
                "/reg/x/src/imp/pool.rs"
            ]
        );
    }
}
