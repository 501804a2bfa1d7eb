//! Run-once initialisers in the call graph: a blocking call inside an initialiser
//! (directly, or through a blocking workspace fn it calls) is reported once, at the
//! initialiser, with the number of async paths that can reach it: the call sites in
//! async code (not offloaded) whose callee is the initialiser's fn or a sync fn that
//! calls it, transitively. An initialiser written in async code is one path. One that
//! no async path reaches (filled only from sync code, such as `main` before the
//! runtime starts) is not reported.

use std::collections::{HashSet, VecDeque};

use super::{runs_with_its_fn, Graph, Targets};
use crate::run_once::{once_replacement, OnceBlocking, RunOnce};
use crate::summary::CallSite;
use crate::Finding;
use crate::{Certainty, ChainLink};

/// The async paths to each fn: reverse sync call edges and async call sites.
struct Paths {
    /// For each fn, the sync fns whose body calls it whenever they run.
    callers: Vec<Vec<usize>>,
    /// For each fn, the calls `(fn, call)` in async code of the workspace that call it.
    async_sites: Vec<Vec<(usize, usize)>>,
}

/// How many async paths reach a fn, and whether every one of them is in test code.
#[derive(Debug, Clone, Copy)]
struct Reach {
    paths: usize,
    only_tests: bool,
}

impl Paths {
    fn new(graph: &Graph<'_>) -> Paths {
        let n = graph.fns.len();
        let mut paths = Paths {
            callers: vec![Vec::new(); n],
            async_sites: vec![Vec::new(); n],
        };
        for (i, f) in graph.fns.iter().enumerate() {
            for (c, call) in f.summary.calls.iter().enumerate() {
                let Some(ids) = graph.targets[i][c].as_ref().map(Targets::ids) else {
                    continue;
                };
                let is_async_site = call.in_async
                    && !call.offloaded
                    && call.run_once == RunOnce::Not
                    && !graph.deps.is_dependency(f.unit);
                for &t in ids {
                    if is_async_site {
                        paths.async_sites[t].push((i, c));
                    } else if !f.summary.is_async && runs_with_its_fn(call) {
                        paths.callers[t].push(i);
                    }
                }
            }
        }
        paths
    }

    /// The async call sites from which fn `i` runs: breadth-first up the sync callers.
    fn reach(&self, graph: &Graph<'_>, i: usize) -> Reach {
        let mut seen: HashSet<usize> = HashSet::from([i]);
        let mut queue = VecDeque::from([i]);
        let mut sites: HashSet<(usize, usize)> = HashSet::new();
        while let Some(t) = queue.pop_front() {
            sites.extend(self.async_sites[t].iter().copied());
            for &caller in &self.callers[t] {
                if seen.insert(caller) {
                    queue.push_back(caller);
                }
            }
        }
        let only_tests = sites
            .iter()
            .all(|&(f, c)| graph.fns[f].summary.in_test || graph.fns[f].summary.calls[c].in_test);
        Reach {
            paths: sites.len(),
            only_tests,
        }
    }
}

impl Graph<'_> {
    /// The `once` findings of the workspace's run-once initialisers.
    pub(super) fn once_findings(&self) -> Vec<Finding> {
        let has_initialiser = |i: usize| {
            let s = self.fns[i].summary;
            s.once.iter().any(|o| o.written_in == RunOnce::InSyncCode)
                || s.calls.iter().any(|c| c.run_once != RunOnce::Not)
        };
        let fns: Vec<usize> = (0..self.fns.len())
            .filter(|&i| !self.deps.is_dependency(self.fns[i].unit) && has_initialiser(i))
            .collect();
        if fns.is_empty() {
            return Vec::new();
        }
        let paths = Paths::new(self);
        let mut out = Vec::new();
        for i in fns {
            let from_sync = paths.reach(self, i);
            let reach = |written_in: RunOnce| match written_in {
                RunOnce::InAsyncCode => Reach {
                    paths: 1,
                    only_tests: false,
                },
                _ => from_sync,
            };
            let f = self.fns[i];
            // In async code, the engine reports a direct blocking call itself.
            for once in f.summary.once.iter() {
                let r = reach(once.written_in);
                if once.written_in == RunOnce::InSyncCode && r.paths > 0 {
                    out.push(self.direct_once(i, once, r));
                }
            }
            for (c, call) in f.summary.calls.iter().enumerate() {
                let r = reach(call.run_once);
                if call.run_once == RunOnce::Not || r.paths == 0 {
                    continue;
                }
                if let Some(found) = self.transitive_once(i, c, call, r) {
                    out.push(found);
                }
            }
        }
        out
    }

    /// A blocking catalog call written in an initialiser of fn `i`.
    fn direct_once(&self, i: usize, once: &OnceBlocking, reach: Reach) -> Finding {
        let f = self.fns[i];
        let b = &once.blocking;
        Finding {
            file: f.file.to_string(),
            line: b.line,
            column: b.column,
            end_line: once.end_line,
            end_column: once.end_column,
            call: once.call.clone(),
            resolved: b.resolved.clone(),
            certainty: Certainty::Once,
            category: b.category,
            why: once.why.clone(),
            replacement: once_replacement(&b.replacement),
            context: once.context.clone(),
            in_test: f.summary.in_test || reach.only_tests,
            chains: Vec::new(),
            fix: None,
            once_reach: Some(reach.paths),
        }
    }

    /// A call in an initialiser of fn `i` to a workspace fn that blocks.
    fn transitive_once(
        &self,
        i: usize,
        c: usize,
        call: &CallSite,
        reach: Reach,
    ) -> Option<Finding> {
        let f = self.fns[i];
        let callee = self.blocking_target(i, c)?;
        let (chain, blocker): (Vec<ChainLink>, _) = self.chain(callee)?;
        let callee_path = self.display_path(callee, f.unit);
        Some(Finding {
            file: f.file.to_string(),
            line: call.line,
            column: call.column,
            end_line: call.end_line,
            end_column: call.end_column,
            call: call.call.clone(),
            why: format!(
                "`{callee_path}` is a sync fn that reaches the blocking `{}`",
                blocker.resolved
            ),
            resolved: callee_path,
            certainty: Certainty::Once,
            category: blocker.category,
            replacement: once_replacement(&blocker.replacement),
            context: call.context.clone(),
            in_test: f.summary.in_test || call.in_test || reach.only_tests,
            chains: vec![chain],
            fix: None,
            once_reach: Some(reach.paths),
        })
    }
}
