//! The watchdog as the benchmarks run it: enabled, silent, no summary.

use std::time::Duration;

/// A watchdog builder for benchmarks: enabled in any build, no console or `tracing`
/// output, no summary on drop, the given threshold and the default scan interval.
///
/// ```
/// let watchdog = blockwatch_benches::watchdog::quiet(std::time::Duration::from_millis(100))
///     .start()
///     .unwrap();
/// // On in any build; only `BLOCKWATCH=0` in the environment switches it off.
/// assert!(watchdog.is_enabled() || std::env::var_os("BLOCKWATCH").is_some());
/// ```
pub fn quiet(threshold: Duration) -> blockwatch::Builder {
    blockwatch::Watchdog::builder()
        .enabled(true)
        .threshold(threshold)
        .console(blockwatch::Console::Never)
        .tracing(false)
        .summary_on_drop(false)
}

/// Starts and stops one watchdog, so that the one-time costs (loading debug info for
/// symbolization, the unwinder's first use) are paid before anything is timed.
///
/// # Errors
/// The watchdog's [`blockwatch::StartError`].
///
/// ```
/// blockwatch_benches::watchdog::warm_up().unwrap();
/// ```
pub fn warm_up() -> Result<(), blockwatch::StartError> {
    let watchdog = quiet(Duration::from_millis(100)).start()?;
    // The reporter thread loads debug info at start; give it time to finish.
    std::thread::sleep(Duration::from_millis(300));
    drop(watchdog);
    Ok(())
}
