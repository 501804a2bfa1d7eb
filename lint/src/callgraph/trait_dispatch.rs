//! Calls through a trait: a method call whose receiver's stated type is a trait
//! (`&dyn Store`, `Box<dyn Store>`, `Arc<dyn Store>`, `impl Store`, a generic `T: Store`;
//! see `visitor/generic_bounds.rs`) runs one of the trait's impls, which one the source
//! does not say. Rules:
//! - The impls are every `impl Store for ..` of the graph: the workspace's, in any of
//!   its crates (a generic fn of a library runs the impls of the crates that call it, so
//!   crate reachability does not narrow them), and the dependencies' when they are
//!   analysed. An impl under `#[cfg(test)]` counts only for calls from test code.
//! - Each impl runs its own method of that name, or, when it defines none, the trait's
//!   default method.
//! - The call blocks only when every impl's method blocks. An impl whose method is not
//!   known to block (no body summarized, an async method, a default without a body)
//!   makes the call one that never blocks: the graph then does not fall back to matching
//!   the name.
//! - A trait that does not declare the method (it comes from another bound, a
//!   supertrait or `std`) is not what the call dispatches through: the call is resolved
//!   as if the trait were not named. A trait that declares it but has no impl visible
//!   runs nothing: the call does not block.

use std::cell::RefCell;

use crate::deps::fast_hash::{FastMap, FastSet};

use super::{CrateFile, Graph};
use crate::receiver_types::ReceiverTypes;
use crate::summary::CallSite;
use crate::{TraitDecl, TraitImpl};

/// A trait: the crate unit it is declared in, and its module path and name there.
type TraitKey = (usize, Vec<String>);

/// One `impl Trait for Type` of the graph.
struct ImplOf<'a> {
    /// Index of its file among the graph's files.
    file: usize,
    /// Index of the impl among its file's [`FileSummary::trait_impls`](crate::FileSummary::trait_impls).
    index: usize,
    imp: &'a TraitImpl,
}

