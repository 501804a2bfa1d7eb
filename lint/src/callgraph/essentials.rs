//! What a solved graph needs to keep of a dependency: its fns that block when called
//! (each with the one call or catalog hit that proves it), its async fns that block when
//! awaited (likewise), its offloading wrappers, and, as empty stubs, the methods that do
//! not block but share their type's and their own name with a method that does (of
//! `blocking::ClientBuilder::build` and a re-exported `async_impl::ClientBuilder::build`,
//! the second): a receiver typed by a path finds the method that path names instead of
//! taking the blocking one of that name. Everything else of a dependency changes no
//! finding of the workspace, so the summary cache stores only this.
//!
//! A graph built again from these essentials marks the same fns with the same chains:
//! each kept fn holds exactly its witness, whose target is itself kept, and every stub
//! was in the first graph too, where it blocked no more than it does now.

use std::collections::{HashMap, HashSet};

use super::essential_impls::trim_trait_impls;
use super::essential_imports::{trim_imports, Liveness};
use super::{offloader_inference, CrateFile, Graph, Polled, Witness, UNRESTRICTED};
use crate::deps::DependencyUnits;
use crate::summary::{FileSummary, FnSummary};

/// The essentials ([`Graph::essentials`]) of each crate of `units`, solved over all the
/// dependency `files` after the closures given to the dependencies' own offloaders are
/// marked as run off the executor, as a workspace scan marks them: an async fn that
/// hands `move || blocking()` to its crate's `start(f)`, which calls `f()` inside
/// `thread::spawn`, is then not kept as blocking (and `start` is kept as the offloader
/// it is). Each unit's summaries come in the order of `files`.
///
/// ```
/// let dep: syn::File = syn::parse_str(
///     "pub async fn open(p: String) { start(move || std::fs::read(p)).await }\n\
///      async fn start<F: FnOnce()>(f: F) { std::thread::spawn(move || f()); }\n\
///      pub async fn open_here(p: String) { std::fs::read(p); }",
/// ).unwrap();
/// let dep = blockwatch_lint::summarize_file(&dep, "/reg/x/src/lib.rs", &[], false, &Default::default());
/// let files = [blockwatch_lint::CrateFile { unit: 1, summary: &dep }];
/// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
/// deps.add_dependency(1, "x 1.0.0");
/// let kept = blockwatch_lint::dependency_essentials(&files, &deps, &[1]);
/// let blocking: Vec<String> = kept
///     .iter()
///     .flat_map(|(_, summary)| &summary.fns)
///     .filter(|f| !f.blocking.is_empty() || !f.polled.is_empty())
///     .map(|f| f.path.join("::"))
///     .collect();
/// assert_eq!(blocking, ["open_here"]);
/// ```
pub fn dependency_essentials(
    files: &[CrateFile<'_>],
    deps: &DependencyUnits,
    units: &[usize],
) -> Vec<(usize, FileSummary)> {
    let no_workspace_crates = HashMap::new();
    let offloaded =
        offloader_inference::offload_closures(files, &no_workspace_crates, deps, &UNRESTRICTED);
    let placed = offloader_inference::with_offloaded(files, &offloaded);
    let graph = Graph::with_dependencies(&placed, &no_workspace_crates, deps);
    units
        .iter()
        .flat_map(|&unit| {
            graph
                .essentials(&placed, unit)
                .into_iter()
                .map(move |s| (unit, s))
        })
        .collect()
}

impl Graph<'_> {
    /// The essentials of crate `unit`: for each of its `files` (those the graph was built
    /// from) that keeps a fn, an offloading wrapper, a trait or impl, or a `use` item
    /// that leads to a kept item, that file's summary reduced to
    /// them. Fns keep their order.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let dep: syn::File = syn::parse_str(
    ///     "pub fn load() { read() }\nfn read() { std::fs::read(\"a\").unwrap(); }\npub fn quiet() {}",
    /// ).unwrap();
    /// let dep = blockwatch_lint::summarize_file(&dep, "/reg/x/src/lib.rs", &[], false, &Default::default());
    /// let files = [blockwatch_lint::CrateFile { unit: 1, summary: &dep }];
    /// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
    /// deps.add_dependency(1, "x 1.0.0");
    /// let crates = HashMap::new();
    /// let graph = blockwatch_lint::Graph::with_dependencies(&files, &crates, &deps);
    /// let kept = graph.essentials(&files, 1);
    /// let names: Vec<String> = kept[0].fns.iter().map(|f| f.path.join("::")).collect();
    /// assert_eq!(names, ["load", "read"]);
    /// assert_eq!((kept[0].fns[0].calls.len(), kept[0].fns[1].blocking.len()), (1, 1));
    /// ```
    pub fn essentials(&self, files: &[CrateFile<'_>], unit: usize) -> Vec<FileSummary> {
        let mut kept: HashMap<&str, Vec<FnSummary>> = HashMap::new();
        for (i, k) in self.kept_fns(unit) {
            kept.entry(self.fns[i].file).or_default().push(k);
        }
        let mut essentials: Vec<FileSummary> = files
            .iter()
            .filter(|f| f.unit == unit)
            .map(|f| FileSummary {
                file: f.summary.file.clone(),
                findings: Vec::new(),
                fns: kept.remove(f.summary.file.as_str()).unwrap_or_default(),
                unchecked_deep: f.summary.unchecked_deep,
                offload_wrappers: f.summary.offload_wrappers.clone(),
                // Trimmed below to what leads to a kept item, once every kept fn of the
                // crate is known: a kept call or a workspace path may name its target
                // through a re-export, also one in a file that keeps no fn.
                imports: f.summary.imports.clone(),
                // Used by the walks of the crate's files, which are done.
                aliases: Vec::new(),
                // Which impls exist, and which methods each defines, decide whether a
                // call through the trait blocks: trimmed below to the impls of traits
                // a graph can find.
                traits: f.summary.traits.clone(),
                trait_impls: f.summary.trait_impls.clone(),
            })
            .collect();
        // What another crate keeps, for a `use` item or an impl's trait that leads into
        // it: built once per graph and crate, from the fns this graph keeps there and
        // that crate's traits and `use` items. A workspace crate is not judged.
        let in_crate = |name: &str, check: &dyn Fn(&Liveness) -> bool| {
            let Some(other) = self.crate_unit(unit, name) else {
                return false;
            };
            if !self.deps.is_dependency(other) {
                return true;
            }
            let mut kept_by_dependency = self
                .kept_by_dependency
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let liveness = kept_by_dependency.entry(other).or_insert_with(|| {
                let kept = self.kept_fns(other);
                let in_other = || files.iter().filter(|f| f.unit == other);
                Liveness::new(
                    kept.iter().map(|(_, f)| f.path.as_slice()),
                    in_other()
                        .flat_map(|f| &f.summary.traits)
                        .map(|t| t.path.as_slice()),
                    in_other().flat_map(|f| &f.summary.imports),
                    // One crate further is not judged: whatever leads on counts.
                    &|_, _| true,
                )
            });
            check(liveness)
        };
        let own = trim_imports(&mut essentials, &|name, path| {
            in_crate(name, &|other| other.leads_within(path))
        });
        trim_trait_impls(&mut essentials, &own, &in_crate);
        essentials.retain(|f| {
            !f.fns.is_empty()
                || !f.offload_wrappers.is_empty()
                || !f.trait_impls.is_empty()
                || !f.traits.is_empty()
                || !f.imports.is_empty()
        });
        essentials
    }

    /// The fns of crate `unit` its essentials keep, by index, each reduced: those that
    /// block, with their witness, and the stubs of quiet methods that share their type's
    /// and their own name with one that does.
    fn kept_fns(&self, unit: usize) -> Vec<(usize, FnSummary)> {
        let reduced: Vec<(usize, Option<FnSummary>)> = (0..self.fns.len())
            .filter(|&i| self.fns[i].unit == unit)
            .map(|i| (i, self.kept(i)))
            .collect();
        // (type, method) of every kept method: a quiet method of the same names is a stub.
        let blocking_methods: HashSet<(&str, &str)> = reduced
            .iter()
            .filter(|(_, k)| k.is_some())
            .filter_map(|&(i, _)| method_names(self.fns[i].summary))
            .collect();
        let mut reduced: Vec<(usize, Option<FnSummary>)> = reduced
            .into_iter()
            .map(|(i, k)| {
                let f = self.fns[i].summary;
                let k = k.or_else(|| {
                    method_names(f)
                        .filter(|names| blocking_methods.contains(names))
                        .map(|_| stub(f))
                });
                (i, k)
            })
            .collect();
        self.keep_chain_stubs(&mut reduced);
        reduced
            .into_iter()
            .filter_map(|(i, k)| Some((i, k?)))
            .collect()
    }

    /// Keeps as stubs the quiet fns a chain of method calls ([`super::method_chains`])
    /// needs to reach a method that blocks: those whose declared return type is a type
    /// with such a method (`into_iter(self) -> Iter` where `Iter::next` reads a
    /// directory), and the free fns that return the type of one of those (`walk(dir) ->
    /// Walk`, where a chain starts). Types are matched by name, as the chains' last
    /// resort is. Builder methods are not kept: they return their own type, which a
    /// chain passes through without them, and following every type that leads to a
    /// blocking one would keep most of a large crate's builders in every cache file.
    fn keep_chain_stubs(&self, reduced: &mut [(usize, Option<FnSummary>)]) {
        let blocking_types: HashSet<&str> = reduced
            .iter()
            .filter(|(_, k)| k.is_some())
            .filter_map(|&(i, _)| self.fns[i].summary.self_ty.as_deref())
            .collect();
        let mut step_types: HashSet<&str> = HashSet::new();
        for (i, k) in reduced.iter_mut() {
            let f = self.fns[*i].summary;
            // A method that returns its own type (`OpenOptions::write(&mut self) -> &mut
            // Self`) is a step the chain passes through as well without it.
            let own_type = f
                .self_ty
                .as_deref()
                .is_some_and(|ty| returns_one_of(f, &HashSet::from([ty])));
            if k.is_none() && !own_type && returns_one_of(f, &blocking_types) {
                *k = Some(stub(f));
                step_types.extend(f.self_ty.as_deref());
            }
        }
        for (i, k) in reduced.iter_mut() {
            let f = self.fns[*i].summary;
            if k.is_none() && !f.is_method && returns_one_of(f, &step_types) {
                *k = Some(stub(f));
            }
        }
    }

    /// Fn `i` reduced to its witness, if it blocks when called or when awaited.
    fn kept(&self, i: usize) -> Option<FnSummary> {
        let f = self.fns[i].summary;
        let mut kept = stub(f);
        match (self.witness[i], self.polled[i]) {
            (Some(Witness::Direct(b)), _) => kept.blocking.push(f.blocking.get(b)?.clone()),
            (Some(Witness::Via { call, .. }), _) => kept.calls.push(f.calls.get(call)?.clone()),
            (None, Some(Polled::Direct(b))) => kept.polled.push(f.polled.get(b)?.clone()),
            (None, Some(Polled::Calls { call, .. } | Polled::Awaits { call, .. })) => {
                kept.calls.push(f.calls.get(call)?.clone())
            }
            (None, None) => return None,
        }
        Some(kept)
    }
}

/// The names of a method's type and of the method itself, for a method of a named type.
fn method_names(f: &FnSummary) -> Option<(&str, &str)> {
    if !f.is_method {
        return None;
    }
    Some((f.self_ty.as_deref()?, f.path.last()?.as_str()))
}

/// Whether `f`'s declared return type names one of `types` (by the last segment).
fn returns_one_of(f: &FnSummary, types: &HashSet<&str>) -> bool {
    f.returns
        .iter()
        .any(|r| types.contains(r.rsplit("::").next().unwrap_or(r)))
}

/// `f` without its body: no catalog hit, no call, so it blocks nothing.
fn stub(f: &FnSummary) -> FnSummary {
    FnSummary {
        path: f.path.clone(),
        is_method: f.is_method,
        self_ty: f.self_ty.clone(),
        is_async: f.is_async,
        line: f.line,
        column: f.column,
        in_test: f.in_test,
        blocking: Vec::new(),
        polled: Vec::new(),
        calls: Vec::new(),
        returns: f.returns.clone(),
        // Nothing inside a dependency is reported, its initialisers included; which of
        // its fns offload is in the file's `offload_wrappers`.
        once: Vec::new(),
        offloads_param: f.offloads_param,
        trait_impl: f.trait_impl,
    }
}
