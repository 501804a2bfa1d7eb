//! Interprocedural analysis across the workspace: a sync fn that (transitively) calls a
//! blocking API is itself blocking, and calling it from async context is reported at the
//! call site, with the chain of calls down to the blocking API.
//!
//! Rules:
//! - Only sync fns propagate. An async fn's own blocking calls are reported inside it
//!   (directly by the engine), and calling an async fn only builds a future.
//! - A fn blocks when its body, run synchronously, reaches a blocking catalog call, or a
//!   call (not in an async block, not in a closure given to `spawn_blocking` & co.) to a
//!   workspace fn that blocks. Computed breadth-first from the direct blockers up the
//!   reverse call edges, so each fn's chain is a shortest one, cycles (recursion)
//!   terminate, and the work is linear in the number of calls.
//! - Path calls (`helper()`, `crate::db::load()`, `Store::open(..)`, `other_crate::f()`)
//!   match fns by their absolute path, in the caller's crate, or in the workspace crate
//!   whose name is the first segment.
//! - A method call whose receiver's stated type is a trait (`&dyn Store`, `impl Store`,
//!   `T: Store`) runs one of its impls: it blocks only when every impl visible to the
//!   caller blocks (`trait_dispatch.rs`), and is never matched by name.
//! - Method calls (`x.load_all()`) resolve first by the receiver's type, where the source
//!   states it ([`CallSite::receiver`]: `self` in an impl, a typed parameter or field, a
//!   constructor, through `Arc`/`Box`/`State`/`web::Data`, see
//!   [`DEREF_WRAPPERS`](crate::catalog::DEREF_WRAPPERS)): the method of that workspace
//!   type, any impl of it; for a type of a dependency (`dep::Client`, as the caller
//!   names the crate), the method at that path in that crate, through its re-exports
//!   (else of a type of that name in it), and when
//!   awaited, its async method that blocks inside. Otherwise they are matched by name against the methods (fns
//!   inside `impl` blocks) of the whole workspace, conservatively: never when awaited,
//!   never for names common on std types (`get`, `read`, `load`, ..., see
//!   [`AMBIGUOUS_METHOD_NAMES`]), never to a method of another type when the receiver
//!   was constructed from a type outside the workspace, and only when every workspace
//!   method of that name blocks (which, for a unique name, is that one method). A
//!   finding that needs such a match is [`Certainty::MethodShape`]; the solver marks
//!   fns through typed calls first, so a fn that also blocks through typed calls keeps
//!   a typed chain and its callers' findings stay [`Certainty::Transitive`].
//! - A path or receiver type at which no fn is found is followed through the `use`
//!   items of the modules it passes through (`pub use a::*`, `pub use a::B as C`,
//!   `use super::*`; see [`Reexports`]), and a receiver built by a workspace fn is typed
//!   by that fn's declared return type ([`FnSummary::returns`]).
//! - A `#[cfg(test)]` impl's methods are seen only from test code.
//! - Closures given to an offloader the workspace (or a dependency) defines are run off
//!   the executor: `offloader_inference.rs` finds those fns and marks the closures
//!   before the graph is solved.
//! - A call inside a run-once initialiser (`get_or_init(|| ..)`) does not make its fn
//!   blocking: it runs once. `once_reach.rs` reports it once, with the number of async
//!   paths that reach it.

mod essential_impls;
mod essential_imports;
mod essentials;

pub use essentials::dependency_essentials;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};

use crate::catalog::AMBIGUOUS_METHOD_NAMES;
use crate::crate_reachability::CrateReachability;
use crate::deps::fast_hash::FastMap;
use crate::deps::methods::dependency_types;
use crate::deps::DependencyUnits;
use crate::receiver_types::ReceiverTypes;
use crate::reexports::Reexports;
use crate::summary::{BlockingCall, CallSite, FileSummary, FnSummary};
use crate::{Certainty, ChainLink, Finding, RunOnce};

mod leaves;
mod method_chains;
mod offloader_inference;
mod once_reach;
mod trait_dispatch;

use trait_dispatch::{Dispatch, TraitTable};

/// Why a fn blocks.
#[derive(Debug, Clone, Copy)]
enum Witness {
    /// It makes this blocking catalog call (index into `blocking`).
    Direct(usize),
    /// It makes this call (index into `calls`) to this blocking fn.
    Via { call: usize, callee: usize },
}

/// Why a dependency's async fn blocks the executor when awaited.
#[derive(Debug, Clone, Copy)]
enum Polled {
    /// Its async body makes this blocking catalog call (index into `polled`).
    Direct(usize),
    /// Its async body makes this call (index into `calls`) to this blocking sync fn.
    Calls { call: usize, callee: usize },
    /// Its async body awaits this call (index into `calls`) of this blocking async fn.
    Awaits { call: usize, callee: usize },
}

/// What a call may run, and how its targets must block for the call to block.
enum Targets {
    /// A path call, or a method of a stated type: any of these (cfg variants of one fn,
    /// the impls of one type).
    Any(Vec<usize>),
    /// A call through a trait (`&dyn Store`, `T: Store`): every one of these, the
    /// method each visible impl runs (see `trait_dispatch.rs`).
    EveryImpl(Vec<usize>),
    /// A method matched by its name alone: every one of these (every method of that
    /// name the caller may reach). A finding that needs such a hop is
    /// [`Certainty::MethodShape`].
    ByName(Vec<usize>),
}

impl Targets {
    /// The fns the call may run.
    fn ids(&self) -> &[usize] {
        match self {
            Targets::Any(ids) | Targets::EveryImpl(ids) | Targets::ByName(ids) => ids,
        }
    }
}

/// One fn of the workspace: its summary, and the crate and file it is in.
#[derive(Debug, Clone, Copy)]
struct GraphFn<'a> {
    unit: usize,
    file: &'a str,
    summary: &'a FnSummary,
}

/// One summarized file of the workspace, placed in its crate.
///
/// ```
/// let file: syn::File = syn::parse_str("fn f() {}").unwrap();
/// let summary = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
/// let placed = blockwatch_lint::CrateFile { unit: 0, summary: &summary };
/// assert_eq!(placed.summary.fns.len(), 1);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CrateFile<'a> {
    /// The crate (target) the file belongs to, as an index the caller chooses.
    pub unit: usize,
    /// The file's summary (its module path already applied).
    pub summary: &'a FileSummary,
}