/// The traits of the graph and their impls.
#[derive(Default)]
pub(super) struct TraitTable<'a> {
    declared: FastMap<(usize, &'a [String]), &'a TraitDecl>,
    /// Declared traits by crate and name, for paths into a dependency that its
    /// re-exports do not explain.
    by_name: FastMap<(usize, &'a str), Vec<&'a [String]>>,
    /// Every trait name of the graph: a path whose last segment is none of them is not
    /// a trait, without following re-exports.
    names: FastSet<&'a str>,
    impls: FastMap<TraitKey, Vec<ImplOf<'a>>>,
    /// The fn of each impl's method: (file, impl, method name).
    methods: FastMap<(usize, usize, &'a str), usize>,
    /// The declared trait each (crate, path) reaches through `use` items, once asked:
    /// every call on a `dyn Store` receiver of a crate asks the same path.
    followed: RefCell<FollowedTraits>,
}

/// The trait a path names through `use` items, by crate unit, then by path.
type FollowedTraits = FastMap<usize, FastMap<Vec<String>, Option<TraitKey>>>;

/// What a method call on a receiver runs, as far as traits say.
pub(super) enum Dispatch {
    /// The receiver's stated type names no trait that has the method.
    NotATrait,
    /// Some impl's method never blocks (or no impl is visible): the call does not block.
    NeverBlocks,
    /// The methods the impls run (each impl's own or the trait's default): the call
    /// blocks when every one of them does.
    EveryImpl(Vec<usize>),
}

impl<'a> TraitTable<'a> {
    /// The traits and impls of `files`, whose fns the graph numbered in file order.
    pub(super) fn build(graph: &Graph<'a>, files: &[CrateFile<'a>]) -> TraitTable<'a> {
        let mut table = TraitTable::default();
        for file in files {
            for decl in &file.summary.traits {
                let path = &decl.path;
                table.declared.insert((file.unit, path.as_slice()), decl);
                if let Some(name) = path.last() {
                    table.names.insert(name.as_str());
                    table
                        .by_name
                        .entry((file.unit, name.as_str()))
                        .or_default()
                        .push(path.as_slice());
                }
            }
        }
        // A trait imported under another name (`pub use store::Store as Backend`).
        for file in files {
            for (alias, target) in file.summary.imports.iter().flat_map(|m| &m.names) {
                if target
                    .last()
                    .is_some_and(|t| table.names.contains(t.as_str()))
                {
                    table.names.insert(alias.as_str());
                }
            }
        }
        // What a trait path names depends on the crate it is written in, not on the
        // file: a crate's many impls of one trait resolve it once, to the trait's group
        // of impls (by position in `groups`), so a trait key is hashed once per group.
        let mut resolved: FastMap<(usize, &str), Option<usize>> = FastMap::default();
        let mut group_of: FastMap<TraitKey, usize> = FastMap::default();
        let mut groups: Vec<(TraitKey, Vec<ImplOf<'a>>)> = Vec::new();
        let mut first_fn = 0;
        for (file_index, file) in files.iter().enumerate() {
            for (j, f) in file.summary.fns.iter().enumerate() {
                if let (Some(index), Some(name)) = (f.trait_impl, f.path.last()) {
                    table
                        .methods
                        .insert((file_index, index, name.as_str()), first_fn + j);
                }
            }
            first_fn += file.summary.fns.len();
            for (index, imp) in file.summary.trait_impls.iter().enumerate() {
                let group = *resolved
                    .entry((file.unit, imp.trait_path.as_str()))
                    .or_insert_with(|| {
                        let segs: Vec<&str> = imp.trait_path.split("::").collect();
                        let key = table.key_of(graph, file.unit, &segs)?;
                        Some(*group_of.entry(key.clone()).or_insert_with(|| {
                            groups.push((key, Vec::new()));
                            groups.len() - 1
                        }))
                    });
                let Some(group) = group else {
                    continue;
                };
                groups[group].1.push(ImplOf {
                    file: file_index,
                    index,
                    imp,
                });
            }
        }
        table.impls = groups.into_iter().collect();
        table
    }

    /// The trait that path `segs`, written in the code of `unit`, names (through `use`
    /// items where needed), if it names one.
    fn key_of(&self, graph: &Graph<'a>, unit: usize, segs: &[&str]) -> Option<TraitKey> {
        let (home, rest) = match segs {
            [crate::resolve::CRATE, rest @ ..] => (unit, rest),
            [only] => (unit, std::slice::from_ref(only)),
            [first, rest @ ..] => (graph.crate_unit(unit, first)?, rest),
            [] => return None,
        };
        let path: Vec<String> = rest
            .iter()
            .map(|s| s.strip_prefix("r#").unwrap_or(s).to_string())
            .collect();
        self.key_in(graph, home, path)
    }

    /// The trait at `path` in crate `home`: declared there, re-exported there, or (in a
    /// dependency, or for a bare name) the one trait of that name in that crate.
    fn key_in(&self, graph: &Graph<'a>, home: usize, path: Vec<String>) -> Option<TraitKey> {
        let last = path.last()?;
        if !self.names.contains(last.strip_prefix("r#").unwrap_or(last)) {
            return None;
        }
        if self.declared.contains_key(&(home, path.as_slice())) {
            return Some((home, path));
        }
        if let Some(key) = self.followed_trait(graph, home, &path) {
            return Some(key);
        }
        let by_name = path.len() == 1 || graph.deps.is_dependency(home);
        match self.by_name.get(&(home, path.last()?.as_str())) {
            Some(paths) if by_name && paths.len() == 1 => Some((home, paths[0].to_vec())),
            _ => None,
        }
    }

    /// The first declared trait that `path` in crate `home` reaches through `use` items
    /// (see [`Reexports::follow`](crate::reexports::Reexports)), asked of the imports
    /// once per (crate, path): the answer depends only on the declared traits and the
    /// imports, both fixed once the table is built.
    fn followed_trait(&self, graph: &Graph<'a>, home: usize, path: &[String]) -> Option<TraitKey> {
        let known = self
            .followed
            .borrow()
            .get(&home)
            .and_then(|answers| answers.get(path).cloned());
        if let Some(answer) = known {
            return answer;
        }
        let answer = graph
            .reexports
            .follow(home, path, &|u, name| graph.crate_unit(u, name), &|u, p| {
                if self.declared.contains_key(&(u, p)) {
                    vec![(u, p.to_vec())]
                } else {
                    Vec::new()
                }
            })
            .into_iter()
            .next();
        self.followed
            .borrow_mut()
            .entry(home)
            .or_default()
            .insert(path.to_vec(), answer.clone());
        answer
    }
}

impl Graph<'_> {
    /// The impls method call `call` (of fn `caller`, method `name`) may run, when its
    /// receiver's stated type is a trait (see the module's rules).
    pub(super) fn dispatch(&self, caller: usize, call: &CallSite, name: &str) -> Dispatch {
        let unit = self.fns[caller].unit;
        let receiver = ReceiverTypes::new(&call.receiver, |c| self.crates.contains_key(c));
        let mut keys: Vec<TraitKey> = Vec::new();
        for (krate, path) in receiver.workspace_types() {
            let home = match krate {
                None => unit,
                Some(k) => match self.crates.get(k) {
                    Some(&u) => u,
                    None => continue,
                },
            };
            if let Some(key) = self.traits.key_in(self, home, path) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        for segs in receiver.foreign_paths() {
            if let Some(key) = self.traits.key_of(self, unit, segs) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        let from_test = self.fns[caller].summary.in_test || call.in_test;
        let mut targets: Vec<usize> = Vec::new();
        let mut has_method = false;
        for key in &keys {
            let default = self.default_method(key, name, from_test);
            let impls = self.traits.impls.get(key).map_or(&[][..], Vec::as_slice);
            let declares = self
                .traits
                .declared
                .get(&(key.0, key.1.as_slice()))
                .is_some_and(|t| t.declares(name));
            if !declares {
                continue;
            }
            has_method = true;
            for imp in impls.iter().filter(|i| from_test || !i.imp.in_test) {
                let target = if imp.imp.defines(name) {
                    self.traits
                        .methods
                        .get(&(imp.file, imp.index, name))
                        .copied()
                } else {
                    default
                };
                match target {
                    Some(t) if !self.fns[t].summary.is_async => {
                        if !targets.contains(&t) {
                            targets.push(t);
                        }
                    }
                    _ => return Dispatch::NeverBlocks,
                }
            }
        }
        match (has_method, targets.is_empty()) {
            (false, _) => Dispatch::NotATrait,
            (true, true) => Dispatch::NeverBlocks,
            (true, false) => Dispatch::EveryImpl(targets),
        }
    }

    /// The default method `name` of trait `key`, as code in or out of tests sees it.
    fn default_method(&self, key: &TraitKey, name: &str, from_test: bool) -> Option<usize> {
        let mut path = key.1.clone();
        path.push(name.to_string());
        self.by_path
            .get(&(key.0, path.as_slice()))?
            .iter()
            .copied()
            .find(|&i| from_test || !self.fns[i].summary.in_test)
    }
}
