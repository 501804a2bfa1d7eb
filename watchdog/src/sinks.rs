//! Where reports go: tracing, the console, a JSON-lines file, a callback.

use std::fs::{File, OpenOptions};
use std::io::Write;

use tracing::Level;

use crate::error::StartError;
use crate::notice;
use crate::report::StallReport;
use crate::settings::{Callback, Console, Settings};
use crate::summary::Summary;

/// The report outputs of one watchdog, owned by its reporter thread.
pub(crate) struct Sinks {
    console: Console,
    tracing: bool,
    json: Option<File>,
    callback: Option<Callback>,
}

impl Sinks {
    pub(crate) fn open(settings: &Settings) -> Result<Sinks, StartError> {
        let json = match &settings.json_path {
            Some(path) => Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(StartError::ReportFile)?,
            ),
            None => None,
        };
        Ok(Sinks {
            console: settings.console,
            tracing: settings.tracing,
            json,
            callback: settings.callback.clone(),
        })
    }

    /// Whether text at `level` goes to stderr: always, never, or (`Auto`) when the
    /// `tracing` event would not be recorded by the current subscriber.
    fn console_enabled(&self, level: Level) -> bool {
        match self.console {
            Console::Always => true,
            Console::Never => false,
            Console::Auto => !self.tracing || !notice::tracing_shows(level),
        }
    }

    /// A stall (or the update of one, [`StallReport::update`]) to every sink.
    pub(crate) fn report(&mut self, report: &StallReport) {
        if self.tracing {
            trace_stall(report);
        }
        if self.console_enabled(Level::WARN) {
            eprintln!("blockwatch: {report}");
        }
        self.write_json(&report.to_json());
        if let Some(callback) = &self.callback {
            // A panicking callback must not take the reporter thread down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| callback(report)));
        }
    }

    /// A notice about the watchdog itself (not a stall): WARN, stderr when not shown,
    /// and a `"kind": "notice"` line in the JSON file.
    pub(crate) fn notice(&mut self, message: &str) {
        if self.tracing && notice::tracing_shows(Level::WARN) {
            tracing::warn!(target: "blockwatch", "{message}");
        }
        if self.console_enabled(Level::WARN) {
            eprintln!("blockwatch: {message}");
        }
        self.write_json(&serde_json::json!({ "kind": "notice", "message": message }));
    }

    /// The summary: an INFO event, and on stderr (when `tracing` would not show it) if
    /// anything stalled or was dropped.
    pub(crate) fn summary(&mut self, summary: &Summary) {
        if self.tracing {
            tracing::info!(
                target: "blockwatch",
                stalls = summary.stalls(),
                dropped_reports = summary.dropped_reports,
                exempt = summary.exempt,
                allowed = summary.allowed,
                watched_polls = summary.watched_polls,
                "watchdog summary: {summary}"
            );
        }
        if self.console_enabled(Level::INFO)
            && (summary.stalls() > 0 || summary.dropped_reports > 0)
        {
            eprintln!("blockwatch summary: {summary}");
        }
        let sites: Vec<serde_json::Value> = summary
            .sites
            .iter()
            .map(|site| {
                serde_json::json!({
                    "site": site.site,
                    "count": site.count,
                    "worst_ms": site.worst.as_secs_f64() * 1000.0,
                    "total_ms": site.total.as_secs_f64() * 1000.0,
                })
            })
            .collect();
        self.write_json(&serde_json::json!({
            "kind": "summary",
            "stalls": summary.stalls(),
            "sites": sites,
            "dropped_reports": summary.dropped_reports,
            "exempt": summary.exempt,
            "allowed": summary.allowed,
            "watched_polls": summary.watched_polls,
        }));
    }

    fn write_json(&mut self, value: &serde_json::Value) {
        if let Some(file) = &mut self.json {
            let mut line = value.to_string();
            line.push('\n');
            if let Err(error) = file.write_all(line.as_bytes()) {
                eprintln!("blockwatch: cannot write the report file: {error}");
                self.json = None;
            }
        }
    }
}

fn trace_stall(report: &StallReport) {
    // One frame a line, so a log viewer shows the stack as a stack.
    let backtrace: String = report
        .backtrace
        .iter()
        .enumerate()
        .map(|(index, frame)| format!("{index:>2}: {frame}\n"))
        .collect();
    let message = match (report.update, report.still_blocked) {
        (true, _) => "symbolized stack of an earlier blockwatch report (same stall_key)",
        (false, true) => "a task is blocking its executor thread",
        (false, false) => "a task blocked its executor thread",
    };
    tracing::warn!(
        target: "blockwatch",
        task = %report.task,
        task_id = report.task_id,
        stall_key = report.stall_key(),
        location = report.location.as_deref().unwrap_or("unknown"),
        thread = %report.thread,
        worker = report.worker,
        elapsed_ms = report.elapsed.as_millis() as u64,
        still_blocked = report.still_blocked,
        symbolized = report.symbolized,
        update = report.update,
        backtrace = %backtrace.trim_end(),
        "{message}"
    );
}
