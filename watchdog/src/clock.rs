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

/// The tick, alone on its cache lines: every poll reads it, so a neighbouring static
/// that some thread writes often would make those reads miss.
#[repr(align(128))]
struct Tick(AtomicU64);

static TICK_MS: Tick = Tick(AtomicU64::new(0));
static BASE: OnceLock<Instant> = OnceLock::new();

/// The tick as last published, in milliseconds since the clock's base (poll path).
#[inline(always)]
pub(crate) fn now_tick() -> u64 {
    TICK_MS.0.load(Ordering::Relaxed)
}

/// Reads the real time, publishes it as the new tick and returns it (watchdog thread).
pub(crate) fn advance() -> u64 {
    let base = *BASE.get_or_init(Instant::now);
    let tick = u64::try_from(base.elapsed().as_millis()).unwrap_or(u64::MAX);
    TICK_MS.0.fetch_max(tick, Ordering::Relaxed);
    tick
}

/// Converts a tick difference to a duration.
pub(crate) fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks)
}
