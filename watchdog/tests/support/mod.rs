//! Shared helpers: one watchdog per process, so the tests of a file take turns; an
//! environment the tests control; stalls held until their report is in.

#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use blockwatch_watchdog::{
    Builder, Console, StallReport, Watchdog, ENV_ENABLE, ENV_REPORT, ENV_THRESHOLD_MS,
};

/// The stall threshold of the tests: long enough to ignore scheduling noise.
pub const THRESHOLD: Duration = Duration::from_millis(60);

/// How long any wait in the tests may take before it counts as a failure.
pub const PATIENCE: Duration = Duration::from_secs(20);

static TURN: Mutex<()> = Mutex::new(());

/// How late a live report may come, past the threshold: far above what scheduling
/// noise on a loaded machine adds, far below a report that comes only when the stall
/// ends. Not a timing claim (those are benchmarks), a bound on a regression.
pub const LIVE_LATENESS: Duration = Duration::from_secs(2);

/// Scans to wait for before asserting that nothing was reported: at the default 2 ms
/// interval, twice the threshold; scans while every thread is idle are sparser, so
/// this is at least as long.
pub const SILENCE_SCANS: u64 = 60;

/// Set in the environment of a test process that a test of this suite started on
/// purpose with the environment it chose (see [`hermetic`]).
pub const CHILD_MARKER: &str = "BLOCKWATCH_TEST_CHILD";

/// Removes the watchdog's variables (`BLOCKWATCH`, `BLOCKWATCH_THRESHOLD_MS`,
/// `BLOCKWATCH_REPORT`) from this test process once, so a value in the shell that runs
/// the suite cannot switch the watchdog off, change its threshold or redirect its
/// reports. A child process started by a test with [`CHILD_MARKER`] keeps the values its
/// parent chose. The environment is read through std only (which locks it), so
/// removing it while other test threads run is sound.
pub fn hermetic() {
    static CLEAR: Once = Once::new();
    CLEAR.call_once(|| {
        if std::env::var_os(CHILD_MARKER).is_none() {
            for name in [ENV_ENABLE, ENV_THRESHOLD_MS, ENV_REPORT] {
                std::env::remove_var(name);
            }
        }
    });
}

/// Waits for this test's turn with the process's one watchdog.
pub fn turn() -> MutexGuard<'static, ()> {
    hermetic();
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starting a test watchdog: it must run, or a test that expects silence would pass
/// with the watchdog off.
pub trait StartEnabled {
    /// Starts the watchdog and asserts that it is enabled.
    fn start_enabled(self) -> Watchdog;
}

impl StartEnabled for Builder {
    fn start_enabled(self) -> Watchdog {
        let watchdog = self.start().expect("the watchdog starts");
        assert!(watchdog.is_enabled(), "the test watchdog is enabled");
        watchdog
    }
}

/// Asserts that a live report came after the stall passed `threshold`, and at most
/// [`LIVE_LATENESS`] later.
pub fn assert_live_in_time(live: &StallReport, threshold: Duration) {
    assert!(live.still_blocked, "{live}");
    assert!(
        live.elapsed >= threshold,
        "reported before the threshold ({threshold:?}): {live}"
    );
    assert!(
        live.elapsed <= threshold + LIVE_LATENESS,
        "reported {:?} after the threshold: {live}",
        live.elapsed - threshold
    );
}

/// Waits for `scans` more complete scans, so that an assertion of silence follows a
/// watchdog that has looked (a stall held through them would have been seen).
pub fn wait_for_scans(watchdog: &Watchdog, scans: u64) {
    assert!(
        watchdog.wait_for_scans(scans, PATIENCE),
        "the watchdog did not scan {scans} times in {PATIENCE:?}"
    );
}

/// Names of the tasks the watchdog has reported live, fed by its callback: a stalling
/// task holds its thread until its own name is in, so that no stall is too short to be
/// seen however slowly a loaded machine schedules the watchdog thread.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<HashSet<String>>>);

impl Seen {
    pub fn observe(&self, report: &StallReport) {
        if report.still_blocked {
            self.0.lock().unwrap().insert(report.task.clone());
        }
    }

    pub fn contains(&self, task: &str) -> bool {
        self.0.lock().unwrap().contains(task)
    }

    /// A builder whose callback feeds this set.
    pub fn builder(&self) -> Builder {
        let seen = self.clone();
        builder().on_stall(move |report| seen.observe(report))
    }

    /// Blocks the thread with `block` (a blocking call of some length) until `task`
    /// has been reported live, at most for [`PATIENCE`].
    pub fn hold_until_seen_with(&self, task: &str, mut block: impl FnMut()) {
        let start = Instant::now();
        while !self.contains(task) && start.elapsed() < PATIENCE {
            block();
        }
    }
}

/// A quiet, enabled builder with the test threshold, in an environment the test
/// controls (see [`hermetic`]).
pub fn builder() -> Builder {
    hermetic();
    Watchdog::builder()
        .enabled(true)
        .threshold(THRESHOLD)
        .console(Console::Never)
        .capture_timeout(Duration::from_secs(2))
}

/// Tells a blocking task when the watchdog has reported it live, and records whether
/// the task had already finished at that moment.
#[derive(Clone, Default)]
pub struct Probe {
    pub seen_live: Arc<AtomicBool>,
    pub finished: Arc<AtomicBool>,
    pub finished_when_seen: Arc<Mutex<Option<bool>>>,
}

impl Probe {
    /// A builder whose callback feeds this probe.
    pub fn builder(&self) -> Builder {
        let probe = self.clone();
        builder().on_stall(move |report| probe.observe(report))
    }

    fn observe(&self, report: &StallReport) {
        if report.still_blocked {
            let mut first = self.finished_when_seen.lock().unwrap();
            if first.is_none() {
                *first = Some(self.finished.load(Ordering::SeqCst));
            }
            self.seen_live.store(true, Ordering::SeqCst);
        }
    }

    /// Runs `block` until the live report has come in (at most for [`PATIENCE`]), then
    /// marks the task finished. Each call of `block` blocks on its own for 300 ms.
    pub fn block_until_seen(&self, mut block: impl FnMut()) {
        let start = Instant::now();
        loop {
            block();
            if self.seen_live.load(Ordering::SeqCst) || start.elapsed() > PATIENCE {
                break;
            }
        }
        self.finished.store(true, Ordering::SeqCst);
    }

    /// Whether the first live report arrived while the task was still running.
    pub fn reported_while_running(&self) -> bool {
        *self.finished_when_seen.lock().unwrap() == Some(false)
    }
}

/// The first live and the first final report of the watchdog.
pub fn live_and_final(watchdog: &Watchdog) -> (StallReport, StallReport) {
    let live = watchdog
        .wait_for_report(PATIENCE, |report| report.still_blocked)
        .expect("a live report");
    let done = watchdog
        .wait_for_report(PATIENCE, |report| !report.still_blocked)
        .expect("a final report");
    (live, done)
}

/// Waits for a child process this suite started, killing it and failing the test if
/// it runs longer than [`PATIENCE`].
pub fn wait_child(child: &mut std::process::Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return status;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child process did not finish in {PATIENCE:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub fn multi_thread(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}
