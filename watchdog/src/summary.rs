//! The summary of a watchdog's run: stalls by site.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::report::StallReport;

/// Stalls of one site (task name or location).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteSummary {
    /// The task and its location, as in reports.
    pub site: String,
    /// How many stalls.
    pub count: u64,
    /// The longest one.
    pub worst: Duration,
    /// Their total duration.
    pub total: Duration,
}

/// What a watchdog saw over its whole run.
///
/// ```
/// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
/// let summary = watchdog.summary();
/// assert_eq!(summary.stalls(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Stalls grouped by site, most total blocked time first.
    pub sites: Vec<SiteSummary>,
    /// Reports lost because a bounded buffer was full.
    pub dropped_reports: u64,
    /// Long polls not reported because they ran inside `blockwatch::block_in_place`.
    pub exempt: u64,
    /// Long polls not reported because their site is on the allow-list.
    pub allowed: u64,
    /// Outermost polls of watched futures (wrappers, `#[no_blocking]` fns, tasks of an
    /// instrumented runtime) that started while this watchdog ran. Zero means it
    /// watched nothing: no stall could have been seen.
    pub watched_polls: u64,
}

impl Summary {
    /// The number of stalls, all sites together.
    ///
    /// ```
    /// assert_eq!(blockwatch_watchdog::Summary::default().stalls(), 0);
    /// ```
    pub fn stalls(&self) -> u64 {
        self.sites.iter().map(|site| site.count).sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: Duration = self.sites.iter().map(|site| site.total).sum();
        write!(
            f,
            "{} stall(s), {:.2} s of blocked executor time",
            self.stalls(),
            total.as_secs_f64()
        )?;
        for site in &self.sites {
            write!(
                f,
                "\n  {:>4} x {} (worst {:.3} s, total {:.3} s)",
                site.count,
                site.site,
                site.worst.as_secs_f64(),
                site.total.as_secs_f64()
            )?;
        }
        if self.exempt > 0 || self.allowed > 0 {
            write!(
                f,
                "\n  not reported: {} in block_in_place, {} allow-listed",
                self.exempt, self.allowed
            )?;
        }
        if self.dropped_reports > 0 {
            write!(
                f,
                "\n  {} report(s) dropped: buffer full",
                self.dropped_reports
            )?;
        }
        Ok(())
    }
}

/// The counters a summary reports besides its sites.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SummaryCounts {
    pub(crate) dropped_reports: u64,
    pub(crate) exempt: u64,
    pub(crate) allowed: u64,
    pub(crate) watched_polls: u64,
}

/// Builds a [`Summary`] from the stream of reports: each stall counts once, with its
/// final duration, or its last known one if the watchdog stopped while it was live.
#[derive(Default)]
pub(crate) struct SummaryBuilder {
    open: BTreeMap<u64, (String, Duration)>,
    sites: BTreeMap<String, SiteSummary>,
}

impl SummaryBuilder {
    pub(crate) fn record(&mut self, report: &StallReport) {
        let site = report.site.clone();
        if report.still_blocked {
            self.open.insert(report.stall_id, (site, report.elapsed));
        } else {
            self.open.remove(&report.stall_id);
            self.add(site, report.elapsed);
        }
    }

    fn add(&mut self, site: String, elapsed: Duration) {
        let entry = self.sites.entry(site.clone()).or_insert(SiteSummary {
            site,
            count: 0,
            worst: Duration::ZERO,
            total: Duration::ZERO,
        });
        entry.count += 1;
        entry.worst = entry.worst.max(elapsed);
        entry.total += elapsed;
    }

    pub(crate) fn build(&self, counts: SummaryCounts) -> Summary {
        let mut closed = SummaryBuilder {
            open: BTreeMap::new(),
            sites: self.sites.clone(),
        };
        for (site, elapsed) in self.open.values() {
            closed.add(site.clone(), *elapsed);
        }
        let mut sites: Vec<SiteSummary> = closed.sites.into_values().collect();
        sites.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.site.cmp(&b.site)));
        Summary {
            sites,
            dropped_reports: counts.dropped_reports,
            exempt: counts.exempt,
            allowed: counts.allowed,
            watched_polls: counts.watched_polls,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(stall_id: u64, site: &str, millis: u64, still_blocked: bool) -> StallReport {
        StallReport {
            task: site.to_owned(),
            task_id: None,
            location: None,
            thread: "worker".to_owned(),
            worker: Some(0),
            elapsed: Duration::from_millis(millis),
            still_blocked,
            backtrace: Vec::new(),
            backtrace_note: None,
            symbolized: true,
            update: false,
            scope: 0,
            stall_id,
            site: site.to_owned(),
            kind: "task",
        }
    }

    #[test]
    fn each_stall_counts_once_with_its_final_duration() {
        let mut builder = SummaryBuilder::default();
        builder.record(&report(1, "a", 100, true));
        builder.record(&report(1, "a", 300, false));
        builder.record(&report(2, "a", 200, false));
        builder.record(&report(3, "b", 900, true)); // still live when summarized
        let summary = builder.build(SummaryCounts {
            dropped_reports: 4,
            exempt: 5,
            allowed: 6,
            watched_polls: 7,
        });
        assert_eq!(summary.stalls(), 3);
        assert_eq!(summary.sites[0].site, "b", "most blocked time first");
        let a = &summary.sites[1];
        assert_eq!(
            (a.count, a.worst, a.total),
            (2, Duration::from_millis(300), Duration::from_millis(500))
        );
        assert_eq!(
            (
                summary.dropped_reports,
                summary.exempt,
                summary.allowed,
                summary.watched_polls
            ),
            (4, 5, 6, 7)
        );
        assert!(summary.to_string().contains("4 report(s) dropped"));
    }
}
