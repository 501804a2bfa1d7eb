//! Scopes: which test (or other owner) a stall belongs to.
//!
//! Tests run in parallel threads of one process and share one watchdog. Each
//! `#[blockwatch::test]` opens a scope; wrappers carry it, set it in a thread-local while
//! they poll, and `blockwatch::spawn` hands it on to the tasks it spawns. Every report is
//! stamped with the scope of the poll that stalled, and a test only counts its own.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Scope 0: no particular owner.
pub(crate) const NO_SCOPE: u64 = 0;

static NEXT_SCOPE: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static CURRENT: Cell<u64> = const { Cell::new(NO_SCOPE) };
}

/// A fresh scope id, never [`NO_SCOPE`].
pub(crate) fn new_scope() -> u64 {
    NEXT_SCOPE.fetch_add(1, Ordering::Relaxed)
}

/// The scope of the code running on this thread now.
#[inline]
pub(crate) fn current() -> u64 {
    CURRENT.try_with(Cell::get).unwrap_or(NO_SCOPE)
}

/// Makes `scope` current until the guard drops (also on unwind).
#[inline]
pub(crate) fn enter(scope: u64) -> ScopeGuard {
    let previous = CURRENT
        .try_with(|current| current.replace(scope))
        .unwrap_or(NO_SCOPE);
    ScopeGuard { previous }
}

/// Restores the previous scope when dropped.
pub(crate) struct ScopeGuard {
    previous: u64,
}

impl Drop for ScopeGuard {
    #[inline]
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|current| current.set(self.previous));
    }
}
