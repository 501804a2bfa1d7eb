//! `async` blocks driven on the calling thread: an `async { .. }` written as an argument
//! of `block_on` (see [`CALLER_THREAD_EXECUTORS`]) runs on the thread that calls
//! `block_on`, so its body is in the caller's context. In a sync fn (also one that runs
//! inside `spawn_blocking`) its blocking calls are that fn's, not findings in async
//! context; in async code the `block_on` call is the finding and the body stays async
//! context. An `async` block handed to anything else (`tokio::spawn`, a join) is a future
//! polled by an executor and stays async context.

use syn::visit::Visit;
use syn::Expr;

use super::{peel, Analyzer};
use crate::catalog::CALLER_THREAD_EXECUTORS;
use crate::escape_hatch::has_allow_blocking;

impl Analyzer<'_> {
    /// Visits `arg` of a call to `callee` (its last path segment or method name) when it is
    /// an `async` block that `callee` drives on the calling thread, in the current
    /// context; returns false, visiting nothing, for any other argument.
    pub(super) fn visit_caller_thread_body(&mut self, callee: &str, arg: &Expr) -> bool {
        if !CALLER_THREAD_EXECUTORS.contains(&callee) {
            return false;
        }
        let Expr::Async(body) = peel(arg) else {
            return false;
        };
        if !has_allow_blocking(&body.attrs) {
            self.visit_block(&body.block);
        }
        true
    }
}
