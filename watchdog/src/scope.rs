//! Scopes: which test (or other owner) a stall belongs to.
//!
//! Tests run in parallel threads of one process and share one watchdog. Each
//! `#[blockwatch::test]` opens a scope; wrappers carry it, set it in a thread-local while
//! they poll, and `blockwatch::spawn` hands it on to the tasks it spawns. Every report is
//! stamped with the scope of the poll that stalled, and a test only counts its own.
//! Two places hold it: while a watched poll runs, the scope of that poll is the
//! `scope` field of the thread's slot (which the poll writes anyway); outside one, it
//! is the thread's own scope in [`crate::local`] (set for the threads of a test's
//! runtime). So the poll path sets nothing besides the slot.

use std::sync::atomic::{AtomicU64, Ordering};

pub(crate) use crate::local::NO_SCOPE;
use crate::local::{this_thread, LOCAL};
use crate::poll_guard::claimed_slot;

static NEXT_SCOPE: AtomicU64 = AtomicU64::new(1);

/// A fresh scope id, never [`NO_SCOPE`].
pub(crate) fn new_scope() -> u64 {
    NEXT_SCOPE.fetch_add(1, Ordering::Relaxed)
}

/// The scope of the code running on this thread now.
#[inline]
pub(crate) fn current() -> u64 {
    let local = this_thread();
    match claimed_slot(local) {
        Some(slot) if slot.busy_on_owner() => slot.scope_on_owner(),
        _ => local.scope.get(),
    }
}

/// Makes `scope` the scope of this thread's code outside any watched poll, returning
/// the one it replaces (used for the threads of a test's runtime).
pub(crate) fn replace(scope: u64) -> u64 {
    LOCAL.with(|local| local.scope.replace(scope))
}
