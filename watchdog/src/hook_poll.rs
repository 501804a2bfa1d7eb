//! The poll path of tokio's task poll hooks ([`crate::hooks`]): a poll entered by
//! `on_before_task_poll` and ended by `on_after_task_poll`.
//!
//! The two hooks share no guard, so the thread remembers in its [`Local`] which hooked
//! poll it is in, as one word ([`Local::hooked`]):
//!
//! | value | meaning |
//! |---|---|
//! | below 2^32 | the id of the hooked poll running on this thread's slot |
//! | 2^63 + n * 2^32 + id | that poll, with `n` (at least 1) hooked polls nested in it, not recorded |
//! | [`NO_HOOKED_POLL`] | no hooked poll recorded |
//!
//! so the exit hook has the poll's id without reading the state word back, and the
//! sign bit alone tells the common case (a recorded poll with nothing nested) from the
//! rest.
//! A nested hooked poll happens when a hooked task runs another instrumented runtime
//! inside `block_in_place`: its exit must not end the outer poll. The word is only
//! ever set below [`NO_HOOKED_POLL`] while the thread has its slot, and the slot's
//! release clears it, so the exit writes the slot it finds in [`Local`] without
//! checking it against [`UNCLAIMED`](crate::slot::UNCLAIMED).
//!
//! ```text
//! enter: idle slot -> hooked = enter_idle(..)          busy slot -> out of line
//! exit:  sign bit clear -> exit_outermost(hooked)      set -> out of line
//! ```
//!
//! The hooks' closures are compiled in this crate, where reaching a thread-local is a
//! call into the dynamic linker's TLS resolver (relaxed to two instructions when the
//! program is linked, but still a call to the register allocator): so the entry reads
//! the task's id and spawn location only after that, keeping one register across it
//! instead of two.

use crate::blame::Blame;
use crate::local::{this_thread, Local, NO_SCOPE};
use crate::origin::Origin;
use crate::poll_guard::claim_local;
use crate::slot::Slot;
use crate::state_word;

/// [`Local::hooked`] when no hooked poll is recorded on the thread.
pub(crate) const NO_HOOKED_POLL: u64 = u64::MAX;

/// Set in [`Local::hooked`] while hooked polls are nested in the recorded one.
const NESTED: u64 = 1 << 63;

/// What one hooked poll nested in the recorded one adds to [`Local::hooked`].
const ONE_NESTED: u64 = 1 << 32;

/// The nesting count's bits in [`Local::hooked`].
const NESTED_COUNT: u64 = (NESTED - 1) & !(ONE_NESTED - 1);

/// Poll entry from `on_before_task_poll`, for the task that `task` names (its origin
/// and id, read only when needed). The hot case, an idle slot on a thread outside any
/// scope, is straight-line code with no call; a busy slot (the thread has none yet, or
/// is inside another watched poll) and a scoped thread (a test's runtime, whose blame
/// word may need interning) go out of line, as a tail call.
#[inline(always)]
pub(crate) fn hook_enter(task: impl FnOnce() -> (Origin, u64)) {
    let local = this_thread();
    let slot = local.slot.get();
    let state = slot.state_on_owner();
    if !state_word::is_busy(state) && local.scope.get() == NO_SCOPE {
        enter_idle(local, slot, state, NO_SCOPE, task);
    } else {
        hook_enter_out_of_line(slot, task);
    }
}

#[inline(always)]
fn enter_idle(
    local: &Local,
    slot: &'static Slot,
    state: u64,
    scope: u64,
    task: impl FnOnce() -> (Origin, u64),
) {
    let (origin, task_id) = task();
    let task = state_word::task_word(task_id);
    let poll = slot.enter_idle(state, Blame::new(origin, scope), task);
    local.hooked.set(poll);
}

/// A hooked poll off the hot path: the thread's first armed poll claims a slot (the
/// [`UNCLAIMED`](crate::slot::UNCLAIMED) slot is always busy); a thread in a scope
/// enters like the hot case, blaming its scope too; inside a recorded hooked poll, the
/// nested one is counted so that its exit leaves the outer poll running; inside a
/// wrapper's poll, the wrapper keeps the blame and the hooks do nothing.
#[inline(never)]
fn hook_enter_out_of_line(slot: &'static Slot, task: impl FnOnce() -> (Origin, u64)) {
    let local = this_thread();
    let slot = if slot.is_unclaimed() {
        match claim_local(local) {
            Some(slot) => slot,
            None => return,
        }
    } else {
        slot
    };
    let state = slot.state_on_owner();
    if !state_word::is_busy(state) {
        enter_idle(local, slot, state, local.scope.get(), task);
    } else {
        let hooked = local.hooked.get();
        if hooked != NO_HOOKED_POLL {
            // Nesting deeper than 2^31 - 1 would need as many stack frames.
            local.hooked.set((hooked | NESTED) + ONE_NESTED);
        }
    }
}

/// Poll exit from `on_after_task_poll`: ends the poll [`hook_enter`] recorded, if this
/// is its exit.
#[inline(always)]
pub(crate) fn hook_exit() {
    let local = this_thread();
    let hooked = local.hooked.get();
    if hooked & NESTED == 0 {
        local.hooked.set(NO_HOOKED_POLL);
        // A recorded poll means the thread still has the slot it entered (see the
        // module docs).
        local.slot.get().exit_outermost(hooked);
    } else {
        hook_exit_unrecorded(local, hooked);
    }
}

