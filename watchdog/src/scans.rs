//! The count of completed scans: lets a test wait until the watchdog has looked at
//! every thread a given number of times before it asserts that nothing was reported,
//! instead of sleeping and hoping the watchdog thread was scheduled meanwhile.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::watchdog::Watchdog;

impl Watchdog {
    /// How many scans of every thread's slot the watchdog has completed since it
    /// started (always 0 when it is disabled). A stall that lasts through two scans
    /// after it passed the threshold has been seen.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// assert_eq!(watchdog.scans_completed(), 0);
    /// ```
    pub fn scans_completed(&self) -> u64 {
        self.core().shared.scans.load(Ordering::Acquire)
    }

    /// Waits up to `timeout` until `count` more scans have completed than when called.
    /// Returns false on timeout, and at once when the watchdog is disabled (it never
    /// scans).
    ///
    /// ```
    /// use std::time::Duration;
    /// let watchdog = blockwatch_watchdog::Watchdog::builder()
    ///     .enabled(true)
    ///     .console(blockwatch_watchdog::Console::Never)
    ///     .start()
    ///     .unwrap();
    /// // False at once if `BLOCKWATCH=0` disabled it.
    /// let scanned = watchdog.wait_for_scans(3, Duration::from_secs(10));
    /// assert_eq!(scanned, watchdog.is_enabled());
    /// ```
    pub fn wait_for_scans(&self, count: u64, timeout: Duration) -> bool {
        if !self.is_enabled() {
            return false;
        }
        let deadline = Instant::now() + timeout;
        let target = self.scans_completed() + count;
        while self.scans_completed() < target {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }
}