/// The workspace call graph, solved: which sync fns block, and the transitive findings.
///
/// ```
/// use std::collections::HashMap;
/// let file: syn::File = syn::parse_str(r#"
///     fn load() -> String { std::fs::read_to_string("a").unwrap() }
///     async fn run() { load(); }
/// "#).unwrap();
/// let summary = blockwatch_lint::summarize_file(&file, "src/main.rs", &[], false, &Default::default());
/// let files = [blockwatch_lint::CrateFile { unit: 0, summary: &summary }];
/// let crates = HashMap::new();
/// let graph = blockwatch_lint::Graph::new(&files, &crates);
/// let found = graph.findings();
/// assert_eq!(found[0].resolved, "load");
/// assert_eq!(found[0].blocking_api(), "std::fs::read_to_string");
/// ```
pub struct Graph<'a> {
    fns: Vec<GraphFn<'a>>,
    by_path: FastMap<(usize, &'a [String]), Vec<usize>>,
    /// Methods by name: the workspace's under `None`, each dependency's under its unit.
    methods: FastMap<(Option<usize>, &'a str), Vec<usize>>,
    crates: &'a HashMap<String, usize>,
    deps: &'a DependencyUnits,
    /// The `use` items of every module, for paths written through a re-export.
    reexports: Reexports<'a>,
    /// Which crates' methods each crate's name-only method calls may match.
    reach: &'a CrateReachability,
    /// The targets of each call of each fn, resolved once: `targets[fn][call]`.
    targets: Vec<Vec<Option<Targets>>>,
    /// For awaited path calls: the dependency async fn awaited, `awaited[fn][call]`.
    awaited: Vec<Vec<Option<usize>>>,
    witness: Vec<Option<Witness>>,
    /// Whether fn `i` blocks only by a method matched by name somewhere below it (it
    /// was marked once such hops were allowed): its callers' findings are method-shape.
    by_name: Vec<bool>,
    polled: Vec<Option<Polled>>,
    /// The traits and their impls, for calls through a trait.
    traits: TraitTable<'a>,
    /// What each dependency keeps, by unit, as the essentials of the crates that name
    /// it judge their `use` items and impls by: built once per graph.
    kept_by_dependency: std::sync::Mutex<HashMap<usize, essential_imports::Liveness>>,
    /// What [`Graph::through_reexports`] answered, by unit and path: resolution asks the
    /// same few paths (a type's method, a glob-imported helper) from thousands of calls,
    /// and the answer depends only on `by_path` and the imports, fixed once built.
    reexport_answers: RefCell<ReexportAnswers>,
}

/// The fns a path names through `use` items, by unit, then by path.
type ReexportAnswers = FastMap<usize, FastMap<Vec<String>, Vec<usize>>>;

/// The graph without dependencies.
static NO_DEPENDENCIES: std::sync::LazyLock<DependencyUnits> =
    std::sync::LazyLock::new(DependencyUnits::default);

/// Every unit reaches every other.
static UNRESTRICTED: std::sync::LazyLock<CrateReachability> =
    std::sync::LazyLock::new(CrateReachability::default);

impl<'a> Graph<'a> {
    /// Builds and solves the graph. `crates` maps the name of each library crate of the
    /// workspace to its unit, for `other_crate::path` calls.
    pub fn new(files: &[CrateFile<'a>], crates: &'a HashMap<String, usize>) -> Self {
        Graph::with_dependencies(files, crates, &NO_DEPENDENCIES)
    }

    /// [`Graph::new`] with dependency crates among `files`: their units, and the names
    /// each unit's code uses for them, in `deps`. A call into a dependency resolves
    /// through the name the caller writes; nothing inside a dependency is reported, but
    /// awaiting one of its async fns that blocks inside is.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let dep: syn::File = syn::parse_str(
    ///     "pub fn load() -> Vec<u8> { std::fs::read(\"a\").unwrap() }").unwrap();
    /// let app: syn::File = syn::parse_str("async fn run() { cfg_store::load(); }").unwrap();
    /// let config = Default::default();
    /// let dep = blockwatch_lint::summarize_file(&dep, "/reg/store/src/lib.rs", &[], false, &config);
    /// let app = blockwatch_lint::summarize_file(&app, "src/main.rs", &[], false, &config);
    /// let files = [
    ///     blockwatch_lint::CrateFile { unit: 0, summary: &app },
    ///     blockwatch_lint::CrateFile { unit: 1, summary: &dep },
    /// ];
    /// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
    /// deps.add_dependency(1, "store 0.3.1");
    /// deps.add_extern(0, "cfg_store", 1);
    /// let crates = HashMap::new();
    /// let found = blockwatch_lint::Graph::with_dependencies(&files, &crates, &deps).findings();
    /// assert_eq!(found[0].resolved, "cfg_store::load");
    /// assert_eq!(found[0].chain()[0].krate.as_deref(), Some("store 0.3.1"));
    /// ```
    pub fn with_dependencies(
        files: &[CrateFile<'a>],
        crates: &'a HashMap<String, usize>,
        deps: &'a DependencyUnits,
    ) -> Self {
        Graph::with_reachability(files, crates, deps, &UNRESTRICTED)
    }

    /// [`Graph::with_dependencies`] where a method call matched by name alone takes only
    /// methods of the crates `reach` says the caller's crate can reach (see
    /// [`CrateReachability`]).
    pub fn with_reachability(
        files: &[CrateFile<'a>],
        crates: &'a HashMap<String, usize>,
        deps: &'a DependencyUnits,
        reach: &'a CrateReachability,
    ) -> Self {
        let mut graph = Graph::unsolved(files, crates, deps, reach);
        graph.traits = TraitTable::build(&graph, files);
        graph.targets = graph.per_call(Self::resolve);
        graph.awaited = graph.per_call(Self::resolve_awaited);
        graph.solve();
        graph.solve_polled();
        graph
    }

    /// The graph's fns and lookup tables, before any call is resolved.
    fn unsolved(
        files: &[CrateFile<'a>],
        crates: &'a HashMap<String, usize>,
        deps: &'a DependencyUnits,
        reach: &'a CrateReachability,
    ) -> Self {
        let fns: Vec<GraphFn<'a>> = files
            .iter()
            .flat_map(|file| {
                file.summary.fns.iter().map(|summary| GraphFn {
                    unit: file.unit,
                    file: &file.summary.file,
                    summary,
                })
            })
            .collect();
        let mut by_path: FastMap<(usize, &[String]), Vec<usize>> = FastMap::default();
        let mut methods: FastMap<(Option<usize>, &str), Vec<usize>> = FastMap::default();
        for (i, f) in fns.iter().enumerate() {
            by_path
                .entry((f.unit, f.summary.path.as_slice()))
                .or_default()
                .push(i);
            if f.summary.is_method {
                if let Some(name) = f.summary.path.last() {
                    let scope = deps.is_dependency(f.unit).then_some(f.unit);
                    methods.entry((scope, name.as_str())).or_default().push(i);
                }
            }
        }
        let witness = vec![None; fns.len()];
        let polled = vec![None; fns.len()];
        let reexports = Reexports::new(
            files
                .iter()
                .map(|file| (file.unit, file.summary.imports.as_slice())),
        );
        Graph {
            fns,
            by_path,
            methods,
            crates,
            deps,
            reexports,
            reach,
            targets: Vec::new(),
            awaited: Vec::new(),
            by_name: vec![false; witness.len()],
            witness,
            polled,
            traits: TraitTable::default(),
            kept_by_dependency: Default::default(),
            reexport_answers: RefCell::default(),
        }
    }

    /// The fns of `candidate` as the code of `unit` names it: in its own crate, or in
    /// the crate its first segment names (a dependency by the caller's name for it, or
    /// a workspace library crate).
    fn lookup(&self, unit: usize, candidate: &[String]) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        if let Some(ids) = self.by_path.get(&(unit, candidate)) {
            found.extend(ids);
        }
        let other = candidate
            .split_first()
            .and_then(|(first, rest)| Some((self.crate_unit(unit, first)?, rest)));
        if let Some((other, rest)) = other {
            if let Some(ids) = self.by_path.get(&(other, rest)) {
                found.extend(ids);
            }
        }
        if found.is_empty() {
            found = self.through_reexports(unit, candidate);
            if let (true, Some((other, rest))) = (found.is_empty(), other) {
                found = self.through_reexports(other, rest);
            }
        }
        found
    }

    /// The crate that first segment `name` names from the code of `unit`: a dependency
    /// by the caller's name for it, or a workspace library crate.
    fn crate_unit(&self, unit: usize, name: &str) -> Option<usize> {
        self.deps.crate_named(unit, name).or_else(|| {
            (!self.deps.is_dependency(unit))
                .then(|| self.crates.get(name).copied())
                .flatten()
        })
    }

    /// The fns `path` (in `unit`) names through `use` items (see [`Reexports`]).
    fn through_reexports(&self, unit: usize, path: &[String]) -> Vec<usize> {
        let known = self
            .reexport_answers
            .borrow()
            .get(&unit)
            .and_then(|answers| answers.get(path).cloned());
        if let Some(answer) = known {
            return answer;
        }
        let answer =
            self.reexports
                .follow(unit, path, &|u, name| self.crate_unit(u, name), &|u, p| {
                    self.by_path.get(&(u, p)).cloned().unwrap_or_default()
                });
        self.reexport_answers
            .borrow_mut()
            .entry(unit)
            .or_default()
            .insert(path.to_vec(), answer.clone());
        answer
    }

    /// An awaited path call to an async fn of a dependency.
    fn resolve_awaited(&self, caller: usize, call: &CallSite) -> Option<usize> {
        if !call.awaited {
            return None;
        }
        if let Some(name) = call
            .method
            .as_deref()
            .filter(|_| call.candidates.is_empty())
        {
            let receiver = ReceiverTypes::new(&call.receiver, |c| self.crates.contains_key(c));
            let is_async = |i: &usize| self.fns[*i].summary.is_async;
            return self
                .dependency_methods(caller, &receiver, name)
                .into_iter()
                .find(is_async)
                .or_else(|| {
                    self.chained_methods(caller, &receiver, name)
                        .into_iter()
                        .filter(is_async)
                        .find(|&i| self.deps.is_dependency(self.fns[i].unit))
                });
        }
        if call.method.is_some() {
            return None;
        }
        let unit = self.fns[caller].unit;
        call.candidates.iter().find_map(|candidate| {
            self.lookup(unit, candidate).into_iter().find(|&i| {
                self.fns[i].summary.is_async && self.deps.is_dependency(self.fns[i].unit)
            })
        })
    }

    /// `each(caller, call)` for every call of every fn, indexed as `fns[caller].calls`.
    fn per_call<T>(&self, each: impl Fn(&Self, usize, &CallSite) -> T) -> Vec<Vec<T>> {
        self.fns
            .iter()
            .enumerate()
            .map(|(i, f)| f.summary.calls.iter().map(|c| each(self, i, c)).collect())
            .collect()
    }

    fn resolve(&self, caller: usize, call: &CallSite) -> Option<Targets> {
        let unit = self.fns[caller].unit;
        if let Some(name) = &call.method {
            if call.candidates.is_empty() {
                return self.resolve_method(caller, call, name);
            }
        }
        for candidate in &call.candidates {
            let mut found = self.lookup(unit, candidate);
            if !found.is_empty() {
                // A path that names both a sync and an async fn (a crate's `sync` and
                // `async` modules, globbed in under alternative features) names the
                // async one where the call is awaited.
                if call.awaited && found.iter().any(|&i| self.fns[i].summary.is_async) {
                    return None;
                }
                found.retain(|&i| !self.fns[i].summary.is_async);
                return (!found.is_empty()).then_some(Targets::Any(found));
            }
        }
        None
    }

    /// A method call `x.name(..)`: by the receiver's type where the source states it
    /// (`self` in an impl, a typed parameter or field, a constructor), else by name
    /// alone. An impl under `#[cfg(test)]` is seen only from test code.
    fn resolve_method(&self, caller: usize, call: &CallSite, name: &str) -> Option<Targets> {
        if call.awaited {
            return None;
        }
        match self.dispatch(caller, call, name) {
            Dispatch::EveryImpl(ids) => return Some(Targets::EveryImpl(ids)),
            Dispatch::NeverBlocks => return None,
            Dispatch::NotATrait => {}
        }
        let from_test = call.in_test || self.fns[caller].summary.in_test;
        let visible = |i: &usize| from_test || !self.fns[*i].summary.in_test;
        let receiver = ReceiverTypes::new(&call.receiver, |c| self.crates.contains_key(c));
        let mut typed = self.typed_methods(caller, call, name);
        if typed.is_empty() {
            typed = self.dependency_methods(caller, &receiver, name);
        }
        if typed.is_empty() {
            typed = self.chained_methods(caller, &receiver, name);
        }
        typed.retain(visible);
        if !typed.is_empty() {
            typed.retain(|&i| !self.fns[i].summary.is_async);
            return (!typed.is_empty()).then_some(Targets::Any(typed));
        }
        if AMBIGUOUS_METHOD_NAMES.contains(&name) {
            return None;
        }
        // A dependency's methods are matched by name only from that same dependency.
        let unit = self.fns[caller].unit;
        let scope = self.deps.is_dependency(unit).then_some(unit);
        let mut all: Vec<usize> = self
            .methods
            .get(&(scope, name))?
            .iter()
            .copied()
            .filter(visible)
            .filter(|&i| self.reach.reaches(unit, self.fns[i].unit))
            .collect();
        // A receiver constructed from a type outside the workspace calls one of its
        // methods, or a workspace trait's method implemented for it.
        if let Some(foreign) = receiver
            .foreign_type_names()
            .filter(|_| call.receiver_constructed)
        {
            all.retain(|&i| {
                self.fns[i]
                    .summary
                    .self_ty
                    .as_deref()
                    .is_some_and(|t| foreign.contains(&t))
            });
        }
        let sync: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| !self.fns[i].summary.is_async)
            .collect();
        // An async method of the same name makes the call ambiguous: give up.
        if sync.len() != all.len() || sync.is_empty() {
            return None;
        }
        Some(Targets::ByName(sync))
    }

    /// The methods `name` of the workspace types the receiver of `call` is known to have
    /// (async ones included), as far as the caller can see them.
    fn typed_methods(&self, caller: usize, call: &CallSite, name: &str) -> Vec<usize> {
        let from_test = call.in_test || self.fns[caller].summary.in_test;
        let visible = |i: &usize| from_test || !self.fns[*i].summary.in_test;
        let unit = self.fns[caller].unit;
        let is_crate = |c: &str| self.crates.contains_key(c);
        let receiver = ReceiverTypes::new(&call.receiver, is_crate);
        let mut typed: Vec<usize> = self.methods_of(unit, &receiver, name);
        if typed.is_empty() {
            // The receiver came from a workspace fn: the types its signature returns.
            let returned = self.returned_types(unit, &receiver);
            typed = self.methods_of(unit, &ReceiverTypes::new(&returned, is_crate), name);
        }
        typed.retain(visible);
        typed
    }

    /// Methods `name` of the dependency types the receiver came from
    /// ([`dependency_types`]), async ones included (the caller decides what an async one
    /// means): the method at the type's written path, followed through the crate's
    /// modules and re-exports (`reqwest::ClientBuilder` is `async_impl::ClientBuilder`,
    /// not `blocking::ClientBuilder`); where that path reaches no method (an impl in
    /// another module than its type), the inherent and trait-impl methods of every type
    /// of that name in the crate.
    fn dependency_methods(
        &self,
        caller: usize,
        receiver: &ReceiverTypes<'_>,
        name: &str,
    ) -> Vec<usize> {
        let mut found = Vec::new();
        for ty in dependency_types(receiver, self.fns[caller].unit, self.deps) {
            let mut key = ty.path.clone();
            key.push(name.to_string());
            let at_path = match self.by_path.get(&(ty.unit, key.as_slice())) {
                Some(ids) => ids.clone(),
                None => self.through_reexports(ty.unit, &key),
            };
            let at_path: Vec<usize> = at_path
                .into_iter()
                .filter(|&i| {
                    let f = self.fns[i].summary;
                    f.is_method && !f.in_test
                })
                .collect();
            if !at_path.is_empty() {
                found.extend(at_path);
                continue;
            }
            let Some(ids) = self.methods.get(&(Some(ty.unit), name)) else {
                continue;
            };
            found.extend(ids.iter().copied().filter(|&i| {
                let f = self.fns[i].summary;
                !f.in_test && f.self_ty.as_deref() == Some(ty.name)
            }));
        }
        found
    }

    /// The methods `name` of the workspace types `receiver` names, seen from `unit`.
    fn methods_of(&self, unit: usize, receiver: &ReceiverTypes<'_>, name: &str) -> Vec<usize> {
        let mut found = Vec::new();
        for (krate, ty) in receiver.workspace_types() {
            let Some(unit) = krate.map_or(Some(unit), |k| self.crates.get(k).copied()) else {
                continue;
            };
            let mut key: Vec<String> = ty;
            key.push(name.to_string());
            match self.by_path.get(&(unit, key.as_slice())) {
                Some(ids) => found.extend(ids.iter().copied()),
                None => found.extend(self.through_reexports(unit, &key)),
            }
        }
        found
    }

    /// The return types of the workspace fns `receiver` names (a value built by
    /// `make_client()` or `Db::connect(..)?`), written as the code of `unit` names them.
    fn returned_types(&self, unit: usize, receiver: &ReceiverTypes<'_>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (krate, path) in receiver.workspace_types() {
            let Some(home) = krate.map_or(Some(unit), |k| self.crates.get(k).copied()) else {
                continue;
            };
            let fns = match self.by_path.get(&(home, path.as_slice())) {
                Some(ids) => ids.clone(),
                None => self.through_reexports(home, &path),
            };
            for f in fns {
                let callee = &self.fns[f];
                for ty in &callee.summary.returns {
                    let written = match ty.strip_prefix("crate::") {
                        Some(rest) if callee.unit != unit => {
                            match self.crates.iter().find(|(_, &u)| u == callee.unit) {
                                Some((name, _)) => format!("{name}::{rest}"),
                                None => continue,
                            }
                        }
                        _ => ty.clone(),
                    };
                    if !out.contains(&written) {
                        out.push(written);
                    }
                }
            }
        }
        out
    }

    /// The blocking fn that call `call` of fn `caller` reaches, if the call blocks.
    fn blocking_target(&self, caller: usize, call: usize) -> Option<usize> {
        self.blocking_target_if(caller, call, true)
    }

    /// [`Graph::blocking_target`], taking a method matched by name only when `by_name`.
    fn blocking_target_if(&self, caller: usize, call: usize, by_name: bool) -> Option<usize> {
        let every = |ids: &[usize]| {
            ids.iter()
                .all(|&i| self.witness[i].is_some())
                .then(|| ids.first().copied())
                .flatten()
        };
        match self.targets.get(caller)?.get(call)?.as_ref()? {
            Targets::Any(ids) => ids.iter().copied().find(|&i| self.witness[i].is_some()),
            Targets::EveryImpl(ids) => every(ids),
            Targets::ByName(ids) => every(ids).filter(|_| by_name),
        }
    }

    /// Whether the finding at call `call` of fn `caller` rests on a method matched by
    /// its name: the call is one, or a fn it may run blocks only through one.
    fn needs_name_match(&self, caller: usize, call: usize) -> bool {
        match self.targets.get(caller).and_then(|t| t.get(call)) {
            Some(Some(Targets::ByName(_))) => true,
            Some(Some(Targets::Any(_))) => self
                .blocking_target(caller, call)
                .is_some_and(|t| self.by_name[t]),
            Some(Some(Targets::EveryImpl(ids))) => ids.iter().any(|&t| self.by_name[t]),
            _ => false,
        }
    }

    /// Breadth-first from the fns that block directly, up the reverse call edges: each
    /// fn is marked once, by a shortest chain, and cycles end because a marked fn is
    /// never visited again. Linear in the number of call edges.
    fn solve(&mut self) {
        let mut callers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.fns.len()];
        for (i, f) in self.fns.iter().enumerate() {
            if f.summary.is_async {
                continue;
            }
            for (c, call) in f.summary.calls.iter().enumerate() {
                if !runs_with_its_fn(call) {
                    continue;
                }
                let Some(targets) = &self.targets[i][c] else {
                    continue;
                };
                for &t in targets.ids() {
                    callers[t].push((i, c));
                }
            }
        }
        let mut queue = VecDeque::new();
        for (i, f) in self.fns.iter().enumerate() {
            if !f.summary.is_async && !f.summary.blocking.is_empty() {
                self.witness[i] = Some(Witness::Direct(0));
                queue.push_back(i);
            }
        }
        // First by typed calls only, so that a fn that blocks through them gets a chain
        // of typed hops; then from every marked fn again with name matches allowed.
        let mut marked = self.propagate(&callers, queue, false);
        self.propagate(&callers, marked.drain(..).collect(), true);
    }

    /// Marks the callers of the fns in `queue`, breadth-first, and returns every fn
    /// marked (those of `queue` included). With `by_name`, a method call matched by its
    /// name counts, and the fns it marks are noted in `self.by_name`.
    fn propagate(
        &mut self,
        callers: &[Vec<(usize, usize)>],
        mut queue: VecDeque<usize>,
        by_name: bool,
    ) -> Vec<usize> {
        let mut marked: Vec<usize> = queue.iter().copied().collect();
        while let Some(t) = queue.pop_front() {
            for &(i, c) in &callers[t] {
                if self.witness[i].is_some() {
                    continue;
                }
                if let Some(callee) = self.blocking_target_if(i, c, by_name) {
                    self.witness[i] = Some(Witness::Via { call: c, callee });
                    self.by_name[i] = by_name;
                    queue.push_back(i);
                    marked.push(i);
                }
            }
        }
        marked
    }

    /// Which async fns of dependencies block the executor when awaited: their async
    /// body calls a blocking API or a blocking sync fn, or awaits such an async fn.
    /// Iterated to a fixed point; each round marks at least one more fn or ends.
    fn solve_polled(&mut self) {
        let candidates: Vec<usize> = (0..self.fns.len())
            .filter(|&i| self.fns[i].summary.is_async && self.deps.is_dependency(self.fns[i].unit))
            .collect();
        loop {
            let mut changed = false;
            for &i in &candidates {
                if self.polled[i].is_some() {
                    continue;
                }
                let f = self.fns[i];
                let mut why = (!f.summary.polled.is_empty()).then_some(Polled::Direct(0));
                for (c, call) in f.summary.calls.iter().enumerate() {
                    if why.is_some() {
                        break;
                    }
                    if !call.in_async || call.offloaded {
                        continue;
                    }
                    if let Some(callee) = self.blocking_target(i, c) {
                        why = Some(Polled::Calls { call: c, callee });
                    } else if let Some(callee) = self.awaited[i][c] {
                        if self.polled[callee].is_some() {
                            why = Some(Polled::Awaits { call: c, callee });
                        }
                    }
                }
                if why.is_some() {
                    self.polled[i] = why;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The chain from a blocking async fn of a dependency down to the blocking API.
    fn polled_chain(&self, mut i: usize) -> Option<(Vec<ChainLink>, &'a BlockingCall)> {
        let mut links = Vec::new();
        loop {
            let f = &self.fns[i];
            match self.polled[i]? {
                Polled::Direct(b) => {
                    let b = f.summary.polled.get(b)?;
                    links.push(self.link(i, b.resolved.clone(), b.line, b.column));
                    return Some((links, b));
                }
                Polled::Calls { call, callee } | Polled::Awaits { call, callee } => {
                    let c = f.summary.calls.get(call)?;
                    links.push(self.link(i, self.display_path(callee, f.unit), c.line, c.column));
                    if matches!(self.polled[i], Some(Polled::Calls { .. })) {
                        let (rest, blocker) = self.chain(callee)?;
                        links.extend(rest);
                        return Some((links, blocker));
                    }
                    i = callee;
                }
            }
        }
    }

    /// A step of a chain: a call in fn `i`.
    fn link(&self, i: usize, callee: String, line: usize, column: usize) -> ChainLink {
        let f = &self.fns[i];
        ChainLink {
            callee,
            file: f.file.to_string(),
            line,
            column,
            krate: self.deps.label(f.unit).map(str::to_string),
        }
    }

    /// Whether the fn at index `i` blocks when called synchronously.
    #[cfg(test)]
    fn is_blocking(&self, i: usize) -> bool {
        self.witness[i].is_some()
    }

    /// The fn's path as the caller would write it: prefixed with its crate's name when
    /// it lives in another crate of the workspace.
    fn display_path(&self, i: usize, from_unit: usize) -> String {
        let f = &self.fns[i];
        let own = f.summary.path.join("::");
        if f.unit == from_unit {
            return own;
        }
        if let Some(name) = self.deps.name_of(from_unit, f.unit) {
            return format!("{name}::{own}");
        }
        match self.crates.iter().find(|(_, &u)| u == f.unit) {
            Some((name, _)) => format!("{name}::{own}"),
            None => own,
        }
    }

    /// The chain from blocking fn `i` down to the blocking API, and that API's blocker.
    fn chain(&self, mut i: usize) -> Option<(Vec<ChainLink>, &'a BlockingCall)> {
        let mut links = Vec::new();
        loop {
            let f = &self.fns[i];
            match self.witness[i] {
                Some(Witness::Via { call, callee }) => {
                    let c = f.summary.calls.get(call)?;
                    links.push(self.link(i, self.display_path(callee, f.unit), c.line, c.column));
                    i = callee;
                }
                Some(Witness::Direct(b)) => {
                    let b = f.summary.blocking.get(b)?;
                    links.push(self.link(i, b.resolved.clone(), b.line, b.column));
                    return Some((links, b));
                }
                None => return None,
            }
        }
    }

    /// Findings: calls in async context (not offloaded) to blocking workspace fns, with
    /// the chain down to the blocking API.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, f) in self.fns.iter().enumerate() {
            if self.deps.is_dependency(f.unit) {
                continue;
            }
            for (c, call) in f.summary.calls.iter().enumerate() {
                if !call.in_async || call.offloaded {
                    continue;
                }
                let Some(callee) = self.blocking_target(i, c) else {
                    if let Some(found) = self.awaited_finding(i, c) {
                        out.push(found);
                    }
                    continue;
                };
                let Some((chain, blocker)) = self.chain(callee) else {
                    continue;
                };
                let chains = self.leaf_chains(callee, chain);
                let callee_path = self.display_path(callee, f.unit);
                let certainty = if self.needs_name_match(i, c) {
                    Certainty::MethodShape
                } else {
                    Certainty::Transitive
                };
                let why = format!(
                    "`{callee_path}` is a sync fn that reaches the blocking `{}`",
                    blocker.resolved
                );
                let replacement = format!(
                    "move the call into `tokio::task::spawn_blocking(move || ..).await`, or \
                     make `{callee_path}` async and use `{}` in it",
                    blocker.replacement
                );
                let mut found =
                    transitive_finding(f, call, callee_path, blocker, chains, why, replacement);
                found.certainty = certainty;
                out.push(found);
            }
        }
        out.extend(self.once_findings());
        out
    }

    /// `dep::fetch().await` where the dependency's async fn blocks inside: a finding at
    /// the caller's await, with the chain into the dependency.
    fn awaited_finding(&self, i: usize, c: usize) -> Option<Finding> {
        let f = &self.fns[i];
        let call = f.summary.calls.get(c)?;
        let callee = (*self.awaited.get(i)?.get(c)?)?;
        let (chain, blocker) = self.polled_chain(callee)?;
        let callee_path = self.display_path(callee, f.unit);
        let krate = self
            .deps
            .label(self.fns[callee].unit)
            .unwrap_or("a dependency");
        let why = format!(
            "`{callee_path}` (in {krate}) is an async fn whose body calls the blocking `{}` \
             on the executor thread",
            blocker.resolved
        );
        let replacement = format!(
            "the blocking call is inside {krate}: run this call where blocking is \
             allowed (`tokio::task::spawn_blocking` with a runtime handle), or use an API \
             that does not block (the dependency would need `{}`)",
            blocker.replacement
        );
        let mut found =
            transitive_finding(f, call, callee_path, blocker, vec![chain], why, replacement);
        if self.polled_needs_name_match(callee) {
            found.certainty = Certainty::MethodShape;
        }
        Some(found)
    }

    /// Whether the polled chain of async fn `i` (see [`Graph::polled_chain`]) rests on a
    /// method matched by its name inside the dependency.
    fn polled_needs_name_match(&self, mut i: usize) -> bool {
        // Each awaited fn is another fn; the bound guards against a malformed graph.
        for _ in 0..=self.fns.len() {
            match self.polled[i] {
                Some(Polled::Calls { call, .. }) => return self.needs_name_match(i, call),
                Some(Polled::Awaits { callee, .. }) => i = callee,
                Some(Polled::Direct(_)) | None => return false,
            }
        }
        false
    }
}

/// Whether a call of a sync fn runs whenever the fn is called, so that a blocking callee
/// makes the fn blocking: not in async code, not offloaded, not in a run-once initialiser.
fn runs_with_its_fn(call: &CallSite) -> bool {
    !call.in_async && !call.offloaded && call.run_once == RunOnce::Not
}

/// A transitive finding at `call` of fn `f`: the call reaches `blocker` through the
/// first of `chains`, and the other leaves through the others.
/// It carries no fix: the blocking line is not at the call (in a helper or a dependency),
/// so only `replacement`'s advice applies.
fn transitive_finding(
    f: &GraphFn<'_>,
    call: &CallSite,
    callee_path: String,
    blocker: &BlockingCall,
    chains: Vec<Vec<ChainLink>>,
    why: String,
    replacement: String,
) -> Finding {
    Finding {
        file: f.file.to_string(),
        line: call.line,
        column: call.column,
        end_line: call.end_line,
        end_column: call.end_column,
        call: call.call.clone(),
        resolved: callee_path,
        certainty: Certainty::Transitive,
        category: blocker.category,
        in_test: call.in_test || f.summary.in_test,
        why,
        replacement,
        context: call.context.clone(),
        chains,
        fix: None,
        once_reach: None,
    }
}

/// Every finding of a workspace: each file's direct findings, then the transitive ones
/// of the call graph at the call sites no direct finding is reported at (a call that is
/// itself a blocking API is reported once, as the API).
///
/// ```
/// use std::collections::HashMap;
/// let file: syn::File = syn::parse_str(r#"
///     fn load() -> String { std::fs::read_to_string("a").unwrap() }
///     async fn run() { load(); std::thread::sleep(d); }
/// "#).unwrap();
/// let summary = blockwatch_lint::summarize_file(&file, "src/main.rs", &[], false, &Default::default());
/// let files = [blockwatch_lint::CrateFile { unit: 0, summary: &summary }];
/// let found = blockwatch_lint::workspace_findings(&files, &HashMap::new());
/// let apis: Vec<&str> = found.iter().map(|f| f.blocking_api()).collect();
/// assert_eq!(apis, ["std::thread::sleep", "std::fs::read_to_string"]);
/// ```
pub fn workspace_findings(
    files: &[CrateFile<'_>],
    crates: &HashMap<String, usize>,
) -> Vec<Finding> {
    workspace_findings_with_dependencies(files, crates, &NO_DEPENDENCIES)
}

/// [`workspace_findings`] with dependency crates among `files` (see
/// [`Graph::with_dependencies`]): their own direct findings are not reported, calls into
/// them are.
///
/// ```
/// use std::collections::HashMap;
/// let dep: syn::File = syn::parse_str(
///     "pub async fn slow() { std::thread::sleep(d) }").unwrap();
/// let config = Default::default();
/// let dep = blockwatch_lint::summarize_file(&dep, "/reg/x/src/lib.rs", &[], false, &config);
/// let files = [blockwatch_lint::CrateFile { unit: 1, summary: &dep }];
/// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
/// deps.add_dependency(1, "x 1.0.0");
/// let found = blockwatch_lint::workspace_findings_with_dependencies(&files, &HashMap::new(), &deps);
/// assert!(found.is_empty());
/// ```
pub fn workspace_findings_with_dependencies(
    files: &[CrateFile<'_>],
    crates: &HashMap<String, usize>,
    deps: &DependencyUnits,
) -> Vec<Finding> {
    workspace_findings_with_reachability(files, crates, deps, &UNRESTRICTED)
}

/// [`workspace_findings_with_dependencies`] with the crate graph: see
/// [`Graph::with_reachability`].
///
/// ```
/// use std::collections::HashMap;
/// use blockwatch_lint::{CrateFile, CrateReachability, PackageUnits};
/// let runner: syn::File = syn::parse_str(
///     "struct Guard; impl Guard { fn finalize(&self) { std::fs::metadata(\"p\").ok(); } }").unwrap();
/// let lib: syn::File = syn::parse_str("async fn save(h: Hasher) { h.finalize(); }").unwrap();
/// let config = Default::default();
/// let runner = blockwatch_lint::summarize_file(&runner, "runner/src/main.rs", &[], false, &config);
/// let lib = blockwatch_lint::summarize_file(&lib, "store/src/lib.rs", &[], false, &config);
/// let files = [CrateFile { unit: 0, summary: &runner }, CrateFile { unit: 1, summary: &lib }];
/// let reach = CrateReachability::from_packages(&[
///     PackageUnits { units: vec![0], lib: None, depends_on: vec![1] },
///     PackageUnits { units: vec![1], lib: Some(1), depends_on: vec![] },
/// ]);
/// let deps = Default::default();
/// let found = blockwatch_lint::workspace_findings_with_reachability(&files, &HashMap::new(), &deps, &reach);
/// assert!(found.is_empty(), "the store crate cannot reach the runner's Guard");
/// ```
pub fn workspace_findings_with_reachability(
    files: &[CrateFile<'_>],
    crates: &HashMap<String, usize>,
    deps: &DependencyUnits,
    reach: &CrateReachability,
) -> Vec<Finding> {
    // Closures given to the workspace's own offloaders run off the executor.
    let offloaded = offloader_inference::offload_closures(files, crates, deps, reach);
    let placed = offloader_inference::with_offloaded(files, &offloaded);
    let files = placed.as_slice();
    let mut found: Vec<Finding> = files
        .iter()
        .filter(|f| !deps.is_dependency(f.unit))
        .flat_map(|f| f.summary.findings.iter().cloned())
        .collect();
    let direct_sites: HashSet<(&str, usize, usize)> = found
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.column))
        .collect();
    let transitive: Vec<Finding> = Graph::with_reachability(files, crates, deps, reach)
        .findings()
        .into_iter()
        .filter(|d| !direct_sites.contains(&(d.file.as_str(), d.line, d.column)))
        .collect();
    found.extend(transitive);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{summarize_file, Category, Config};

    /// Summarizes `src` as file `rel` of module `module` (`a::b`, or "" for the root).
    pub(super) fn file(rel: &str, module: &str, src: &str) -> FileSummary {
        let parsed: syn::File = syn::parse_str(src).unwrap();
        let module: Vec<String> = module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        summarize_file(&parsed, rel, &module, false, &Config::default())
    }

    fn findings(files: &[(usize, &FileSummary)], crates: &HashMap<String, usize>) -> Vec<Finding> {
        let placed: Vec<CrateFile> = files
            .iter()
            .map(|&(unit, summary)| CrateFile { unit, summary })
            .collect();
        Graph::new(&placed, crates).findings()
    }

    #[test]
    fn chain_across_files_is_reported_at_the_async_call_site() {
        let config = file(
            "src/config.rs",
            "config",
            "pub fn load_settings() -> String {\n    read_raw()\n}\n\
             fn read_raw() -> String {\n    std::fs::read_to_string(\"a\").unwrap()\n}",
        );
        let main = file(
            "src/main.rs",
            "",
            "mod config;\nasync fn main() {\n    config::load_settings();\n}",
        );
        let found = findings(&[(0, &config), (0, &main)], &HashMap::new());
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!((d.file.as_str(), d.line, d.column), ("src/main.rs", 3, 5));
        assert_eq!(d.certainty, Certainty::Transitive);
        assert_eq!(d.category, Category::Fs);
        assert_eq!(d.resolved, "config::load_settings");
        assert_eq!(
            d.message(),
            "`config::load_settings()` blocks the executor thread in async fn `main`: calls \
             `config::read_raw` at src/config.rs:2: calls `std::fs::read_to_string` at \
             src/config.rs:5"
        );
        assert_eq!(
            d.headline(),
            "`config::load_settings()` blocks the executor thread in async fn `main`"
        );
        assert_eq!(d.blocking_api(), "std::fs::read_to_string");
    }

    #[test]
    fn offloaded_and_sync_calls_are_not_reported() {
        let lib = file(
            "src/lib.rs",
            "",
            "fn helper() { std::fs::read(\"a\").unwrap(); }\n\
             async fn main() { tokio::task::spawn_blocking(|| helper()).await; }\n\
             fn sync_caller() { helper(); }",
        );
        let placed = [CrateFile {
            unit: 0,
            summary: &lib,
        }];
        let crates = HashMap::new();
        let graph = Graph::new(&placed, &crates);
        assert!(graph.findings().is_empty());
        assert!(
            graph.is_blocking(2),
            "a sync caller of a blocking fn blocks"
        );
    }

    #[test]
    fn recursion_terminates() {
        let clean = file(
            "src/lib.rs",
            "",
            "fn a() { b() } fn b() { a() } fn c() { c(); a() } async fn main() { a(); }",
        );
        let placed = [CrateFile {
            unit: 0,
            summary: &clean,
        }];
        let crates = HashMap::new();
        let graph = Graph::new(&placed, &crates);
        assert!(graph.findings().is_empty());
        assert!(!(0..3).any(|i| graph.is_blocking(i)));

        // The same cycle with a blocking call in it: every member blocks.
        let blocking = file(
            "src/lib.rs",
            "",
            "fn a() { b() } fn b() { a(); std::thread::sleep(d) } fn c() { c(); a() } \
             async fn main() { a(); }",
        );
        let placed = [CrateFile {
            unit: 0,
            summary: &blocking,
        }];
        let graph = Graph::new(&placed, &crates);
        assert!((0..3).all(|i| graph.is_blocking(i)));
        assert_eq!(graph.findings().len(), 1);
    }

    #[test]
    fn methods_match_by_unique_name_or_when_all_block() {
        let db = file(
            "src/db.rs",
            "db",
            "pub struct Store; impl Store { pub fn fetch_user(&self) { std::fs::read(\"u\").unwrap(); } }",
        );
        // Two `render` methods: one blocks, one does not -> not reported.
        let ui = file(
            "src/ui.rs",
            "ui",
            "impl Page { fn render(&self) { std::fs::read(\"p\").unwrap(); } }\n\
             impl Card { fn render(&self) {} }",
        );
        let main = file(
            "src/main.rs",
            "",
            "async fn main(s: Store, p: Page) { s.fetch_user(); p.render(); }",
        );
        let found = findings(&[(0, &db), (0, &main), (0, &ui)], &HashMap::new());
        let resolved: Vec<&str> = found.iter().map(|d| d.resolved.as_str()).collect();
        assert_eq!(resolved, ["db::Store::fetch_user"]);

        // Both `render` methods block -> reported.
        let ui = file(
            "src/ui.rs",
            "ui",
            "impl Page { fn render(&self) { std::fs::read(\"p\").unwrap(); } }\n\
             impl Card { fn render(&self) { std::fs::write(\"c\", b\"\").unwrap(); } }",
        );
        let found = findings(&[(0, &db), (0, &main), (0, &ui)], &HashMap::new());
        assert_eq!(found.len(), 2);
    }

    /// The visitor knows a fn sits in an impl; the scanner once guessed it from a capital
    /// letter before the name, so methods of `str` or `u8` were never matched.
    #[test]
    fn methods_of_lowercase_types_are_methods() {
        let ext = file(
            "src/ext.rs",
            "ext",
            "pub trait LoadExt { fn load_from_disk(&self) -> Vec<u8>; }\n\
             impl LoadExt for str { fn load_from_disk(&self) -> Vec<u8> { std::fs::read(self).unwrap() } }",
        );
        let main = file(
            "src/main.rs",
            "",
            "async fn main() { \"a.toml\".load_from_disk(); }",
        );
        assert!(ext.fns[0].is_method);
        assert_eq!(ext.fns[0].self_ty.as_deref(), Some("str"));
        let found = findings(&[(0, &ext), (0, &main)], &HashMap::new());
        let resolved: Vec<&str> = found.iter().map(|d| d.resolved.as_str()).collect();
        assert_eq!(resolved, ["ext::str::load_from_disk"]);
    }

    #[test]
    fn ambiguous_or_awaited_method_calls_are_not_matched() {
        let lib = file(
            "src/lib.rs",
            "",
            "impl Store { fn load(&self) { std::fs::read(\"a\").unwrap(); } \
             fn fetch(&self) { std::fs::read(\"b\").unwrap(); } }\n\
             async fn main(s: Store) { s.load(); s.fetch().await; }",
        );
        assert!(findings(&[(0, &lib)], &HashMap::new()).is_empty());
    }

    #[test]
    fn cross_crate_paths_resolve_through_the_crate_name() {
        let store = file(
            "core/src/store.rs",
            "store",
            "pub fn open_db() { std::fs::read(\"db\").unwrap(); }",
        );
        let main = file(
            "app/src/main.rs",
            "",
            "async fn main() { my_core::store::open_db(); }",
        );
        let crates = HashMap::from([("my_core".to_string(), 1)]);
        let found = findings(&[(1, &store), (0, &main)], &crates);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].chain()[0].file, "core/src/store.rs");
        assert_eq!(found[0].resolved, "my_core::store::open_db");
    }

    /// A dependency is unit 1, named `pool` by the workspace; its methods are not
    /// matched from workspace method calls, its async fn that blocks inside is reported
    /// at the workspace's await, and nothing inside it is reported.
    #[test]
    fn dependencies_resolve_by_the_callers_name_and_are_not_reported_inside() {
        let dep = file(
            "/reg/pool-1.0.0/src/lib.rs",
            "",
            "pub fn get_conn() { wait_free() }\n\
             fn wait_free() { std::thread::sleep(d) }\n\
             pub async fn connect() { get_conn(); }\n\
             pub struct Pool; impl Pool { pub fn checkout_now(&self) { std::thread::sleep(d) } }\n\
             async fn internal() { std::thread::sleep(d) }",
        );
        let app = file(
            "src/main.rs",
            "",
            "async fn main(p: Pool) {\n    pool::get_conn();\n    pool::connect().await;\n    \
             p.checkout_now();\n}",
        );
        let mut deps = DependencyUnits::default();
        deps.add_dependency(1, "pool 1.0.0");
        deps.add_extern(0, "pool", 1);
        let placed = [
            CrateFile {
                unit: 0,
                summary: &app,
            },
            CrateFile {
                unit: 1,
                summary: &dep,
            },
        ];
        let crates = HashMap::new();
        let found = workspace_findings_with_dependencies(&placed, &crates, &deps);
        let messages: Vec<String> = found.iter().map(|d| d.message()).collect();
        assert_eq!(
            messages,
            [
                "`pool::get_conn()` blocks the executor thread in async fn `main`: calls \
                 `wait_free` at /reg/pool-1.0.0/src/lib.rs:1 (in pool 1.0.0): calls \
                 `std::thread::sleep` at /reg/pool-1.0.0/src/lib.rs:2 (in pool 1.0.0)",
                "`pool::connect()` blocks the executor thread in async fn `main`: calls \
                 `get_conn` at /reg/pool-1.0.0/src/lib.rs:3 (in pool 1.0.0): calls \
                 `wait_free` at /reg/pool-1.0.0/src/lib.rs:1 (in pool 1.0.0): calls \
                 `std::thread::sleep` at /reg/pool-1.0.0/src/lib.rs:2 (in pool 1.0.0)",
            ]
        );
        assert_eq!((found[1].line, found[1].column), (3, 5));
    }
    /// The units of a workspace (unit 0) whose code names one dependency, `name` 1.0.0
    /// (unit 1).
    pub(super) fn one_dependency(name: &str) -> DependencyUnits {
        let mut deps = DependencyUnits::default();
        deps.add_dependency(1, format!("{name} 1.0.0"));
        deps.add_extern(0, name, 1);
        deps
    }

    /// (line, resolved path) of each finding in a workspace of the one file `app` that
    /// depends on [`one_dependency`] `name`, whose one file is `dep`.
    pub(super) fn findings_over_one_dependency(
        app: &FileSummary,
        dep: &FileSummary,
        name: &str,
    ) -> Vec<(usize, String)> {
        let placed = [
            CrateFile {
                unit: 0,
                summary: app,
            },
            CrateFile {
                unit: 1,
                summary: dep,
            },
        ];
        workspace_findings_with_dependencies(&placed, &HashMap::new(), &one_dependency(name))
            .into_iter()
            .map(|d| (d.line, d.resolved))
            .collect()
    }

    /// Of two dependency types named `ClientBuilder`, the receiver's written path
    /// (`dep::ClientBuilder`, re-exported from a private module) picks the one whose
    /// `build` does not block; `dep::blocking::ClientBuilder` picks the other. A path
    /// that reaches no method (the impl is in another module) falls back to the name.
    /// The same holds over the dependency's essentials (what the cache stores), which
    /// keep the quiet `build` as a stub.
    #[test]
    fn a_dependency_type_is_the_one_its_written_path_names() {
        let dep = file(
            "/reg/dep-1.0.0/src/lib.rs",
            "",
            "pub mod blocking { pub struct ClientBuilder; impl ClientBuilder {\n\
             pub fn build(self) { std::thread::sleep(d) } } }\n\
             mod async_impl { pub struct ClientBuilder; impl ClientBuilder {\n\
             pub fn build(self) {}\npub fn timeout(self) {} } }\n\
             pub use async_impl::{Client, ClientBuilder};\n\
             pub struct Pool; mod drain { impl super::Pool {\n\
             pub fn drain(&self) { std::thread::sleep(d) } } }",
        );
        let app = file(
            "src/main.rs",
            "",
            "async fn a(b: dep::ClientBuilder) {\n    b.build();\n}\n\
             async fn b(b: dep::blocking::ClientBuilder) {\n    b.build();\n}\n\
             async fn c(p: dep::Pool) {\n    p.drain();\n}",
        );
        let found_with = |dep: &FileSummary| findings_over_one_dependency(&app, dep, "dep");
        let expected = [
            (5, "dep::blocking::ClientBuilder::build".to_string()),
            (8, "dep::drain::Pool::drain".to_string()),
        ];
        assert_eq!(found_with(&dep), expected);
        let (crates, deps) = (HashMap::new(), one_dependency("dep"));

        let alone = [CrateFile {
            unit: 1,
            summary: &dep,
        }];
        let essentials = Graph::with_dependencies(&alone, &crates, &deps).essentials(&alone, 1);
        let kept: Vec<(String, usize)> = essentials[0]
            .fns
            .iter()
            .map(|f| (f.path.join("::"), f.blocking.len() + f.calls.len()))
            .collect();
        assert_eq!(
            kept,
            [
                ("blocking::ClientBuilder::build".to_string(), 1),
                ("async_impl::ClientBuilder::build".to_string(), 0),
                ("drain::Pool::drain".to_string(), 1),
            ]
        );
        assert_eq!(found_with(&essentials[0]), expected);
    }
}
