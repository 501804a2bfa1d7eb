//! Shared helpers: one watchdog per process, so the tests of a file take turns.

#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use blockwatch_watchdog::{Builder, Console, StallReport, Watchdog};

/// The stall threshold of the tests: long enough to ignore scheduling noise.
pub const THRESHOLD: Duration = Duration::from_millis(60);

/// How long any wait in the tests may take before it counts as a failure.
pub const PATIENCE: Duration = Duration::from_secs(20);

static TURN: Mutex<()> = Mutex::new(());

/// Waits for this test's turn with the process's one watchdog.
pub fn turn() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A quiet, enabled builder with the test threshold.
pub fn builder() -> Builder {
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
