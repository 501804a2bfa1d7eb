//! The watchdog handle: starts the scanner and reporter threads, stops them on drop.

use std::fmt;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::allow::AllowList;
use crate::error::{Stalls, StartError};
use crate::report::StallReport;
use crate::reporter;
use crate::scanner::{ScanSettings, Scanner};
use crate::settings::Settings;
use crate::shared::Shared;
use crate::sinks::Sinks;
use crate::slot;
use crate::stack;
use crate::summary::Summary;

/// How many stalls may wait for the reporter before new ones are dropped (and counted).
const REPORT_QUEUE: usize = 4096;

/// How long `flush`-like waits give the threads before giving up. Generous: the first
/// symbolization loads debug info, which takes seconds on a loaded machine.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);

/// The running watchdog of this process, if any.
static ACTIVE: Mutex<Weak<Core>> = Mutex::new(Weak::new());

fn active() -> MutexGuard<'static, Weak<Core>> {
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) struct Core {
    pub(crate) shared: Arc<Shared>,
    threshold: Duration,
    enabled: bool,
    threads: Mutex<Option<Threads>>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("enabled", &self.enabled)
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

struct Threads {
    scanner: JoinHandle<()>,
    reporter: JoinHandle<()>,
}

impl Core {
    /// Stops both threads (idempotent): the scanner sends the reporter its last word.
    fn stop(&self) {
        let threads = self
            .threads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(threads) = threads {
            self.shared
                .stop
                .store(true, std::sync::atomic::Ordering::Release);
            threads.scanner.thread().unpark();
            let _ = threads.scanner.join();
            let _ = threads.reporter.join();
        }
    }

    /// Waits until what happened so far is reported (see `Shared::flush`).
    pub(crate) fn flush(&self) -> bool {
        !self.enabled || self.shared.flush(FLUSH_TIMEOUT)
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled
    }
}

/// The runtime watchdog: one OS thread that notices, while it happens, a poll holding
/// its thread longer than the threshold, and reports it with the stack of the
/// blocking code.
///
/// There is one watchdog per process: starting a second while the first runs is
/// [`StartError::AlreadyRunning`]. Dropping the handle stops the threads and emits the
/// summary. In release builds the watchdog is off unless enabled with
/// [`Builder::enabled`](crate::Builder::enabled) or `BLOCKWATCH=1`; `BLOCKWATCH=0` turns it off everywhere.
///
/// What it watches: futures wrapped by [`spawn`](crate::spawn),
/// [`spawn_named`](crate::spawn_named), [`WatchExt::watched`](crate::WatchExt::watched)
/// and `#[blockwatch::no_blocking]`, and, with `--cfg tokio_unstable`, every task of a
/// runtime built through `instrument`.
///
/// For readable stacks in optimized builds, give the profile that runs the watchdog
/// `debug = "line-tables-only"`: otherwise inlined async bodies vanish from the stack.
///
/// ```
/// use std::time::Duration;
/// use blockwatch_watchdog::Watchdog;
///
/// let watchdog = Watchdog::builder()
///     .threshold(Duration::from_millis(100))
///     .start()
///     .expect("no other watchdog runs");
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let two = runtime.block_on(async { blockwatch_watchdog::spawn(async { 1 + 1 }).await });
/// assert_eq!(two.unwrap(), 2);
/// watchdog.assert_no_stalls();
/// ```
pub struct Watchdog {
    core: Arc<Core>,
}

impl fmt::Debug for Watchdog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watchdog")
            .field("enabled", &self.core.enabled)
            .field("threshold", &self.core.threshold)
            .finish_non_exhaustive()
    }
}

