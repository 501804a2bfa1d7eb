//! Every distinct blocking leaf a call reaches: a helper that sleeps and also reads a
//! file is reported with both chains, not only with the one its witness names.
//!
//! A leaf is a blocking API called in one fn (two reads of `std::fs::read` in one helper
//! are one leaf; the same API in two helpers are two). From the blocking fn called, the
//! walk goes breadth-first down the calls that block (the ones the solver follows: run
//! synchronously, not offloaded), each fn once, so each leaf gets a shortest chain and
//! cycles end. The witness chain, the one the message names, comes first.

use std::collections::{HashSet, VecDeque};

use super::Graph;
use crate::ChainLink;

/// At most this many chains per finding, shortest first: a fn at the top of a big
/// workspace can reach hundreds of leaves, and a report lists each one per call site.
pub(crate) const MAX_CHAINS: usize = 32;

impl Graph<'_> {
    /// The chains from blocking fn `callee` to each distinct blocking leaf it reaches,
    /// starting with `first` (the witness chain), at most [`MAX_CHAINS`].
    pub(super) fn leaf_chains(&self, callee: usize, first: Vec<ChainLink>) -> Vec<Vec<ChainLink>> {
        let mut seen: HashSet<(usize, &str)> = HashSet::new();
        if let Some(leaf) = self.witness_leaf(callee) {
            seen.insert(leaf);
        }
        let mut chains = vec![first];
        let mut visited: HashSet<usize> = HashSet::from([callee]);
        let mut queue: VecDeque<(usize, Vec<ChainLink>)> = VecDeque::from([(callee, Vec::new())]);
        while let Some((i, path)) = queue.pop_front() {
            let f = &self.fns[i];
            for b in &f.summary.blocking {
                if chains.len() == MAX_CHAINS {
                    return chains;
                }
                if seen.insert((i, b.resolved.as_str())) {
                    let mut chain = path.clone();
                    chain.push(self.link(i, b.resolved.clone(), b.line, b.column));
                    chains.push(chain);
                }
            }
            for (c, call) in f.summary.calls.iter().enumerate() {
                if call.in_async || call.offloaded {
                    continue;
                }
                let Some(next) = self.blocking_target(i, c) else {
                    continue;
                };
                if visited.insert(next) {
                    let mut chain = path.clone();
                    chain.push(self.link(
                        i,
                        self.display_path(next, f.unit),
                        call.line,
                        call.column,
                    ));
                    queue.push_back((next, chain));
                }
            }
        }
        chains
    }

    /// The leaf the witness chain of blocking fn `i` ends at: the fn and its API.
    fn witness_leaf(&self, mut i: usize) -> Option<(usize, &str)> {
        // The witness chain is a shortest one, so it never revisits a fn; the bound only
        // guards against a malformed graph.
        for _ in 0..=self.fns.len() {
            match self.witness[i]? {
                super::Witness::Via { callee, .. } => i = callee,
                super::Witness::Direct(b) => {
                    let b = self.fns[i].summary.blocking.get(b)?;
                    return Some((i, b.resolved.as_str()));
                }
            }
        }
        None
    }
}
