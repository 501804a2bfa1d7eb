//! Scopes: which test (or other owner) a stall belongs to.
//!
//! Tests run in parallel threads of one process and share one watchdog. Each
//! `#[blockwatch::test]` opens a scope; wrappers carry it, set it in a thread-local while
//! they poll, and `blockwatch::spawn` hands it on to the tasks it spawns. Every report is
//! stamped with the scope of the poll that stalled, and a test only counts its own.
//! The thread-local lives in [`crate::local`], next to the thread's slot, so that a poll
//! reaches both with one thread-local access; [`crate::slot::PollGuard`] sets it.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::local::LOCAL;
pub(crate) use crate::local::NO_SCOPE;

static NEXT_SCOPE: AtomicU64 = AtomicU64::new(1);

/// A fresh scope id, never [`NO_SCOPE`].
pub(crate) fn new_scope() -> u64 {
    NEXT_SCOPE.fetch_add(1, Ordering::Relaxed)
}

/// The scope of the code running on this thread now.
#[inline]
pub(crate) fn current() -> u64 {
    LOCAL.with(|local| local.scope.get())
}

/// Makes `scope` the scope of this thread's code outside any watched poll, returning
/// the one it replaces (used for the threads of a test's runtime).
pub(crate) fn replace(scope: u64) -> u64 {
    LOCAL.with(|local| local.scope.replace(scope))
}
