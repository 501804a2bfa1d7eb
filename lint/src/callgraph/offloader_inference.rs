//! Offloaders the workspace defines (the rule is in `workspace_offloaders.rs`): which
//! fns of the graph are offloaders, and the summaries with the closures given to them
//! marked as run off the executor.
//!
//! A fn is an offloader when the walk saw it hand a parameter to a known offloader
//! ([`FnSummary::offloads_param`](crate::FnSummary::offloads_param)), or when it passes
//! a parameter to a call whose callee is an offloader, found to a fixed point (so a
//! wrapper of a wrapper, in any crate of the workspace or in a dependency, counts).
//! Calls resolve as the graph resolves them, async fns included (`async fn
//! run_blocking(f)` is the usual shape): path calls by their candidates, method calls
//! by the receiver's type, else by name when every workspace method of that name is an
//! offloader and the name is not ambiguous.

use std::collections::HashMap;

use super::Graph;
use crate::catalog::AMBIGUOUS_METHOD_NAMES;
use crate::deps::DependencyUnits;
use crate::summary::{CallSite, FileSummary, FnSummary};
use crate::{ArgRange, CrateFile, CrateReachability};

/// The fns a call may call, and whether all of them (a method matched by name) rather
/// than any must be offloaders.
struct Callees {
    ids: Vec<usize>,
    all: bool,
}

impl Graph<'_> {
    fn callees(&self, caller: usize, call: &CallSite) -> Callees {
        let unit = self.fns[caller].unit;
        if let Some(name) = call
            .method
            .as_deref()
            .filter(|_| call.candidates.is_empty())
        {
            let typed = self.typed_methods(caller, call, name);
            if !typed.is_empty() || AMBIGUOUS_METHOD_NAMES.contains(&name) {
                return Callees {
                    ids: typed,
                    all: false,
                };
            }
            let scope = self.deps.is_dependency(unit).then_some(unit);
            let ids = self
                .methods
                .get(&(scope, name))
                .cloned()
                .unwrap_or_default();
            return Callees { ids, all: true };
        }
        let ids = call
            .candidates
            .iter()
            .map(|c| self.lookup(unit, c))
            .find(|found| !found.is_empty())
            .unwrap_or_default();
        Callees { ids, all: false }
    }

    /// Whether `call` of fn `caller` calls an offloader, given which fns are.
    fn calls_offloader(&self, caller: usize, call: &CallSite, offloaders: &[bool]) -> bool {
        let Callees { ids, all } = self.callees(caller, call);
        if all {
            !ids.is_empty() && ids.iter().all(|&t| offloaders[t])
        } else {
            ids.iter().any(|&t| offloaders[t])
        }
    }

    /// Which fns are offloaders, to a fixed point; each round marks at least one more
    /// fn or ends.
    fn offloaders(&self) -> Vec<bool> {
        let mut offloaders: Vec<bool> = self.fns.iter().map(|f| f.summary.offloads_param).collect();
        loop {
            let mut changed = false;
            for (i, f) in self.fns.iter().enumerate() {
                if offloaders[i] {
                    continue;
                }
                let passes = f.summary.calls.iter().filter(|c| c.passes_param);
                if passes
                    .into_iter()
                    .any(|c| self.calls_offloader(i, c, &offloaders))
                {
                    offloaders[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return offloaders;
            }
        }
    }
}

/// The summaries of `files` that hold a closure (or fn path) given to an offloader the
/// walk could not see as one (defined in another file or crate, or a wrapper of a
/// wrapper), by index into `files`, rewritten: the calls inside it are offloaded, its
/// blocking calls and direct findings are dropped. Empty when there is none.
pub(super) fn offload_closures(
    files: &[CrateFile<'_>],
    crates: &HashMap<String, usize>,
    deps: &DependencyUnits,
    reach: &CrateReachability,
) -> HashMap<usize, FileSummary> {
    let graph = Graph::unsolved(files, crates, deps, reach);
    let offloaders = graph.offloaders();
    let mut out: HashMap<usize, FileSummary> = HashMap::new();
    let mut i = 0;
    for (k, file) in files.iter().enumerate() {
        for (j, f) in file.summary.fns.iter().enumerate() {
            let ranges: Vec<ArgRange> = f
                .calls
                .iter()
                .filter(|c| !c.fn_args.is_empty() && !c.offloaded)
                .filter(|c| graph.calls_offloader(i, c, &offloaders))
                .flat_map(|c| c.fn_args.iter().copied())
                .collect();
            i += 1;
            if ranges.is_empty() {
                continue;
            }
            let summary = out.entry(k).or_insert_with(|| file.summary.clone());
            offload_in(&mut summary.fns[j], &ranges);
            summary
                .findings
                .retain(|d| !ranges.iter().any(|r| r.contains(d.line, d.column)));
        }
    }
    out
}

/// `files` with the summaries [`offload_closures`] rewrote in place of theirs.
pub(super) fn with_offloaded<'a>(
    files: &[CrateFile<'a>],
    offloaded: &'a HashMap<usize, FileSummary>,
) -> Vec<CrateFile<'a>> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| match offloaded.get(&i) {
            Some(summary) => CrateFile {
                unit: f.unit,
                summary,
            },
            None => *f,
        })
        .collect()
}

/// Marks what fn `f` does inside `ranges` as run off the executor.
fn offload_in(f: &mut FnSummary, ranges: &[ArgRange]) {
    let inside = |line: usize, column: usize| ranges.iter().any(|r| r.contains(line, column));
    for call in &mut f.calls {
        if inside(call.line, call.column) {
            call.offloaded = true;
            call.in_async = false;
        }
    }
    f.blocking.retain(|b| !inside(b.line, b.column));
    f.polled.retain(|b| !inside(b.line, b.column));
    f.once
        .retain(|o| !inside(o.blocking.line, o.blocking.column));
}
