//! The layout of a slot's state word: whether the thread is in an outermost poll, which
//! poll that is, and when it started (or, once it ended, when it ended), in one 64-bit
//! word, so that entering a poll is one store and leaving it is one store.
//!
//! | bits | what |
//! |---|---|
//! | 63 | [`IDLE`]: set while no outermost poll runs |
//! | 62..32 | the coarse clock's stamp ([`crate::clock`], copied into the slot): the tick at entry while busy, at exit while idle, modulo 2^31 |
//! | 31..0 | the poll id: the slot's outermost polls counted modulo 2^32 |
//!
//! The clock copies each stamp into the slot twice, as is and with the idle bit set,
//! so both words are a copied stamp plus the poll's id: one add on entry, one on exit.
//!
//! The top bit says *idle* rather than busy so that one `test` of two words decides
//! the poll path: a wrapper keeps its task as a [task word](task_word), whose top bit
//! is set once the task is known, and only the AND of an idle state word and a known
//! task has it set ([`runs_inline`]); a busy slot, a thread without a slot and the
//! first poll of a wrapper all take the one out-of-line path.
//!
//! A reader that sees the same word twice has seen one poll, not two of the same id:
//! the id comes round only after 2^32 polls, and then with the same stamp only if
//! those polls took a multiple of 2^31 ticks (24.8 days) to the millisecond.
//!
//! ```text
//! if runs_inline(state, task) {
//!     store(state_word::busy(state_word::next_poll(state), slot.stamp));
//!     // ... the poll ...
//!     store(state_word::ended(poll_id(slot.state), slot.idle_stamp));
//! }
//! ```

/// The top bit of the state word: no outermost poll is running.
pub(crate) const IDLE: u64 = 1 << 63;

/// The poll id field.
const POLL_ID: u64 = u32::MAX as u64;

/// The top bit of a task word: the task is known (tokio task ids stay far below 2^63).
const KNOWN_TASK: u64 = 1 << 63;

/// The task word of a wrapper before its first poll has asked which task polls it.
pub(crate) const UNKNOWN_TASK: u64 = 0;

/// The task word of the tokio task `id` (0 outside a task), as the slot stores it.
#[inline]
pub(crate) fn task_word(id: u64) -> u64 {
    id | KNOWN_TASK
}

/// The task id of a task word that [`task_word`] made.
#[inline]
pub(crate) fn task_id(task: u64) -> u64 {
    task & !KNOWN_TASK
}

/// Whether a poll with task word `task` on a slot whose state word is `state` is the
/// hot case: the slot idle and the task known. One instruction tests both.
#[inline(always)]
pub(crate) fn runs_inline(state: u64, task: u64) -> bool {
    state & task & IDLE != 0
}

/// The id of the poll that follows the idle word `idle`.
#[inline(always)]
pub(crate) fn next_poll(idle: u64) -> u64 {
    // The 32-bit add wraps the id without carrying into the stamp.
    debug_assert!(!is_busy(idle), "entered from a busy word");
    u64::from((idle as u32).wrapping_add(1))
}

/// The word of `poll` (from [`next_poll`]) running since `stamp`, a stamp without the
/// idle bit.
#[inline(always)]
pub(crate) fn busy(poll: u64, stamp: u64) -> u64 {
    // The stamp's low half is zero: adding is or-ing, in one instruction either way.
    debug_assert!(poll <= POLL_ID && stamp & IDLE == 0);
    stamp.wrapping_add(poll)
}

/// The word of the running `poll` once it ended at `idle_stamp`, a stamp with the idle
/// bit set: same id, idle.
// On x86-64 the slot adds its stamp in one instruction instead (`Slot::stamp_plus`).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
pub(crate) fn ended(poll: u64, idle_stamp: u64) -> u64 {
    debug_assert!(poll <= POLL_ID && idle_stamp & IDLE != 0);
    idle_stamp.wrapping_add(poll)
}

/// The id of the poll of `word`, running or ended.
#[inline(always)]
pub(crate) fn poll_id(word: u64) -> u64 {
    word & POLL_ID
}

