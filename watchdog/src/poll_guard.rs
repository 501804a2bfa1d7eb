//! The poll path: entering and leaving a watched poll on this thread's slot.
//!
//! A watched poll reaches its thread's slot through the one constant-initialized
//! thread-local of [`crate::local`] and writes it as [`crate::slot`] describes. Nothing
//! else is touched per poll: the scope of the running poll is in the slot's own blame
//! word (see [`crate::scope::current`]), so entry and exit do not save and restore a
//! thread-local scope as well. Only the outermost poll of a known task on a thread
//! that has its slot is inlined into the wrapper; nesting, a wrapper's first poll and
//! the first poll of a thread are out of line.

use crate::blame::Blame;
use crate::hook_poll::NO_HOOKED_POLL;
use crate::local::{this_thread, Local, LOCAL};
use crate::poll_words::PollWords;
use crate::slot::{self, Saved, Slot, UNCLAIMED};
use crate::state_word::{self, UNKNOWN_TASK};
use crate::task_id;

/// Gives the thread's slot back when the thread exits.
struct SlotRelease;

impl Drop for SlotRelease {
    fn drop(&mut self) {
        // A hooked poll recorded on the slot is forgotten with it, so that its exit
        // hook cannot write to `UNCLAIMED` (see `crate::hook_poll`).
        let slot = LOCAL
            .try_with(|local| {
                local.hooked.set(NO_HOOKED_POLL);
                local.slot.replace(&UNCLAIMED)
            })
            .unwrap_or(&UNCLAIMED);
        if !slot.is_unclaimed() {
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
pub(crate) fn claim_local(local: &Local) -> Option<&'static Slot> {
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
/// the common case is one load and a compare.
#[inline(always)]
fn slot_of(local: &Local) -> Option<&'static Slot> {
    match claimed_slot(local) {
        Some(slot) => Some(slot),
        None => claim_local(local),
    }
}

/// This thread's slot, if it has one (no claim).
#[inline(always)]
pub(crate) fn claimed_slot(local: &Local) -> Option<&'static Slot> {
    let slot = local.slot.get();
    (!slot.is_unclaimed()).then_some(slot)
}

#[cfg(test)]
fn local_slot() -> Option<&'static Slot> {
    slot_of(this_thread())
}

/// Runs `poll` (one poll of a watched future) as a watched poll of this thread.
///
/// `words` are the wrapper's blame and task word ([`state_word::task_word`]; the task
/// is [`UNKNOWN_TASK`] until its first poll asks tokio, here, which task polls it).
///
/// The hot case, an outermost poll of a known task on a thread that has its slot, is
/// inlined into the caller: one thread-pointer-relative load, the slot's state word,
/// one test of it and the task word together ([`state_word::runs_inline`]), the entry
/// stores of [`Slot::enter_idle_words`], and one store on exit. A nested poll, a thread
/// without a slot yet (whose slot is [`UNCLAIMED`], never idle) and a wrapper's first
/// poll take one out-of-line path, so the inlined code keeps only the slot across the
/// inner poll (the exit reads the poll's id back from the state word).
#[inline(always)]
pub(crate) fn watch_poll<R>(words: &mut PollWords, poll: impl FnOnce() -> R) -> R {
    let local = this_thread();
    let slot = local.slot.get();
    let state = slot.state_on_owner();
    if state_word::runs_inline(state, words.task) {
        slot.enter_idle_words(state, words);
        let _exit = OutermostExit { slot };
        poll()
    } else {
        // The blame by value and the task by address, not the words' address: the hot
        // path's 16-byte load then takes the words at their offset in the wrapper
        // rather than an address computed for both paths.
        poll_out_of_line(slot, words.blame, &mut words.task, poll)
    }
}

/// A watched poll that is not the hot case: a wrapper's first poll (which learns its
/// task here), a nested wrapper, or a thread without a slot yet.
/// (It finds the thread's [`Local`] again rather than take it from the caller, which
/// would then compute the address on the hot path.) Cold, so that the compiler lays
/// the hot case out as the straight path: it runs once per wrapper and for nesting.
#[cold]
#[inline(never)]
fn poll_out_of_line<R>(
    slot: &'static Slot,
    blame: Blame,
    task: &mut u64,
    poll: impl FnOnce() -> R,
) -> R {
    if *task == UNKNOWN_TASK {
        *task = state_word::task_word(task_id::current());
    }
    let task = *task;
    if slot.is_unclaimed() {
        poll_unclaimed(this_thread(), blame, task, poll)
    } else if !slot.busy_on_owner() {
        poll_outermost(slot, blame, task, poll)
    } else {
        poll_nested(slot, blame, task, poll)
    }
}

/// An outermost poll on `slot`, which is idle.
#[inline]
fn poll_outermost<R>(slot: &'static Slot, blame: Blame, task: u64, poll: impl FnOnce() -> R) -> R {
    slot.enter_idle(slot.state_on_owner(), blame, task);
    let _exit = OutermostExit { slot };
    poll()
}

/// Ends an outermost poll when dropped, unwinding included (a panicking poll that tokio
/// catches must not leave the thread marked busy).
struct OutermostExit {
    slot: &'static Slot,
}

