//! State shared by a watchdog's handle, scanner and reporter.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::report::StallReport;
use crate::summary::{Summary, SummaryBuilder, SummaryCounts};

pub(crate) struct Shared {
    pub(crate) stop: AtomicBool,
    pub(crate) scanner_done: AtomicBool,
    reports: Mutex<Vec<StallReport>>,
    max_reports: usize,
    summary: Mutex<SummaryBuilder>,
    pub(crate) dropped: AtomicU64,
    pub(crate) exempt: AtomicU64,
    pub(crate) allowed: AtomicU64,
    pub(crate) scans: AtomicU64,
    pub(crate) sent: AtomicU64,
    pub(crate) processed: AtomicU64,
    pub(crate) next_stall: AtomicU64,
    /// Outermost watched polls started since the watchdog started (scanner).
    pub(crate) watched_polls: AtomicU64,
    /// Whether the "watched nothing" notice has gone out for this watchdog.
    pub(crate) nothing_watched_told: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub(crate) fn new(max_reports: usize) -> Shared {
        Shared {
            stop: AtomicBool::new(false),
            scanner_done: AtomicBool::new(false),
            reports: Mutex::new(Vec::new()),
            max_reports,
            summary: Mutex::new(SummaryBuilder::default()),
            dropped: AtomicU64::new(0),
            exempt: AtomicU64::new(0),
            allowed: AtomicU64::new(0),
            scans: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            processed: AtomicU64::new(0),
            next_stall: AtomicU64::new(1),
            watched_polls: AtomicU64::new(0),
            nothing_watched_told: AtomicBool::new(false),
        }
    }

    /// Keeps a finished report (reporter thread).
    pub(crate) fn record(&self, report: StallReport) {
        lock(&self.summary).record(&report);
        let mut reports = lock(&self.reports);
        if reports.len() < self.max_reports {
            reports.push(report);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn reports(&self) -> Vec<StallReport> {
        lock(&self.reports).clone()
    }

    pub(crate) fn reports_in_scope(&self, scope: u64) -> Vec<StallReport> {
        lock(&self.reports)
            .iter()
            .filter(|report| report.scope == scope)
            .cloned()
            .collect()
    }

    pub(crate) fn summary(&self) -> Summary {
        lock(&self.summary).build(SummaryCounts {
            dropped_reports: self.dropped.load(Ordering::Relaxed),
            exempt: self.exempt.load(Ordering::Relaxed),
            allowed: self.allowed.load(Ordering::Relaxed),
            watched_polls: self.watched_polls.load(Ordering::Relaxed),
        })
    }

    /// Waits until everything that happened before the call is reported: two full scans
    /// (so any poll that has ended is seen to end), then the reporter catching up.
    /// Returns false on timeout.
    pub(crate) fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let scans = self.scans.load(Ordering::Acquire);
        while self.scans.load(Ordering::Acquire) < scans + 2 {
            if self.scanner_done.load(Ordering::Acquire) {
                break;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let sent = self.sent.load(Ordering::Acquire);
        while self.processed.load(Ordering::Acquire) < sent {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }
}
