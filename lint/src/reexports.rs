//! Re-exports across the files and crates of a workspace: `pub use path::*`,
//! `pub use path::Item as Alias`, `pub(crate) use` chains and `use super::*` globs,
//! followed as rustc resolves them, so that a call written through a re-export
//! (`repository::StorageConnectionManager`, `crate::api::load` where `api` does
//! `pub use crate::store::*`) reaches the summary of the fn it names.
//!
//! Each file's summary carries the `use` items of its modules ([`ModuleImports`]); the
//! call graph asks [`Reexports::follow`] for a path it found no fn at. Rules:
//! - a path `m::name::rest` where module `m` imports `name` explicitly
//!   (`use a::b as name;`) continues as `a::b::rest`;
//! - otherwise, unless `m` defines `name` itself (an explicit item shadows every glob),
//!   each glob of `m` (`use a::*;`) is tried as `a::name::rest`, and what every glob
//!   reaches at the shortest chain is returned (globs that overlap are `cfg`
//!   alternatives);
//! - a target starting with `crate` stays in the crate; one starting with another
//!   crate's name continues in that crate;
//! - every (crate, path) is visited once and the chain is at most [`MAX_HOPS`] long,
//!   so import cycles (`mod a { pub use super::b::*; } mod b { pub use super::a::*; }`)
//!   terminate;
//! - one resolution tries at most [`MAX_PATHS`] paths: a module with `k` globs the scan
//!   cannot see into (their modules are in files it did not read) makes every name of it
//!   a candidate in each of them, `k` more per hop, so the candidates would grow as
//!   `k^hops` (rav1e's `transform/inverse.rs`, three globs, did not finish). Past the
//!   budget the path resolves to nothing, which loses a chain and never makes one.

use crate::deps::fast_hash::{FastMap, FastSet};
use crate::resolve::CRATE;

/// How many `use` items one resolution may pass through.
pub(crate) const MAX_HOPS: usize = 16;

/// How many paths one resolution may try.
pub(crate) const MAX_PATHS: usize = 1024;

/// The names one module defines and imports, for following re-exports across files.
///
/// ```
/// let file: syn::File = syn::parse_str(
///     "pub use self::db::*; pub use store::Pool as DbPool; mod db {}").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
/// let root = &s.imports[0];
/// assert!(root.module.is_empty());
/// assert_eq!(root.defined, ["db"]);
/// assert_eq!(root.names, [("DbPool".to_string(), vec!["store".to_string(), "Pool".to_string()])]);
/// assert_eq!(root.globs, [vec!["crate".to_string(), "db".to_string()]]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ModuleImports {
    /// The module's path in its crate (empty for the crate root).
    pub module: Vec<String>,
    /// Names the module binds in a way that is not followed: the items it defines (fns,
    /// types, modules, consts, ...) and names bound by several `use` items (alternatives
    /// under different `cfg`s, of which the build picks one). Such a name hides every glob.
    pub defined: Vec<String>,
    /// Names its `use` items bring in, with the absolute path each stands for (a path
    /// into the crate starts with `crate`; another starts with its crate's name).
    pub names: Vec<(String, Vec<String>)>,
    /// The absolute paths of its glob imports (`use a::b::*;` gives `a::b`).
    pub globs: Vec<Vec<String>>,
}

/// The modules of every crate of a workspace, by (crate unit, module path).
#[derive(Debug, Default)]
pub(crate) struct Reexports<'a> {
    modules: FastMap<(usize, &'a [String]), ModuleIndex<'a>>,
}

/// What the [`ModuleImports`] of one module (of all its files: a module's `cfg`
/// alternatives may come from several) bind, indexed by name.
#[derive(Debug, Default)]
struct ModuleIndex<'a> {
    /// Each name an explicit `use` item brings in, with its target: the first one
    /// listed, as rustc would reject a second unless it is a `cfg` alternative.
    names: FastMap<&'a str, &'a [String]>,
    /// Names the module binds in a way that is not followed ([`ModuleImports::defined`]).
    defined: FastSet<&'a str>,
    /// Its globs' targets, in the order listed.
    globs: Vec<&'a [String]>,
}