impl Drop for OutermostExit {
    #[inline(always)]
    fn drop(&mut self) {
        self.slot.exit_running();
    }
}

/// A wrapper polled inside another watched poll: it takes over the blame while it runs,
/// and gives it back after.
#[inline]
fn poll_nested<R>(slot: &'static Slot, blame: Blame, task: u64, poll: impl FnOnce() -> R) -> R {
    struct Restore {
        slot: &'static Slot,
        saved: Saved,
    }
    impl Drop for Restore {
        fn drop(&mut self) {
            self.slot.exit_nested(self.saved);
        }
    }
    let _restore = Restore {
        slot,
        saved: slot.enter_nested(blame, task),
    };
    poll()
}

/// A watched poll on a thread without a slot: the first armed poll claims one; before
/// any watchdog is enabled, or with the slot table full, the poll runs unwatched.
#[cold]
#[inline(never)]
fn poll_unclaimed<R>(local: &Local, blame: Blame, task: u64, poll: impl FnOnce() -> R) -> R {
    match slot_of(local) {
        Some(slot) if !slot.busy_on_owner() => poll_outermost(slot, blame, task, poll),
        Some(slot) => poll_nested(slot, blame, task, poll),
        None => poll(),
    }
}

/// Marks this thread's current poll exempt while it lives (`block_in_place`).
pub(crate) struct ExemptGuard {
    slot: Option<&'static Slot>,
}

impl ExemptGuard {
    /// Starts an exempt stretch, if this thread is inside an instrumented poll.
    pub(crate) fn enter() -> ExemptGuard {
        let slot = claimed_slot(this_thread()).filter(|slot| slot.busy_on_owner());
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
    use crate::origin::Origin;
    use crate::slot::{arm, find_by_tid, Snapshot};
    use crate::state_word::task_word;
    use std::panic::Location;

    fn snapshot_here() -> Snapshot {
        local_slot()
            .expect("a slot")
            .snapshot(crate::clock::now_tick())
            .expect("a stable snapshot")
    }

    #[test]
    fn nested_polls_blame_the_innermost_and_restore_the_outer() {
        arm();
        let outer = Origin::location(Location::caller());
        let inner = Origin::named("inner", Location::caller());
        let before = watch_poll(
            &mut PollWords::new(Blame::new(outer, 0), task_word(0)),
            || snapshot_here().poll_id,
        );
        let (first, nested, restored) = watch_poll(
            &mut PollWords::new(Blame::new(outer, 1), task_word(7)),
            || {
                let first = snapshot_here();
                let nested = watch_poll(
                    &mut PollWords::new(Blame::new(inner, 2), task_word(8)),
                    snapshot_here,
                );
                (first, nested, snapshot_here())
            },
        );
        assert_eq!(
            (first.busy, first.origin, first.task_id, first.scope),
            (true, outer, 7, 1)
        );
        assert_eq!(first.poll_id, before + 1);
        assert_eq!(
            (nested.busy, nested.origin, nested.task_id, nested.scope),
            (true, inner, 8, 2)
        );
        assert_eq!(nested.poll_id, first.poll_id, "one poll of the thread");
        assert_eq!(
            (
                restored.busy,
                restored.origin,
                restored.task_id,
                restored.scope
            ),
            (true, outer, 7, 1)
        );
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
    fn a_panicking_poll_leaves_the_thread_idle() {
        arm();
        let origin = Origin::location(Location::caller());
        let outer = std::panic::catch_unwind(|| {
            watch_poll::<()>(
                &mut PollWords::new(Blame::new(origin, 0), task_word(3)),
                || panic!("the poll panics"),
            )
        });
        assert!(outer.is_err());
        assert!(!snapshot_here().busy(), "outermost exit ran on unwind");
        let nested = watch_poll(
            &mut PollWords::new(Blame::new(origin, 5), task_word(4)),
            || {
                let unwound = std::panic::catch_unwind(|| {
                    watch_poll::<()>(
                        &mut PollWords::new(Blame::new(origin, 7), task_word(6)),
                        || panic!("the nested poll panics"),
                    )
                });
                (unwound.is_err(), snapshot_here())
            },
        );
        assert!(nested.0);
        assert_eq!(
            (nested.1.busy, nested.1.task_id, nested.1.scope),
            (true, 4, 5),
            "the outer poll's blame is back after the nested one unwound"
        );
    }

    #[test]
    fn exempt_stretches_are_visible_and_end_with_their_guard() {
        arm();
        let origin = Origin::location(Location::caller());
        watch_poll(
            &mut PollWords::new(Blame::new(origin, 0), task_word(0)),
            || {
                {
                    let _exempt = ExemptGuard::enter();
                    assert_eq!(snapshot_here().exempt, 1);
                }
                assert_eq!(snapshot_here().exempt, 0);
            },
        );
    }

    #[test]
    fn the_signal_handler_finds_a_slot_by_thread_id() {
        arm();
        let origin = Origin::location(Location::caller());
        let slot = watch_poll(
            &mut PollWords::new(Blame::new(origin, 0), task_word(0)),
            || local_slot().expect("a slot"),
        );
        let found = find_by_tid(crate::thread_identity::thread_id()).expect("found");
        assert!(std::ptr::eq(slot, found));
    }
}