impl Watchdog {
    pub(crate) fn start_with(settings: Settings) -> Result<Watchdog, StartError> {
        let enabled = settings.enabled;
        let shared = Arc::new(Shared::new(settings.max_reports));
        if !enabled {
            return Ok(Watchdog {
                core: Arc::new(Core {
                    shared,
                    threshold: settings.threshold,
                    enabled,
                    threads: Mutex::new(None),
                }),
            });
        }
        let mut active = active();
        if active.upgrade().is_some() {
            return Err(StartError::AlreadyRunning);
        }
        let signal = if settings.capture_stacks && stack::SUPPORTED {
            let signal = settings.stack_signal.unwrap_or_else(stack::default_signal);
            stack::install(signal)?;
            Some(signal)
        } else {
            None
        };
        let sinks = Sinks::open(&settings)?;
        let (sender, receiver) = mpsc::sync_channel(REPORT_QUEUE);
        let reporter = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("blockwatch-reporter".to_owned())
                .spawn(move || reporter::run(receiver, shared, sinks))
                .map_err(StartError::Spawn)?
        };
        let scan = ScanSettings {
            threshold: settings.threshold,
            interval: settings.scan_interval,
            capture_timeout: settings.capture_timeout,
            signal,
            allow: AllowList::new(settings.allow.clone()),
            summary_on_drop: settings.summary_on_drop,
            started_in_runtime: tokio::runtime::Handle::try_current().is_ok(),
        };
        let scanner = Scanner::new(Arc::clone(&shared), sender, scan);
        let scanner = std::thread::Builder::new()
            .name("blockwatch".to_owned())
            .spawn(move || scanner.run())
            .map_err(StartError::Spawn)?;
        slot::arm();
        let core = Arc::new(Core {
            shared,
            threshold: settings.threshold,
            enabled,
            threads: Mutex::new(Some(Threads { scanner, reporter })),
        });
        *active = Arc::downgrade(&core);
        Ok(Watchdog { core })
    }

    /// The running watchdog of this process, if any (used by test support).
    pub(crate) fn active_core() -> Option<Arc<Core>> {
        active().upgrade()
    }

    pub(crate) fn core(&self) -> &Arc<Core> {
        &self.core
    }

    /// Whether the watchdog is running (false when disabled by build or environment).
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// assert!(!watchdog.is_enabled());
    /// ```
    pub fn is_enabled(&self) -> bool {
        self.core.enabled
    }

    /// The stall threshold in force (after the environment).
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// println!("{:?}", watchdog.threshold());
    /// ```
    pub fn threshold(&self) -> Duration {
        self.core.threshold
    }

    /// Every report so far (live and final), oldest first.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// assert!(watchdog.reports().is_empty());
    /// ```
    pub fn reports(&self) -> Vec<StallReport> {
        self.core.shared.reports()
    }

    /// Stalls by site so far, with dropped, exempt and allowed counts.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// println!("{}", watchdog.summary());
    /// ```
    pub fn summary(&self) -> Summary {
        self.core.shared.summary()
    }

    /// Waits (up to 30 s) until every poll that ended before this call has
    /// been seen and reported. Returns false if the watchdog did not catch up in time.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// assert!(watchdog.flush());
    /// ```
    pub fn flush(&self) -> bool {
        self.core.flush()
    }

    /// Waits up to `timeout` for a report matching `predicate` and returns it.
    ///
    /// ```
    /// use std::time::Duration;
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// let live = watchdog.wait_for_report(Duration::from_millis(1), |report| report.still_blocked);
    /// assert!(live.is_none());
    /// ```
    pub fn wait_for_report<P>(&self, timeout: Duration, mut predicate: P) -> Option<StallReport>
    where
        P: FnMut(&StallReport) -> bool,
    {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(report) = self.reports().into_iter().find(|report| predicate(report)) {
                return Some(report);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// `Ok` if nothing stalled so far, otherwise every report. Flushes first, so a
    /// stall that just ended is included.
    ///
    /// # Errors
    /// [`Stalls`] listing every report.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// assert!(watchdog.check().is_ok());
    /// ```
    pub fn check(&self) -> Result<(), Stalls> {
        self.flush();
        let reports = self.reports();
        if reports.is_empty() {
            Ok(())
        } else {
            Err(Stalls::new(reports))
        }
    }

    /// Panics, listing every report, if anything stalled so far.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// watchdog.assert_no_stalls();
    /// ```
    #[track_caller]
    pub fn assert_no_stalls(&self) {
        if let Err(stalls) = self.check() {
            panic!("{stalls}");
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.core.stop();
        let mut active = active();
        if active.ptr_eq(&Arc::downgrade(&self.core)) {
            *active = Weak::new();
        }
    }
}
