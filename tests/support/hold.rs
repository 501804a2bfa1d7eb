//! Holding a stall until the watchdog has reported it live (seen by the capture
//! subscriber of `watchdog/tests/capture`), so a test never depends on how long a fixed
//! stall lasts. The including test binary declares `mod capture` at its root.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use crate::capture;

/// Blocks the calling thread until the watchdog has reported `task` live.
#[inline(never)]
pub fn hold_until_reported(task: &str) {
    hold_until(
        |event| event.fields.get("task").map(String::as_str) == Some(task),
        task,
    );
}

/// Blocks the calling thread until the watchdog has reported the current tokio task
/// (by id) live: a plain task is named by where it was spawned.
#[cfg(tokio_unstable)]
#[inline(never)]
pub fn hold_this_task_until_reported() -> String {
    let id = tokio::task::id().to_string();
    hold_until(|event| event.fields.get("task_id") == Some(&id), &id);
    id
}

#[inline(never)]
pub fn hold_until(reported_task: impl Fn(&capture::Captured) -> bool, what: &str) {
    capture::install();
    let start = Instant::now();
    let reported = |event: &capture::Captured| {
        reported_task(event)
            && event.fields.get("still_blocked").map(String::as_str) == Some("true")
    };
    while capture::count(reported) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no live report of {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
