//! Offloading wrappers across crates: which calls of a file go to a dependency's fn that
//! hands its closure or fn argument to an offloader (`runner::run(f)` where `run` calls
//! `spawn_blocking(f)`). The front end analyses such a file again with those paths as
//! offloaders, so a closure given to them is off the executor, and a fn of the file that
//! passes its own parameter on to one becomes a wrapper in turn.

use std::collections::HashMap;

use super::DependencyUnits;
use crate::FileSummary;

/// The offloading wrappers each dependency's files export, by dependency unit.
///
/// ```
/// use blockwatch_lint::deps::{DependencyUnits, DependencyWrappers};
/// let dep: syn::File = syn::parse_str(
///     "pub fn run<F: FnOnce() + Send + 'static>(f: F) { std::thread::spawn(f); }").unwrap();
/// let app: syn::File = syn::parse_str(
///     "async fn go() { runner::run(|| std::fs::read(\"a\").unwrap()); }").unwrap();
/// let config = Default::default();
/// let dep = blockwatch_lint::summarize_file(&dep, "/reg/runner/src/lib.rs", &[], false, &config);
/// let app = blockwatch_lint::summarize_file(&app, "src/main.rs", &[], false, &config);
/// let mut deps = DependencyUnits::default();
/// deps.add_dependency(1, "runner 1.0.0");
/// deps.add_extern(0, "runner", 1);
/// let wrappers = DependencyWrappers::collect([(1, &dep)], &deps);
/// assert_eq!(wrappers.called_by(0, &app, &deps), ["runner::run"]);
/// ```
#[derive(Debug, Default)]
pub struct DependencyWrappers<'a> {
    by_unit: HashMap<usize, Vec<&'a str>>,
}

impl<'a> DependencyWrappers<'a> {
    /// The wrappers of the dependency files among `summaries` (workspace files are left
    /// out: the engine sees a workspace wrapper by itself).
    pub fn collect(
        summaries: impl IntoIterator<Item = (usize, &'a FileSummary)>,
        deps: &DependencyUnits,
    ) -> Self {
        let mut by_unit: HashMap<usize, Vec<&'a str>> = HashMap::new();
        for (unit, summary) in summaries {
            if deps.is_dependency(unit) {
                by_unit
                    .entry(unit)
                    .or_default()
                    .extend(summary.offload_wrappers.iter().map(String::as_str));
            }
        }
        DependencyWrappers { by_unit }
    }

    /// The paths, as file `summary` of `unit` writes them, of its calls to a dependency's
    /// wrapper: sorted, each once. Empty when it calls none.
    pub fn called_by(
        &self,
        unit: usize,
        summary: &FileSummary,
        deps: &DependencyUnits,
    ) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for call in summary.fns.iter().flat_map(|f| &f.calls) {
            for candidate in &call.candidates {
                let [first, .., last] = candidate.as_slice() else {
                    continue;
                };
                let offloads = deps
                    .crate_named(unit, first)
                    .and_then(|d| self.by_unit.get(&d))
                    .is_some_and(|names| names.contains(&last.as_str()));
                if offloads {
                    found.push(candidate.join("::"));
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }
}
