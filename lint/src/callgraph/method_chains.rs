//! Method calls on the value of a chain of calls (`Walk::new(d).max_depth(1).into_iter()`
//! then `.next()`): the receiver's stepped origins ([`crate::method_steps`]) give where
//! the chain started and each method called since; the graph follows the declared
//! return type of each of those methods, in the workspace or in a dependency, to the
//! types whose method `name` the call reaches. A step the scan finds no method for
//! (`Result::map_err`, a std trait's method) keeps the types it was called on: the
//! builder assumption the plain origins make for the whole chain.

use super::Graph;
use crate::method_steps::PAST_BOUND;
use crate::receiver_types::ReceiverTypes;
use crate::resolve::CRATE;

/// How many types one step may lead to before the chain is given up as too vague.
const MAX_TYPES: usize = 16;

/// A type whose methods the graph can look up: its crate's unit and its path there,
/// without the crate's name (`["iter", "Iter"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnitType {
    unit: usize,
    path: Vec<String>,
}

/// Whether a path segment names a type (or a trait): capitalised, as Rust code writes them.
fn is_type_name(segment: &str) -> bool {
    segment.starts_with(|c: char| c.is_ascii_uppercase())
}

impl Graph<'_> {
    /// The methods `name` (async ones included) of the types the chains of `receiver`
    /// end in, seen from fn `caller`.
    pub(super) fn chained_methods(
        &self,
        caller: usize,
        receiver: &ReceiverTypes<'_>,
        name: &str,
    ) -> Vec<usize> {
        let unit = self.fns[caller].unit;
        let mut found = Vec::new();
        for (start, steps) in receiver.chains() {
            if steps.contains(&PAST_BOUND) {
                continue;
            }
            let Some(types) = self.chain_types(unit, start, steps) else {
                continue;
            };
            for ty in &types {
                for f in self.methods_on(ty, name) {
                    if !found.contains(&f) {
                        found.push(f);
                    }
                }
            }
        }
        found
    }

    /// The types the value of `start` followed by `steps` may have, seen from `unit`;
    /// `None` where a step leads to no type the graph knows, or to too many.
    fn chain_types(&self, unit: usize, start: &str, steps: &[&str]) -> Option<Vec<UnitType>> {
        let mut types = self.start_types(unit, start);
        for step in steps {
            if types.is_empty() || types.len() > MAX_TYPES {
                return None;
            }
            let mut methods: Vec<usize> = Vec::new();
            for ty in &types {
                for f in self.methods_on(ty, step) {
                    if !methods.contains(&f) {
                        methods.push(f);
                    }
                }
            }
            if methods.is_empty() {
                continue;
            }
            let mut next: Vec<UnitType> = Vec::new();
            for f in methods {
                for ty in self.declared_return_types(f) {
                    if !next.contains(&ty) {
                        next.push(ty);
                    }
                }
            }
            types = next;
        }
        (!types.is_empty() && types.len() <= MAX_TYPES).then_some(types)
    }

    /// The types a chain's start names, seen from `unit`: the type a path names
    /// (`walker::Walk`), the type of a constructor (`walker::Walk::new`), and the
    /// declared return types of the fns it names (`walker::walk`).
    fn start_types(&self, unit: usize, start: &str) -> Vec<UnitType> {
        let segs: Vec<String> = start
            .split("::")
            .map(|s| s.strip_prefix("r#").unwrap_or(s).to_string())
            .collect();
        let Some((home, rest)) = self.home_of(unit, &segs) else {
            return Vec::new();
        };
        let mut types = Vec::new();
        match rest {
            [.., last] if is_type_name(last) => types.push(UnitType {
                unit: home,
                path: rest.to_vec(),
            }),
            [.., ty, _] if is_type_name(ty) => types.push(UnitType {
                unit: home,
                path: rest[..rest.len() - 1].to_vec(),
            }),
            _ => {}
        }
        let fns = match self.by_path.get(&(home, rest)) {
            Some(ids) => ids.clone(),
            None => self.through_reexports(home, rest),
        };
        for f in fns {
            for ty in self.declared_return_types(f) {
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
        }
        types
    }

    /// The crate a resolved path lives in, seen from `unit`, and the path in it:
    /// `crate::` is `unit` itself; another first segment a crate `unit` names.
    fn home_of<'p>(&self, unit: usize, segs: &'p [String]) -> Option<(usize, &'p [String])> {
        let (first, rest) = segs.split_first()?;
        if rest.is_empty() {
            return None;
        }
        let home = if first == CRATE {
            unit
        } else {
            self.crate_unit(unit, first)?
        };
        Some((home, rest))
    }

    /// The types fn `f`'s signature says it returns, as types of the graph's crates
    /// (the std types among them, `Result` and `Option`, are not looked into).
    fn declared_return_types(&self, f: usize) -> Vec<UnitType> {
        let callee = &self.fns[f];
        let mut out = Vec::new();
        for written in &callee.summary.returns {
            let segs: Vec<String> = written.split("::").map(str::to_string).collect();
            if !segs.last().is_some_and(|s| is_type_name(s)) {
                continue;
            }
            let ty = match self.home_of(callee.unit, &segs) {
                Some((unit, path)) => UnitType {
                    unit,
                    path: path.to_vec(),
                },
                // A bare name the summary could not resolve (a glob import): a type of
                // the fn's own crate, found by its name.
                None if segs.len() == 1 => UnitType {
                    unit: callee.unit,
                    path: segs,
                },
                None => continue,
            };
            if !out.contains(&ty) {
                out.push(ty);
            }
        }
        out
    }

    /// The methods `name` of `ty`: at the type's path, through its crate's re-exports;
    /// where that reaches none (an impl in another module than its type), the methods
    /// of that name of every type of that name in the crate.
    fn methods_on(&self, ty: &UnitType, name: &str) -> Vec<usize> {
        let mut key = ty.path.clone();
        key.push(name.to_string());
        let at_path: Vec<usize> = match self.by_path.get(&(ty.unit, key.as_slice())) {
            Some(ids) => ids.clone(),
            None => self.through_reexports(ty.unit, &key),
        };
        // A dependency's test code is not part of what it gives its callers.
        let given = |i: usize| {
            let f = &self.fns[i];
            !(f.summary.in_test && self.deps.is_dependency(f.unit))
        };
        let at_path: Vec<usize> = at_path
            .into_iter()
            .filter(|&i| self.fns[i].summary.is_method && given(i))
            .collect();
        if !at_path.is_empty() {
            return at_path;
        }
        let Some(ty_name) = ty.path.last() else {
            return Vec::new();
        };
        let scope = self.deps.is_dependency(ty.unit).then_some(ty.unit);
        self.methods
            .get(&(scope, name))
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&i| {
                        let f = &self.fns[i];
                        f.unit == ty.unit
                            && f.summary.self_ty.as_deref() == Some(ty_name)
                            && given(i)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::tests::{file, findings_over_one_dependency, one_dependency};
    use super::*;
    use crate::CrateFile;

    /// A builder whose iterator reads directories, as walkdir's: nothing in the
    /// caller names `Iter`, only the signatures of `max_depth` and `into_iter` do.
    const WALKER: &str = "pub struct Walk { depth: usize }\n\
        pub struct Iter;\npub struct Entries;\n\
        impl Walk {\n\
            pub fn new(d: &str) -> Self { Walk { depth: 0 } }\n\
            pub fn max_depth(self, depth: usize) -> Self { self }\n\
            pub fn entries(&self) -> Entries { Entries }\n\
        }\n\
        impl IntoIterator for Walk { type Item = u8; type IntoIter = Iter;\n\
            fn into_iter(self) -> Iter { Iter } }\n\
        impl Iterator for Iter { type Item = u8;\n\
            fn next(&mut self) -> Option<u8> { std::fs::read_dir(\"d\").ok(); None } }\n\
        impl Iter { pub async fn drain(self) { std::fs::read(\"d\").ok(); } }\n\
        impl Iterator for Entries { type Item = u8;\n\
            fn next(&mut self) -> Option<u8> { None } }\n\
        pub fn walk(d: &str) -> Walk { Walk::new(d) }";

    const APP: &str = "async fn looped(d: &str) {\n    for _ in walker::Walk::new(d) {}\n}\n\
        async fn stepped(d: &str) {\n    \
            walker::Walk::new(d).max_depth(1).into_iter().next();\n}\n\
        async fn from_a_free_fn(d: &str) {\n    walker::walk(d).into_iter().count();\n}\n\
        async fn quiet_iterator(d: &str) {\n    walker::Walk::new(d).entries().next();\n}\n\
        async fn through_lets(d: &str) {\n    \
            let w = walker::Walk::new(d).max_depth(2);\n    let mut it = w.into_iter();\n    \
            it.next().unwrap();\n}\n\
        async fn awaited(d: &str) {\n    walker::Walk::new(d).into_iter().drain().await;\n}";

    #[test]
    fn a_method_on_a_chains_value_is_the_method_of_the_type_its_steps_return() {
        let dep = file("/reg/walker-1.0.0/src/lib.rs", "", WALKER);
        let app = file("src/main.rs", "", APP);
        let mut expected: Vec<(usize, String)> = [2, 5, 8, 16]
            .into_iter()
            .map(|line| (line, "walker::Iter::next".to_string()))
            .collect();
        // An awaited async method of the chain's type that blocks inside the dependency.
        expected.push((19, "walker::Iter::drain".to_string()));
        assert_eq!(findings_over_one_dependency(&app, &dep, "walker"), expected);
    }

    /// The cache stores a dependency's essentials: the quiet fns a chain needs (the
    /// step that returns the blocking type, a free fn a chain starts from) are kept as
    /// stubs with their return types, and the chains find what they find over the whole
    /// crate; a builder method that returns its own type is passed through instead, and
    /// a quiet method that leads to no blocking type is not kept.
    #[test]
    fn the_essentials_keep_the_quiet_steps_of_chains_that_lead_to_a_blocking_method() {
        let dep = file("/reg/walker-1.0.0/src/lib.rs", "", WALKER);
        let (crates, deps) = (HashMap::new(), one_dependency("walker"));
        let alone = [CrateFile {
            unit: 1,
            summary: &dep,
        }];
        let essentials = Graph::with_dependencies(&alone, &crates, &deps).essentials(&alone, 1);
        let kept: Vec<String> = essentials[0]
            .fns
            .iter()
            .map(|f| f.path.join("::"))
            .collect();
        assert_eq!(
            kept,
            ["Walk::into_iter", "Iter::next", "Iter::drain", "walk"]
        );
        let app = file("src/main.rs", "", APP);
        assert_eq!(
            findings_over_one_dependency(&app, &essentials[0], "walker"),
            findings_over_one_dependency(&app, &dep, "walker")
        );
    }

    /// Inside a workspace, across files: `Store::open()` gives a `Store`, whose
    /// `reader()` gives a `Reader`, whose `read_all` reads a file; a `Name`'s quiet
    /// `read_all` and a std type's chain are not taken for it.
    #[test]
    fn workspace_chains_follow_each_methods_declared_return_type() {
        let store = file(
            "src/store.rs",
            "store",
            "pub struct Store;\npub struct Reader;\npub struct Name;\n\
             impl Store {\n    pub fn open() -> Store { Store }\n    \
             pub fn reader(&self) -> Reader { Reader }\n    \
             pub fn name(&self) -> Name { Name }\n    \
             pub fn label(&self) -> String { String::new() }\n}\n\
             impl Reader {\n    pub fn read_all(&self) { std::fs::read(\"a\").unwrap(); }\n}\n\
             impl Name {\n    pub fn read_all(&self) {}\n}",
        );
        let main = file(
            "src/main.rs",
            "",
            "mod store;\nasync fn run() {\n    store::Store::open().reader().read_all();\n    \
             store::Store::open().name().read_all();\n    \
             store::Store::open().label().read_all();\n}",
        );
        let placed = [
            CrateFile {
                unit: 0,
                summary: &store,
            },
            CrateFile {
                unit: 0,
                summary: &main,
            },
        ];
        let found: Vec<(usize, String)> = Graph::new(&placed, &HashMap::new())
            .findings()
            .into_iter()
            .map(|d| (d.line, d.resolved))
            .collect();
        assert_eq!(found, [(3, "store::Reader::read_all".to_string())]);
    }
}
