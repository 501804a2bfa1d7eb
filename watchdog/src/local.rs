//! The poll path's per-thread state, in one constant-initialized thread-local.
//!
//! One `thread_local!` with a `const` initializer and no destructor compiles to a plain
//! thread-pointer-relative access: no lazy-initialization check and no destructor
//! registration on the poll path. It holds this thread's slot (claimed on the first
//! armed poll), the scope of code outside watched polls, and which poll a runtime hook
//! opened.
//! Releasing the slot when the thread exits is the job of a separate, lazily
//! initialized guard that is touched only once, when the slot is claimed.

use std::cell::Cell;

use crate::hook_poll::NO_HOOKED_POLL;
use crate::slot::{Slot, UNCLAIMED};

/// Scope 0: no particular owner (see `crate::scope`).
pub(crate) const NO_SCOPE: u64 = 0;

/// Everything the poll path keeps per thread.
pub(crate) struct Local {
    /// This thread's slot, or [`UNCLAIMED`] before the first armed poll, when the slot
    /// table is full, and after the thread has started exiting.
    pub(crate) slot: Cell<&'static Slot>,
    /// Whether this thread has tried to claim a slot (never retried).
    pub(crate) claimed: Cell<bool>,
    /// The scope of this thread's code outside watched polls (inside one, the slot has it).
    pub(crate) scope: Cell<u64>,
    /// The hooked poll running on this thread, if a runtime hook opened it (the hooks
    /// have no guard to keep it in): see [`crate::hook_poll`].
    pub(crate) hooked: Cell<u64>,
}

thread_local! {
    pub(crate) static LOCAL: Local = const {
        Local {
            slot: Cell::new(&UNCLAIMED),
            claimed: Cell::new(false),
            scope: Cell::new(NO_SCOPE),
            hooked: Cell::new(NO_HOOKED_POLL),
        }
    };
}

/// This thread's [`Local`], reached with the thread-local access inlined into the
/// caller. `LocalKey::with` with a large closure may stay an out-of-line call that
/// reaches the variable through a function pointer, and so may any large closure the
/// poll path would hand it (a closure is a function of its own, which the compiler may
/// place in another codegen unit than its caller and then cannot inline): fetching only
/// the address keeps the access a single thread-pointer-relative instruction, and the
/// poll path straight-line code.
#[inline(always)]
pub(crate) fn this_thread() -> &'static Local {
    let local: *const Local = LOCAL.with(|local| local as *const Local);
    // SAFETY: `LOCAL` is const-initialized and has no destructor, so its storage is
    // valid for the whole life of this thread, and only this thread can use the
    // reference (`Local` is not `Sync`, so `&Local` is not `Send`); no code runs on a
    // thread after its thread-locals are freed.
    unsafe { &*local }
}
