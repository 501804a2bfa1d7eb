//! The poll path: entering and leaving a watched poll on this thread's slot.
//!
//! A watched poll reaches its thread's slot through the one constant-initialized
//! thread-local of [`crate::local`] and writes it as [`crate::slot`] describes. Nothing
//! else is touched per poll: the scope of the running poll is the slot's own `scope`
//! field (see [`crate::scope::current`]), so entry and exit do not save and restore a
//! thread-local scope as well, and the guard keeps the state word it stored, so exit
//! does not read it back.

use std::ptr;

use crate::local::{with_local, Local, LOCAL};
use crate::origin::Origin;
use crate::slot::{self, Saved, Slot, BUSY};

/// Gives the thread's slot back when the thread exits.
struct SlotRelease;

impl Drop for SlotRelease {
    fn drop(&mut self) {
        let slot = LOCAL
            .try_with(|local| local.slot.replace(ptr::null()))
            .unwrap_or(ptr::null());
        // SAFETY: slots are leaked boxes, never freed.
        if let Some(slot) = unsafe { slot.as_ref() } {
            slot::release(slot);
        }
    }
}

thread_local! {
    static SLOT_RELEASE: SlotRelease = const { SlotRelease };
}

/// The first armed poll of a thread: claim a slot and arrange its release.
#[cold]
#[inline(never)]
fn claim_local(local: &Local) -> Option<&'static Slot> {
    if !slot::armed() || local.claimed.replace(true) {
        return None;
    }
    // Registering the release fails once the thread is tearing down: run unwatched then.
    SLOT_RELEASE.try_with(|_| ()).ok()?;
    let slot = slot::claim()?;
    local.slot.set(slot);
    Some(slot)
}

/// This thread's slot, claimed on the first armed poll. A claimed slot means armed, so
/// the common case is one load and a null check.
#[inline(always)]
fn slot_of(local: &Local) -> Option<&'static Slot> {
    // SAFETY: the pointer is null or a leaked, never freed slot.
    match unsafe { local.slot.get().as_ref() } {
        Some(slot) => Some(slot),
        None => claim_local(local),
    }
}

/// This thread's slot, if it has one (no claim).
#[inline(always)]
pub(crate) fn claimed_slot(local: &Local) -> Option<&'static Slot> {
    // SAFETY: the pointer is null or a leaked, never freed slot.
    unsafe { local.slot.get().as_ref() }
}

#[cfg(test)]
fn local_slot() -> Option<&'static Slot> {
    with_local(slot_of)
}

/// Marks the current thread busy for as long as it lives (one instrumented poll), and
/// makes the poll's scope current.
pub(crate) struct PollGuard {
    active: Option<(&'static Slot, Saved)>,
}

impl PollGuard {
    /// Records a poll entry on this thread's slot.
    #[inline(always)]
    pub(crate) fn enter(origin: Origin, task_id: u64, scope: u64) -> PollGuard {
        let active = with_local(slot_of).map(|slot| {
            let state = slot.state_on_owner();
            let saved = if state & BUSY == 0 {
                Saved::Outermost {
                    busy: slot.enter_idle(state, origin, task_id, scope),
                }
            } else {
                slot.enter_nested(origin, task_id, scope)
            };
            (slot, saved)
        });
        PollGuard { active }
    }
}

impl Drop for PollGuard {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some((slot, saved)) = self.active {
            slot.exit(saved);
        }
    }
}

/// Poll entry from a runtime hook, which has no guard to carry across to the exit hook.
/// Only an entry on an idle slot is recorded; [`hook_exit`] undoes exactly that one.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
#[inline(always)]
pub(crate) fn hook_enter(origin: Origin, task_id: u64) {
    with_local(|local| {
        if let Some(slot) = slot_of(local) {
            let state = slot.state_on_owner();
            if state & BUSY == 0 {
                slot.enter_idle(state, origin, task_id, local.scope.get());
                local.hook_entered.set(true);
            }
        }
    });
}

/// Poll exit from a runtime hook.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
#[inline(always)]
pub(crate) fn hook_exit() {
    with_local(|local| {
        if local.hook_entered.replace(false) {
            if let Some(slot) = claimed_slot(local) {
                slot.exit_outermost(slot.state_on_owner());
            }
        }
    });
}

/// Marks this thread's current poll exempt while it lives (`block_in_place`).
pub(crate) struct ExemptGuard {
    slot: Option<&'static Slot>,
}

impl ExemptGuard {
    /// Starts an exempt stretch, if this thread is inside an instrumented poll.
    pub(crate) fn enter() -> ExemptGuard {
        let slot = with_local(claimed_slot).filter(|slot| slot.busy_on_owner());
        if let Some(slot) = slot {
            slot.set_exempt(true);
        }
        ExemptGuard { slot }
    }
}

impl Drop for ExemptGuard {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.set_exempt(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slot::{arm, find_by_tid, Snapshot};
    use std::panic::Location;

    fn snapshot_here() -> Snapshot {
        local_slot()
            .expect("a slot")
            .snapshot()
            .expect("a stable snapshot")
    }

    #[test]
    fn nested_polls_blame_the_innermost_and_restore_the_outer() {
        arm();
        let outer = Origin::location(Location::caller());
        let inner = Origin::named("inner", Location::caller());
        let before = {
            let _warm = PollGuard::enter(outer, 0, 0);
            snapshot_here().poll_id
        };
        {
            let _outer = PollGuard::enter(outer, 7, 1);
            let first = snapshot_here();
            assert_eq!(
                (first.busy, first.origin, first.task_id, first.scope),
                (true, outer, 7, 1)
            );
            assert_eq!(first.poll_id, before + 1);
            {
                let _inner = PollGuard::enter(inner, 8, 2);
                let nested = snapshot_here();
                assert_eq!(
                    (nested.busy, nested.origin, nested.task_id),
                    (true, inner, 8)
                );
                assert_eq!(nested.poll_id, first.poll_id, "one poll of the thread");
            }
            let restored = snapshot_here();
            assert_eq!(
                (restored.busy, restored.origin, restored.scope),
                (true, outer, 1)
            );
        }
        let idle = snapshot_here();
        assert!(!idle.busy());
        assert_eq!(idle.ended.map(|(poll_id, _)| poll_id), Some(before + 1));
        assert_eq!(
            crate::scope::current(),
            crate::scope::NO_SCOPE,
            "scope restored"
        );
    }

    #[test]
    fn exempt_stretches_are_visible_and_end_with_their_guard() {
        arm();
        let origin = Origin::location(Location::caller());
        let _poll = PollGuard::enter(origin, 0, 0);
        {
            let _exempt = ExemptGuard::enter();
            assert_eq!(snapshot_here().exempt, 1);
        }
        assert_eq!(snapshot_here().exempt, 0);
    }

    #[test]
    fn the_signal_handler_finds_a_slot_by_thread_id() {
        arm();
        let _poll = PollGuard::enter(Origin::location(Location::caller()), 0, 0);
        let slot = local_slot().expect("a slot");
        let found = find_by_tid(crate::thread_identity::thread_id()).expect("found");
        assert!(std::ptr::eq(slot, found));
    }
}