/// The exit of a hooked poll that was not recorded: one nested in the recorded one
/// (counted down), or one that ran unwatched or inside a wrapper's poll.
#[inline(never)]
fn hook_exit_unrecorded(local: &Local, hooked: u64) {
    if hooked != NO_HOOKED_POLL {
        let hooked = hooked - ONE_NESTED;
        let nesting_left = hooked & NESTED_COUNT != 0;
        local.hooked.set(if nesting_left {
            hooked
        } else {
            hooked & !NESTED
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll_guard::watch_poll;
    use crate::slot::{arm, Snapshot};
    use crate::state_word::task_word;
    use std::panic::Location;

    fn snapshot_here() -> Snapshot {
        crate::poll_guard::claimed_slot(this_thread())
            .expect("a slot")
            .snapshot(crate::clock::now_tick())
            .expect("a stable snapshot")
    }

    /// Claims this thread's slot (the first armed poll does) and leaves it idle.
    fn claimed_and_idle() -> u64 {
        arm();
        watch_poll(
            &mut crate::poll_words::PollWords::new(Blame::new(Origin::default(), 0), task_word(0)),
            || (),
        );
        let idle = snapshot_here();
        assert!(!idle.busy());
        idle.poll_id
    }

    #[test]
    fn a_hooked_poll_is_blamed_on_its_task_and_ends_on_exit() {
        let before = claimed_and_idle();
        let origin = Origin::location(Location::caller());
        let outer_scope = crate::scope::replace(41);
        hook_enter(|| (origin, 9));
        let running = snapshot_here();
        hook_exit();
        crate::scope::replace(outer_scope);
        assert_eq!(
            (running.busy, running.origin, running.task_id, running.scope),
            (true, origin, 9, 41)
        );
        assert_eq!(running.poll_id, before + 1);
        let ended = snapshot_here();
        assert!(!ended.busy());
        assert_eq!(ended.ended.map(|(poll_id, _)| poll_id), Some(before + 1));
        assert_eq!(this_thread().hooked.get(), NO_HOOKED_POLL);
    }

    #[test]
    fn the_first_hooked_poll_of_a_thread_claims_its_slot() {
        std::thread::spawn(|| {
            arm();
            assert!(crate::poll_guard::claimed_slot(this_thread()).is_none());
            hook_enter(|| (Origin::default(), 5));
            let running = snapshot_here();
            hook_exit();
            assert_eq!((running.busy, running.task_id), (true, 5));
            assert!(!snapshot_here().busy());
        })
        .join()
        .expect("the thread's checks pass");
    }

    #[test]
    fn a_nested_hooked_poll_leaves_the_outer_one_running() {
        let before = claimed_and_idle();
        let outer = Origin::location(Location::caller());
        let inner = Origin::named("nested-runtime-task", Location::caller());
        hook_enter(|| (outer, 1));
        // A task of another instrumented runtime, run inside `block_in_place`.
        hook_enter(|| (inner, 2));
        hook_enter(|| (inner, 3));
        hook_exit();
        hook_exit();
        let after_nested = snapshot_here();
        hook_exit();
        assert_eq!(
            (
                after_nested.busy,
                after_nested.poll_id,
                after_nested.origin,
                after_nested.task_id
            ),
            (true, before + 1, outer, 1),
            "the nested exits left the outer poll running and blamed"
        );
        let ended = snapshot_here();
        assert!(!ended.busy());
        assert_eq!(ended.ended.map(|(poll_id, _)| poll_id), Some(before + 1));
    }

    #[test]
    fn a_hooked_poll_inside_a_wrapper_leaves_the_wrapper_its_poll() {
        let before = claimed_and_idle();
        let wrapper = Origin::named("wrapper", Location::caller());
        let (inside, after_hooks) = watch_poll(
            &mut crate::poll_words::PollWords::new(Blame::new(wrapper, 0), task_word(7)),
            || {
                hook_enter(|| (Origin::default(), 8));
                let inside = snapshot_here();
                hook_exit();
                (inside, snapshot_here())
            },
        );
        for seen in [inside, after_hooks] {
            assert_eq!(
                (seen.busy, seen.poll_id, seen.origin, seen.task_id),
                (true, before + 1, wrapper, 7)
            );
        }
        assert!(!snapshot_here().busy());
        assert_eq!(this_thread().hooked.get(), NO_HOOKED_POLL);
    }

    #[test]
    fn a_wrapper_inside_a_hooked_poll_takes_the_blame_and_gives_it_back() {
        let before = claimed_and_idle();
        let hooked = Origin::location(Location::caller());
        let wrapper = Origin::named("wrapped-inside", Location::caller());
        hook_enter(|| (hooked, 4));
        let inside = watch_poll(
            &mut crate::poll_words::PollWords::new(Blame::new(wrapper, 6), task_word(5)),
            snapshot_here,
        );
        let restored = snapshot_here();
        hook_exit();
        assert_eq!(
            (inside.busy, inside.poll_id, inside.origin, inside.task_id),
            (true, before + 1, wrapper, 5)
        );
        assert_eq!(
            (restored.busy, restored.origin, restored.task_id),
            (true, hooked, 4)
        );
        assert!(!snapshot_here().busy());
    }
}
