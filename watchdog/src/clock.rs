//! The coarse clock: a millisecond tick advanced by the watchdog thread.
//!
//! Reading `Instant::now()` on every poll costs 28-38 ns; copying an atomic tick that
//! another thread keeps current costs well under a nanosecond. The tick only has to be
//! as precise as the scan interval, since that is how often the watchdog looks anyway.
//! (While every thread is idle the watchdog scans, and so advances the tick, less often:
//! see `scanner::idle_interval`.)

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static TICK_MS: AtomicU64 = AtomicU64::new(0);
static BASE: OnceLock<Instant> = OnceLock::new();

/// The tick as last published, in milliseconds since the clock's base (poll path).
#[inline]
pub(crate) fn now_tick() -> u64 {
    TICK_MS.load(Ordering::Relaxed)
}

/// Reads the real time, publishes it as the new tick and returns it (watchdog thread).
pub(crate) fn advance() -> u64 {
    let base = *BASE.get_or_init(Instant::now);
    let tick = u64::try_from(base.elapsed().as_millis()).unwrap_or(u64::MAX);
    TICK_MS.fetch_max(tick, Ordering::Relaxed);
    tick
}

/// Converts a tick difference to a duration.
pub(crate) fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks)
}