/// The idle word for the poll of `word`, ended at `stamp` (a stamp without the idle
/// bit).
#[inline]
pub(crate) fn idle(word: u64, stamp: u64) -> u64 {
    stamp | IDLE | poll_id(word)
}

/// The same poll, busy or not, with its stamp replaced by `stamp` (a stamp without the
/// idle bit).
#[inline]
pub(crate) fn restamped(word: u64, stamp: u64) -> u64 {
    stamp | (word & (IDLE | POLL_ID))
}

/// Whether an outermost poll is running.
#[inline(always)]
pub(crate) fn is_busy(word: u64) -> bool {
    word & IDLE == 0
}

/// The word's stamp (to decode with [`crate::clock::tick_of_stamp`]).
#[inline]
pub(crate) fn stamp(word: u64) -> u64 {
    word & !(IDLE | POLL_ID)
}

/// How many polls started between the poll ids `earlier` and `later` (ids wrap), if
/// fewer than 2^32 did.
pub(crate) fn polls_between(earlier: u64, later: u64) -> u64 {
    later.wrapping_sub(earlier) & POLL_ID
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::stamp_of;

    #[test]
    fn a_poll_is_one_word_in_and_one_word_out() {
        let stamp = stamp_of(1234);
        let poll = next_poll(idle(0, 0));
        let running = busy(poll, stamp);
        assert!(is_busy(running));
        assert_eq!((poll_id(running), self::stamp(running)), (1, stamp));
        let done = ended(poll, stamp_of(1240) | IDLE);
        assert!(!is_busy(done));
        assert_eq!((poll_id(done), self::stamp(done)), (1, stamp_of(1240)));
        assert_eq!(done, idle(running, stamp_of(1240)));
        let next = busy(next_poll(done), stamp_of(1240));
        assert_eq!(poll_id(next), 2);
        assert_ne!(next, running);
    }

    #[test]
    fn the_poll_id_wraps_without_touching_the_stamp() {
        let stamp = stamp_of(u64::from(u32::MAX));
        let last = idle(POLL_ID, stamp);
        assert_eq!(poll_id(last), POLL_ID);
        let wrapped = busy(next_poll(last), stamp);
        assert_eq!((poll_id(wrapped), self::stamp(wrapped)), (0, stamp));
        assert!(is_busy(wrapped));
        let done = ended(poll_id(wrapped), stamp_of(5) | IDLE);
        assert_eq!((poll_id(done), self::stamp(done)), (0, stamp_of(5)));
        assert!(!is_busy(done));
        assert_eq!(polls_between(POLL_ID, poll_id(wrapped)), 1);
        assert_eq!(polls_between(POLL_ID - 4, 3), 8);
        assert_eq!(polls_between(5, 5), 0);
    }

    #[test]
    fn restamping_keeps_the_poll_and_its_idle_bit() {
        let running = busy(next_poll(idle(0, 0)), stamp_of(10));
        let later = restamped(running, stamp_of(99));
        assert!(is_busy(later));
        assert_eq!((poll_id(later), self::stamp(later)), (1, stamp_of(99)));
        let done = restamped(idle(running, stamp_of(100)), stamp_of(101));
        assert!(!is_busy(done));
        assert_eq!((poll_id(done), self::stamp(done)), (1, stamp_of(101)));
    }

    #[test]
    fn only_an_idle_slot_and_a_known_task_run_inline() {
        let idle_word = idle(7, stamp_of(3));
        let busy_word = busy(next_poll(idle_word), stamp_of(4));
        for id in [0, 1, u64::from(u32::MAX) + 5] {
            let task = task_word(id);
            assert_eq!(task_id(task), id);
            assert!(runs_inline(idle_word, task));
            assert!(!runs_inline(busy_word, task));
        }
        assert!(!runs_inline(idle_word, UNKNOWN_TASK));
        assert!(!runs_inline(busy_word, UNKNOWN_TASK));
        // A thread without a slot reads a word that is never idle.
        assert!(!runs_inline(0, task_word(1)));
    }
}
