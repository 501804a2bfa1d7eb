//! The layout of a slot's state word: whether the thread is in an outermost poll, which
//! poll that is, and when it started (or, once it ended, when it ended), in one 64-bit
//! word, so that entering a poll is one store and leaving it is one store.
//!
//! | bits | what |
//! |---|---|
//! | 63..32 | the coarse clock's stamp ([`crate::clock::now_stamp`]): the tick at entry while busy, at exit while idle, modulo 2^32 |
//! | 31..1 | the poll id: the slot's outermost polls counted modulo 2^31 |
//! | 0 | [`BUSY`] |
//!
//! A reader that sees the same word twice has seen one poll, not two of the same id:
//! the id comes round only after 2^31 polls, and then with the same stamp only if
//! those polls took a multiple of 2^32 ticks (49.7 days) to the millisecond.
//!
//! ```text
//! let busy = state_word::entered(idle, clock::now_stamp());
//! // ... the poll ...
//! let idle = state_word::idle(busy, clock::now_stamp());
//! ```

/// The low bit of the state word: an outermost poll is running.
pub(crate) const BUSY: u64 = 1;

/// The poll id and the busy bit; the stamp is everything above.
const ID_AND_BUSY: u64 = u32::MAX as u64;

/// The poll id field once shifted down: ids count modulo `ID_MASK + 1`.
const ID_MASK: u64 = ID_AND_BUSY >> 1;

/// The word of the next poll, entered at `stamp`, after the idle word `idle` (busy bit
/// clear): the next id, busy.
#[inline(always)]
pub(crate) fn entered(idle: u64, stamp: u64) -> u64 {
    // With the busy bit clear, `+ 3` is "next id (+ 2), busy (+ 1)"; the 32-bit add
    // wraps the id without carrying into the stamp.
    debug_assert!(!is_busy(idle), "entered from a busy word");
    stamp | u64::from((idle as u32).wrapping_add(3))
}

/// The idle word for the poll of `word`, ended (or restamped) at `stamp`.
#[inline(always)]
pub(crate) fn idle(word: u64, stamp: u64) -> u64 {
    stamp | (word & ID_AND_BUSY & !BUSY)
}

/// The same poll, busy or not, with its stamp replaced by `stamp`.
#[inline]
pub(crate) fn restamped(word: u64, stamp: u64) -> u64 {
    stamp | (word & ID_AND_BUSY)
}

/// Whether an outermost poll is running.
#[inline(always)]
pub(crate) fn is_busy(word: u64) -> bool {
    word & BUSY != 0
}

/// The id of the running poll (busy) or the latest one that ended (idle).
#[inline]
pub(crate) fn poll_id(word: u64) -> u64 {
    (word & ID_AND_BUSY) >> 1
}

/// The word's stamp (to decode with [`crate::clock::tick_of_stamp`]).
#[inline]
pub(crate) fn stamp(word: u64) -> u64 {
    word & !ID_AND_BUSY
}

/// How many polls started between the poll ids `earlier` and `later` (ids wrap), if
/// fewer than 2^31 did.
pub(crate) fn polls_between(earlier: u64, later: u64) -> u64 {
    later.wrapping_sub(earlier) & ID_MASK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::stamp_of;

    #[test]
    fn a_poll_is_one_word_in_and_one_word_out() {
        let stamp = stamp_of(1234);
        let busy = entered(idle(0, 0), stamp);
        assert!(is_busy(busy));
        assert_eq!((poll_id(busy), self::stamp(busy)), (1, stamp));
        let ended = idle(busy, stamp_of(1240));
        assert!(!is_busy(ended));
        assert_eq!((poll_id(ended), self::stamp(ended)), (1, stamp_of(1240)));
        let next = entered(ended, stamp_of(1240));
        assert_eq!(poll_id(next), 2);
        assert_ne!(next, busy);
    }

    #[test]
    fn the_poll_id_wraps_without_touching_the_stamp() {
        let stamp = stamp_of(u64::from(u32::MAX));
        let last = idle(ID_MASK << 1, stamp);
        assert_eq!(poll_id(last), ID_MASK);
        let wrapped = entered(last, stamp);
        assert_eq!((poll_id(wrapped), self::stamp(wrapped)), (0, stamp));
        assert!(is_busy(wrapped));
        assert_eq!(polls_between(ID_MASK, poll_id(wrapped)), 1);
        assert_eq!(polls_between(ID_MASK - 4, 3), 8);
        assert_eq!(polls_between(5, 5), 0);
    }

    #[test]
    fn restamping_keeps_the_poll_and_its_busy_bit() {
        let busy = entered(0, stamp_of(10));
        let later = restamped(busy, stamp_of(99));
        assert!(is_busy(later));
        assert_eq!((poll_id(later), self::stamp(later)), (1, stamp_of(99)));
    }
}
