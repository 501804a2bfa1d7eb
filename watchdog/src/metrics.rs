//! Stalls as metrics (feature `metrics`), through the `metrics` facade, so that the
//! Prometheus or OpenTelemetry exporter a service already runs picks them up.
//!
//! - `blockwatch_stalls_total` (counter): one per stall, when it ends;
//! - `blockwatch_blocked_seconds` (histogram): how long each stall held its thread.
//!
//! Both are labelled `site` (the task or fn and its location, as in the summary) and
//! `kind` (`fn`, `task`, `spawn` or `unknown`: see the README). Sites are bounded by the
//! code (routes are templates, task names are interned roles), so the labels are too.

use crate::report::StallReport;

/// The counter of stalls.
pub const STALLS_TOTAL: &str = "blockwatch_stalls_total";
/// The histogram of blocked seconds.
pub const BLOCKED_SECONDS: &str = "blockwatch_blocked_seconds";

/// Records a stall once, from its final report.
pub(crate) fn record(report: &StallReport) {
    if report.still_blocked {
        return;
    }
    let labels = [
        ("site", report.site.clone()),
        ("kind", report.kind.to_owned()),
    ];
    metrics::counter!(STALLS_TOTAL, &labels).increment(1);
    metrics::histogram!(BLOCKED_SECONDS, &labels).record(report.elapsed.as_secs_f64());
}
