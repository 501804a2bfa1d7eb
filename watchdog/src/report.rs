//! What the watchdog says about one stall.

use std::fmt;
use std::time::Duration;

/// One frame of the stack of blocking code.
///
/// ```
/// # fn show(frame: &blockwatch_watchdog::Frame) {
/// println!("{frame}"); // "app::load_config at src/config.rs:42"
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Frame {
    /// The demangled function name (inlined calls get frames of their own).
    pub function: String,
    /// The source file, when debug info has it, as debug info has it (usually absolute;
    /// the `Display` form shows it relative to the project being run, where known).
    pub file: Option<String>,
    /// The source line, when debug info has it.
    pub line: Option<u32>,
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.function)?;
        let file = self.file.as_deref().map(crate::source_root::display_path);
        match (file, self.line) {
            (Some(file), Some(line)) => write!(f, " at {file}:{line}"),
            (Some(file), None) => write!(f, " at {file}"),
            _ => Ok(()),
        }
    }
}

/// A poll that held its thread longer than the threshold.
///
/// Each stall is reported twice: once while it is still running (`still_blocked`,
/// with the time blocked so far and the stack of the blocking code), and once when the
/// poll returns, with the final duration. A report sent while debug info was still
/// loading has raw frames (`symbolized` false) and is followed by an `update` with the
/// names.
///
/// ```
/// # fn show(report: &blockwatch_watchdog::StallReport) {
/// if report.still_blocked {
///     eprintln!("{} blocked for {:?} so far", report.task, report.elapsed);
/// }
/// # }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StallReport {
    /// The task: its name (`spawn_named`, `.watched`, the layer's route, the annotated
    /// fn), else `spawned at file:line:column`, else `task N` (its tokio id).
    pub task: String,
    /// The tokio task id (as a number), when the poll ran inside a tokio task.
    pub task_id: Option<u64>,
    /// Where the task was spawned or the annotated function is (`file:line:column`).
    pub location: Option<String>,
    /// The name of the blocked thread (`"<unnamed>"` if it has none).
    pub thread: String,
    /// The tokio worker index of the blocked thread, if it is a worker.
    pub worker: Option<usize>,
    /// How long the poll has held the thread (so far, if still blocked).
    pub elapsed: Duration,
    /// True while the poll is still running; false in the report sent when it ends.
    pub still_blocked: bool,
    /// The stack of the blocking code, innermost call first (empty if unavailable).
    pub backtrace: Vec<Frame>,
    /// Why there is no stack, when there is none.
    pub backtrace_note: Option<String>,
    /// Whether `backtrace` has names. A report sent while debug info is still loading
    /// (the first stalls of a fresh debug process) has raw frames instead, each the
    /// loaded object and offset (`libc.so.6+0xe5c7f`), and an update follows.
    pub symbolized: bool,
    /// Whether this is the update of a report sent before symbols were ready: the same
    /// stall (same [`stall_key`](StallReport::stall_key) and `still_blocked`) with its
    /// symbolized stack, not a stall of its own.
    pub update: bool,
    pub(crate) scope: u64,
    pub(crate) stall_id: u64,
    pub(crate) site: String,
    /// `Origin::kind` of the stalled code (a metrics label).
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) kind: &'static str,
}

impl StallReport {
    /// The report as one JSON object (the format of the JSON-lines report file).
    ///
    /// ```
    /// # fn show(report: &blockwatch_watchdog::StallReport) {
    /// let json = report.to_json();
    /// assert_eq!(json["kind"], "stall");
    /// # }
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": if self.update { "update" } else { "stall" },
            "stall_key": self.stall_id,
            "symbolized": self.symbolized,
            "task": self.task,
            "task_id": self.task_id,
            "location": self.location,
            "thread": self.thread,
            "worker": self.worker,
            "elapsed_ms": self.elapsed.as_secs_f64() * 1000.0,
            "still_blocked": self.still_blocked,
            "backtrace": self.backtrace.iter().map(Frame::to_string).collect::<Vec<_>>(),
            "backtrace_note": self.backtrace_note,
        })
    }

    /// An id shared by the live and the final report of one stall.
    ///
    /// ```
    /// # fn pair(live: &blockwatch_watchdog::StallReport, done: &blockwatch_watchdog::StallReport) -> bool {
    /// live.stall_key() == done.stall_key()
    /// # }
    /// ```
    pub fn stall_key(&self) -> u64 {
        self.stall_id
    }

    /// The innermost frame of the application's own code: the first frame that is not
    /// in the standard library, libc, tokio or blockwatch. Usually the function to fix.
    ///
    /// ```
    /// # fn show(report: &blockwatch_watchdog::StallReport) {
    /// if let Some(frame) = report.user_frame() {
    ///     eprintln!("blocked in {frame}");
    /// }
    /// # }
    /// ```
    pub fn user_frame(&self) -> Option<&Frame> {
        self.backtrace.iter().find(|frame| is_user_code(frame))
    }

    /// Whether any frame of the stack names a function containing `name`.
    ///
    /// ```
    /// # fn show(report: &blockwatch_watchdog::StallReport) {
    /// let blamed = report.stack_contains("load_config");
    /// # }
    /// ```
    pub fn stack_contains(&self, name: &str) -> bool {
        self.backtrace
            .iter()
            .any(|frame| frame.function.contains(name))
    }
}

