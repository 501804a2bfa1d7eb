//! The hidden `next()` calls of iteration: `for entry in walk { .. }` and
//! `walk.filter_map(..).count()` call the iterator's `next` without naming it. An
//! iterator whose `next` blocks (a directory walker that reads each directory as it
//! goes) blocks at the loop or the consuming call, so each is recorded as a call of
//! `next` on the value iterated: the call graph resolves it by that value's type, as it
//! resolves a written `.next()`.

use proc_macro2::Span;
use syn::Expr;

use super::calls::receiver_paths;
use super::origin_set::is_unknown;
use super::Analyzer;
use crate::resolve::Origin;

/// Iterator methods that pull items through `next` before they return.
const CONSUMERS: &[&str] = &[
    "all",
    "any",
    "collect",
    "count",
    "find",
    "find_map",
    "fold",
    "for_each",
    "last",
    "max",
    "max_by",
    "max_by_key",
    "min",
    "min_by",
    "min_by_key",
    "nth",
    "partition",
    "position",
    "product",
    "reduce",
    "sum",
    "try_fold",
    "try_for_each",
    "unzip",
];

/// Lazy adapters: the value they return calls its receiver's `next` from its own.
const ADAPTERS: &[&str] = &[
    "by_ref",
    "chain",
    "cloned",
    "copied",
    "cycle",
    "enumerate",
    "filter",
    "filter_map",
    "flat_map",
    "flatten",
    "fuse",
    "inspect",
    "map",
    "map_while",
    "peekable",
    "scan",
    "skip",
    "skip_while",
    "step_by",
    "take",
    "take_while",
    "zip",
];

/// Whether `name` is a consuming iterator method.
pub(super) fn is_consumer(name: &str) -> bool {
    CONSUMERS.contains(&name)
}

/// The value whose `next` an adapter chain ends in: `walk` for
/// `walk.filter_map(f).take(3)`.
fn iterated(mut e: &Expr) -> &Expr {
    while let Expr::MethodCall(m) = e {
        if !ADAPTERS.contains(&m.method.to_string().as_str()) {
            break;
        }
        e = &m.receiver;
    }
    e
}

impl<'m> Analyzer<'m> {
    /// Records the `next` calls of consuming the iterator `receiver` (past its lazy
    /// adapters) at `start..end`, written as `call`. `into_iter` adds the value its
    /// `into_iter()` gives, for a `for` loop over an `IntoIterator` that is not itself
    /// an iterator.
    pub(super) fn iterator_steps(
        &mut self,
        receiver: &Expr,
        into_iter: bool,
        call: String,
        (start, end): (Span, Span),
    ) {
        if self.summaries.is_none() {
            return;
        }
        let source = iterated(receiver);
        let mut origins: Vec<Origin> = Vec::new();
        self.origins(source, &mut origins, 0);
        if is_unknown(&origins) {
            origins.clear();
        }
        if into_iter {
            let converted: Expr = syn::parse_quote!((#source).into_iter());
            let mut more = Vec::new();
            self.origins(&converted, &mut more, 0);
            if !is_unknown(&more) {
                origins.extend(more);
            }
        }
        if origins.is_empty() {
            return;
        }
        let stated = self.type_is_stated(source);
        self.call_site(
            Vec::new(),
            Some(("next".to_string(), receiver_paths(origins), stated)),
            call,
            start,
            end,
            false,
        );
    }
}
