//! The coarse clock: a millisecond tick advanced by the watchdog thread.
//!
//! Reading `Instant::now()` on every poll costs 28-38 ns; copying an atomic tick that
//! another thread keeps current costs well under a nanosecond. The tick only has to be
//! as precise as the scan interval, since that is how often the watchdog looks anyway.
//! (While every thread is idle the watchdog scans, and so advances the tick, less often:
//! see `scanner::idle_interval`.)
//!
//! The poll path reads the tick as a *stamp*: the tick modulo 2^31, already shifted to
//! where a slot's state word keeps it (bits 62..32, see [`crate::state_word`]). Each
//! advance copies the stamp into every slot, as is and with the state word's busy bit
//! set, so that the poll path reads it from its own slot, and a state word is a copied
//! stamp plus the poll id, with no shift or mask on the poll path. A reader
//! turns a stamp back into a tick relative to the current tick ([`tick_of_stamp`]),
//! which is right for any stamp taken less than [`MAX_STAMP_AGE`] ticks (12.4 days)
//! before.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The tick and its stamp (read when a slot is claimed; polls read their slot's copy).
struct Tick {
    ms: AtomicU64,
    stamp: AtomicU64,
}

static TICK: Tick = Tick {
    ms: AtomicU64::new(0),
    stamp: AtomicU64::new(0),
};
static BASE: OnceLock<Instant> = OnceLock::new();

/// How far a stamp sits up in its word: the low half is the slot's poll id.
const STAMP_SHIFT: u32 = 32;

/// How many ticks a stamp tells apart before it wraps.
pub(crate) const STAMP_RANGE: u64 = 1 << 31;

/// Where in a word a stamp is: below the busy bit, above the poll id.
const STAMP_MASK: u64 = (STAMP_RANGE - 1) << STAMP_SHIFT;

/// How old a stamp can be and still decode to its tick: half the stamp's range, the
/// other half being stamps taken after the reader's tick.
pub(crate) const MAX_STAMP_AGE: u64 = STAMP_RANGE / 2;

/// The tick as last published, in milliseconds since the clock's base.
#[cfg(test)]
pub(crate) fn now_tick() -> u64 {
    TICK.ms.load(Ordering::Relaxed)
}

/// The stamp of the tick as last published (a slot copies it when claimed).
#[inline]
pub(crate) fn now_stamp() -> u64 {
    TICK.stamp.load(Ordering::Relaxed)
}

/// The stamp of `tick`: its low 31 bits, where a state word keeps them.
#[inline]
pub(crate) fn stamp_of(tick: u64) -> u64 {
    (tick << STAMP_SHIFT) & STAMP_MASK
}

/// The tick `stamp` was taken at, known to be at most [`MAX_STAMP_AGE`] ticks before
/// `now`. A stamp from after `now` (another watchdog advanced the clock meanwhile)
/// counts as `now`.
///
/// ```text
/// assert_eq!(tick_of_stamp(stamp_of(2_147_483_640), 2_147_483_650), 2_147_483_640);
/// ```
pub(crate) fn tick_of_stamp(stamp: u64, now: u64) -> u64 {
    let age = (stamp_of(now).wrapping_sub(stamp) & STAMP_MASK) >> STAMP_SHIFT;
    if age >= MAX_STAMP_AGE {
        now
    } else {
        now.saturating_sub(age)
    }
}

/// Reads the real time, publishes it as the new tick (and its stamp to every slot) and
/// returns it (watchdog thread).
pub(crate) fn advance() -> u64 {
    let base = *BASE.get_or_init(Instant::now);
    let tick = u64::try_from(base.elapsed().as_millis()).unwrap_or(u64::MAX);
    let latest = TICK.ms.fetch_max(tick, Ordering::Relaxed).max(tick);
    // Two watchdogs advancing at once may leave the older of their two ticks here for
    // one scan: a poll is then dated a tick early, never late.
    TICK.stamp.store(stamp_of(latest), Ordering::Relaxed);
    crate::slot::publish_stamp(stamp_of(latest));
    tick
}

/// Converts a tick difference to a duration.
pub(crate) fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_decode_across_the_wrap_of_their_31_bits() {
        let wrap = STAMP_RANGE;
        // Taken just before the truncated field wrapped, read just after.
        assert_eq!(tick_of_stamp(stamp_of(wrap - 10), wrap + 5), wrap - 10);
        // Taken after the second wrap, read later.
        assert_eq!(
            tick_of_stamp(stamp_of(3 * wrap + 7), 3 * wrap + 7),
            3 * wrap + 7
        );
        assert_eq!(
            tick_of_stamp(stamp_of(3 * wrap + 7), 3 * wrap + 900),
            3 * wrap + 7
        );
        // The oldest stamp that still decodes, and a young process.
        let now = 5 * wrap + 123;
        let oldest = now - (MAX_STAMP_AGE - 1);
        assert_eq!(tick_of_stamp(stamp_of(oldest), now), oldest);
        assert_eq!(tick_of_stamp(stamp_of(0), 40), 0);
    }

    #[test]
    fn a_stamp_from_after_the_readers_tick_counts_as_now() {
        let wrap = STAMP_RANGE;
        assert_eq!(tick_of_stamp(stamp_of(1_005), 1_000), 1_000);
        assert_eq!(tick_of_stamp(stamp_of(wrap + 2), wrap - 3), wrap - 3);
        // Never below zero, whatever the stamp.
        assert_eq!(tick_of_stamp(stamp_of(wrap - 1), 0), 0);
    }

    #[test]
    fn advancing_publishes_the_stamp_of_the_tick_to_every_slot() {
        // No other unit test advances the clock, so the published tick is this one's.
        let first = advance();
        std::thread::sleep(Duration::from_millis(2));
        let tick = advance();
        assert!(tick > first);
        assert_eq!(now_tick(), tick);
        assert_eq!(tick_of_stamp(now_stamp(), tick), tick);
        // A claimed slot dates its polls by its copy of the latest stamp.
        let slot = crate::slot::claim().expect("a free slot");
        let origin = crate::origin::Origin::location(std::panic::Location::caller());
        let blame = crate::blame::Blame::new(origin, 0);
        slot.enter_idle(
            slot.state_on_owner(),
            blame,
            crate::state_word::task_word(1),
        );
        let busy = slot.snapshot(tick).expect("a stable snapshot");
        assert_eq!((busy.busy, busy.start_tick), (true, tick));
        std::thread::sleep(Duration::from_millis(2));
        let ended = advance();
        assert!(ended > tick);
        slot.exit_running();
        let idle = slot.snapshot(ended).expect("a stable snapshot");
        assert_eq!(
            idle.ended,
            Some((busy.poll_id, ended)),
            "ended at the new tick"
        );
        crate::slot::release(slot);
    }
}