impl<'a> Reexports<'a> {
    /// Indexes the modules of `files`, each given with its crate unit.
    pub fn new(files: impl IntoIterator<Item = (usize, &'a [ModuleImports])>) -> Self {
        let mut modules: FastMap<(usize, &'a [String]), ModuleIndex<'a>> = FastMap::default();
        for (unit, imports) in files {
            for m in imports {
                let index = modules.entry((unit, m.module.as_slice())).or_default();
                for (name, target) in &m.names {
                    index
                        .names
                        .entry(name.as_str())
                        .or_insert(target.as_slice());
                }
                index.defined.extend(m.defined.iter().map(String::as_str));
                index.globs.extend(m.globs.iter().map(Vec::as_slice));
            }
        }
        Reexports { modules }
    }

    /// The first non-empty answer of `found(unit, path)` over the paths that `path`
    /// (in the crate `unit`, without the `crate` marker) stands for through `use` items,
    /// breadth-first (the shortest chain of imports wins). `crate_unit(unit, name)` says
    /// which crate a first segment `name` names from `unit`. The path itself is not
    /// tried: the caller already did.
    pub fn follow<T: PartialEq>(
        &self,
        unit: usize,
        path: &[String],
        crate_unit: &dyn Fn(usize, &str) -> Option<usize>,
        found: &dyn Fn(usize, &[String]) -> Vec<T>,
    ) -> Vec<T> {
        if self.modules.is_empty() {
            return Vec::new();
        }
        // A path that passes through no module with `use` items ends here, before
        // anything is allocated for the search.
        let mut first = Some(self.rewrites(unit, path, crate_unit));
        if first.as_ref().is_some_and(Vec::is_empty) {
            return Vec::new();
        }
        let mut seen: FastSet<(usize, Vec<String>)> = FastSet::default();
        seen.insert((unit, path.to_vec()));
        let mut layer = vec![(unit, path.to_vec())];
        for _ in 0..MAX_HOPS {
            if seen.len() > MAX_PATHS {
                return Vec::new();
            }
            let mut next = Vec::new();
            // Every hit of the shortest chains: two globs that both bring the name in
            // are alternatives under different `cfg`s (rustc rejects the ambiguity
            // otherwise), and the caller decides between what they name.
            let mut hits: Vec<T> = Vec::new();
            for (u, p) in &layer {
                let rewritten = first
                    .take()
                    .unwrap_or_else(|| self.rewrites(*u, p, crate_unit));
                for (nu, np) in rewritten {
                    if seen.len() > MAX_PATHS || !seen.insert((nu, np.clone())) {
                        continue;
                    }
                    let hit = found(nu, &np);
                    if hit.is_empty() {
                        next.push((nu, np));
                    }
                    for h in hit {
                        if !hits.contains(&h) {
                            hits.push(h);
                        }
                    }
                }
            }
            if !hits.is_empty() {
                return hits;
            }
            if next.is_empty() {
                break;
            }
            layer = next;
        }
        Vec::new()
    }

    /// The paths `path` stands for through one `use` item of a module it passes through.
    fn rewrites(
        &self,
        unit: usize,
        path: &[String],
        crate_unit: &dyn Fn(usize, &str) -> Option<usize>,
    ) -> Vec<(usize, Vec<String>)> {
        let mut out = Vec::new();
        for split in 0..path.len() {
            let (module, rest) = path.split_at(split);
            let Some(index) = self.modules.get(&(unit, module)) else {
                continue;
            };
            let (name, tail) = (&rest[0], &rest[1..]);
            if let Some(target) = index.names.get(name.as_str()) {
                out.extend(place(unit, target, &[], tail, crate_unit));
                continue;
            }
            if index.defined.contains(name.as_str()) {
                continue;
            }
            for glob in &index.globs {
                out.extend(place(
                    unit,
                    glob,
                    std::slice::from_ref(name),
                    tail,
                    crate_unit,
                ));
            }
        }
        out
    }
}

/// `target` + `name` + `tail` as a (crate, path) pair: a `crate::` path stays in
/// `unit`, another continues in the crate its first segment names, if that crate is
/// known.
fn place(
    unit: usize,
    target: &[String],
    name: &[String],
    tail: &[String],
    crate_unit: &dyn Fn(usize, &str) -> Option<usize>,
) -> Option<(usize, Vec<String>)> {
    let mut segments = target.iter().chain(name).chain(tail);
    let first = segments.next()?;
    let u = if first == CRATE {
        unit
    } else {
        crate_unit(unit, first)?
    };
    let mut path = Vec::with_capacity(target.len() + name.len() + tail.len() - 1);
    path.extend(segments.cloned());
    Some((u, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    fn module(
        path: &str,
        defined: &[&str],
        names: &[(&str, &str)],
        globs: &[&str],
    ) -> ModuleImports {
        ModuleImports {
            module: segs(path),
            defined: defined.iter().map(|s| s.to_string()).collect(),
            names: names
                .iter()
                .map(|(n, p)| (n.to_string(), segs(p)))
                .collect(),
            globs: globs.iter().map(|g| segs(g)).collect(),
        }
    }

    /// Follows `path` in unit 0 to the first of `fns` (unit, path) it reaches.
    fn reach(
        mods: &[(usize, Vec<ModuleImports>)],
        fns: &[(usize, &str)],
        path: &str,
    ) -> Vec<String> {
        let index = Reexports::new(mods.iter().map(|(u, m)| (*u, m.as_slice())));
        let fns: Vec<(usize, Vec<String>)> = fns.iter().map(|(u, p)| (*u, segs(p))).collect();
        let crates = |_: usize, name: &str| (name == "core_lib").then_some(1);
        let found = |u: usize, p: &[String]| -> Vec<String> {
            fns.iter()
                .filter(|(fu, fp)| *fu == u && fp.as_slice() == p)
                .map(|(fu, fp)| format!("{fu}:{}", fp.join("::")))
                .collect()
        };
        index.follow(0, &segs(path), &crates, &found)
    }

    #[test]
    fn explicit_names_and_aliases_are_followed() {
        let mods = [(
            0,
            vec![module(
                "api",
                &[],
                &[("load", "crate::store::read_all")],
                &[],
            )],
        )];
        assert_eq!(
            reach(&mods, &[(0, "store::read_all")], "api::load"),
            ["0:store::read_all"]
        );
        assert!(reach(&mods, &[(0, "store::read_all")], "api::other").is_empty());
    }

    #[test]
    fn globs_are_followed_unless_an_item_shadows_them() {
        let mods = [(
            0,
            vec![
                module("", &["db"], &[], &["crate::db"]),
                module("db", &[], &[], &["crate::db::pool"]),
            ],
        )];
        assert_eq!(
            reach(&mods, &[(0, "db::pool::Pool::get")], "Pool::get"),
            ["0:db::pool::Pool::get"]
        );
        // `api` defines its own `load`: the glob's `load` is shadowed.
        let mods = [(0, vec![module("api", &["load"], &[], &["crate::store"])])];
        assert!(reach(&mods, &[(0, "store::load")], "api::load").is_empty());
    }

    #[test]
    fn other_crates_and_cycles() {
        let mods = [
            (0, vec![module("", &[], &[("Pool", "core_lib::Pool")], &[])]),
            (1, vec![module("", &["pool"], &[], &["crate::pool"])]),
        ];
        assert_eq!(
            reach(&mods, &[(1, "pool::Pool::get")], "Pool::get"),
            ["1:pool::Pool::get"]
        );
        let cycle = [(
            0,
            vec![
                module("a", &[], &[], &["crate::b"]),
                module("b", &[], &[], &["crate::a"]),
            ],
        )];
        assert!(reach(&cycle, &[(0, "c::f")], "a::f").is_empty());
    }

    /// Three globs into modules the scan has not read: each hop makes every candidate
    /// three more (`a::f`, `b::a::f`, `c::b::a::f`, ...), so the resolution stops at its
    /// budget of lookups instead of trying 3^16 paths; a name the globs do reach within
    /// the budget is still found.
    #[test]
    fn globs_into_unseen_modules_stop_at_the_budget() {
        let root = module("", &[], &[], &["crate::a", "crate::b", "crate::c"]);
        let mods = [(0, vec![root])];
        let index = Reexports::new(mods.iter().map(|(u, m)| (*u, m.as_slice())));
        let lookups = std::cell::Cell::new(0usize);
        let found = |_: usize, p: &[String]| -> Vec<String> {
            lookups.set(lookups.get() + 1);
            (p == segs("c::b::half").as_slice())
                .then(|| p.join("::"))
                .into_iter()
                .collect()
        };
        let crates = |_: usize, _: &str| None;
        let missing = index.follow(0, &segs("missing"), &crates, &found);
        assert!(missing.is_empty());
        assert!(
            (MAX_PATHS / 2..=MAX_PATHS + 1).contains(&lookups.get()),
            "{} lookups",
            lookups.get()
        );
        lookups.set(0);
        assert_eq!(
            index.follow(0, &segs("half"), &crates, &found),
            ["c::b::half"]
        );
        assert!(lookups.get() < 64, "{} lookups", lookups.get());
    }
}