impl fmt::Display for StallReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.update {
            let state = if self.still_blocked { "live" } else { "final" };
            write!(
                f,
                "stack of stall {} (the {state} report of task `{}` above), symbolized:",
                self.stall_id, self.task
            )?;
            return self.fmt_stack(f);
        }
        write!(f, "task `{}`", self.task)?;
        if let Some(location) = &self.location {
            if !self.task.ends_with(location.as_str()) {
                write!(f, " ({location})")?;
            }
        }
        write!(f, " blocked thread `{}`", self.thread)?;
        if let Some(worker) = self.worker {
            write!(f, " (worker {worker})")?;
        }
        let seconds = self.elapsed.as_secs_f64();
        if self.still_blocked {
            write!(f, " for {seconds:.2} s so far and is STILL BLOCKED")?;
        } else {
            write!(f, " for {seconds:.2} s in total (the poll has returned)")?;
        }
        if !self.symbolized && !self.backtrace.is_empty() {
            write!(
                f,
                "\n  (stall {}: symbols are still loading; raw frames now, the symbolized stack follows)",
                self.stall_id
            )?;
        }
        self.fmt_stack(f)
    }
}

impl StallReport {
    /// The blamed frame and the stack, or why there is none.
    fn fmt_stack(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(frame) = self.user_frame() {
            write!(f, "\n  blocked in: {frame}")?;
        }
        if !self.backtrace.is_empty() {
            f.write_str("\n  stack of the blocking code (innermost first):")?;
            for (index, frame) in self.backtrace.iter().enumerate() {
                write!(f, "\n    {index:>2}: {frame}")?;
            }
        } else if let Some(note) = &self.backtrace_note {
            write!(f, "\n  (no stack: {note})")?;
        }
        Ok(())
    }
}

/// Crates whose frames are machinery, not the application's code.
const NOT_USER_CODE: &[&str] = &[
    "std::",
    "core::",
    "alloc::",
    "tokio::",
    "backtrace::",
    "blockwatch_watchdog::",
    "parking_lot",
    "__",
];

/// Source paths of machinery, for frames whose names are short (inlined frames in
/// `line-tables-only` builds): the standard library, libc, tokio, this crate.
fn is_machinery_file(file: &str) -> bool {
    let file = file.replace('\\', "/");
    file.starts_with("/rustc/")
        || file.starts_with("./")
        || file.contains("/tokio-")
        || file.starts_with(env!("CARGO_MANIFEST_DIR"))
}

fn is_user_code(frame: &Frame) -> bool {
    let path = frame.function.trim_start_matches('<');
    if NOT_USER_CODE.iter().any(|prefix| path.starts_with(prefix)) {
        return false;
    }
    match &frame.file {
        Some(file) => !is_machinery_file(file),
        None => path.contains("::"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(function: &str) -> Frame {
        Frame {
            function: function.to_owned(),
            file: Some("src/main.rs".to_owned()),
            line: Some(3),
        }
    }

    #[test]
    fn the_user_frame_skips_libc_std_and_runtime_frames() {
        let report = StallReport {
            task: "t".to_owned(),
            task_id: Some(4),
            location: Some("src/main.rs:1:1".to_owned()),
            thread: "main".to_owned(),
            worker: None,
            elapsed: Duration::from_millis(150),
            still_blocked: true,
            backtrace: vec![
                Frame {
                    function: "__GI___clock_nanosleep".to_owned(),
                    file: Some("./time/clock_nanosleep.c".to_owned()),
                    line: Some(48),
                },
                frame("std::thread::sleep"),
                frame("<core::pin::Pin<P> as core::future::future::Future>::poll"),
                frame("app::load::{{closure}}"),
            ],
            backtrace_note: None,
            symbolized: true,
            update: false,
            scope: 0,
            stall_id: 1,
            site: "t".to_owned(),
            kind: "task",
        };
        assert_eq!(
            report.user_frame().unwrap().function,
            "app::load::{{closure}}"
        );
        let text = report.to_string();
        assert!(
            text.contains("blocked in: app::load::{{closure}} at src/main.rs:3"),
            "{text}"
        );
        assert!(text.contains("STILL BLOCKED"), "{text}");
        let json = report.to_json();
        assert_eq!(json["backtrace"][1], "std::thread::sleep at src/main.rs:3");
        assert_eq!(json["task_id"], 4);
    }
}
