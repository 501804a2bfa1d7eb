//! `#[blockwatch::test]` counts what its runtime ran: a stall in a watched future inside
//! a task started with plain `tokio::spawn` (a server under test) fails the test, and
//! with `--cfg tokio_unstable` so does a stall in a plain task's own code. The failure
//! message says what was watched.
//!
//! Every stall is held until its live report is out (seen by a capture subscriber).

#[path = "../watchdog/tests/capture/mod.rs"]
mod capture;

use std::time::{Duration, Instant};

use blockwatch::WatchExt;

/// Blocks the calling thread until the watchdog has reported `task` live.
#[inline(never)]
fn hold_until_reported(task: &str) {
    hold_until(
        |event| event.fields.get("task").map(String::as_str) == Some(task),
        task,
    );
}

/// Blocks the calling thread until the watchdog has reported the current tokio task
/// (by id) live: a plain task is named by where it was spawned.
#[cfg(tokio_unstable)]
#[inline(never)]
fn hold_this_task_until_reported() -> String {
    let id = tokio::task::id().to_string();
    hold_until(|event| event.fields.get("task_id") == Some(&id), &id);
    id
}

#[inline(never)]
fn hold_until(reported_task: impl Fn(&capture::Captured) -> bool, what: &str) {
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

#[blockwatch::test]
#[should_panic(expected = "task `plain-server-current`")]
async fn a_watched_handler_in_a_plain_task_fails_the_test_current_thread() {
    let server = tokio::spawn(async {
        async { hold_until_reported("plain-server-current") }
            .watched("plain-server-current")
            .await
    });
    server.await.unwrap();
}

#[cfg(not(tokio_unstable))]
#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(
    expected = "tasks started with plain `tokio::spawn` are watched only with `--cfg tokio_unstable`"
)]
async fn a_watched_handler_in_a_plain_task_fails_the_test_multi_thread() {
    let server = tokio::spawn(async {
        async { hold_until_reported("plain-server-multi") }
            .watched("plain-server-multi")
            .await
    });
    server.await.unwrap();
}

#[cfg(tokio_unstable)]
#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "every task of the runtime (tokio's poll hooks")]
async fn a_watched_handler_in_a_plain_task_fails_the_test_multi_thread() {
    let server = tokio::spawn(async {
        async { hold_until_reported("plain-server-multi") }
            .watched("plain-server-multi")
            .await
    });
    server.await.unwrap();
}

#[cfg(tokio_unstable)]
#[blockwatch::test]
#[should_panic(expected = "task `spawned at tests/watchdog_test_coverage.rs:")]
async fn a_stall_in_a_plain_task_fails_the_test_current_thread() {
    tokio::spawn(async { hold_this_task_until_reported() })
        .await
        .unwrap();
}

#[cfg(tokio_unstable)]
#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "task `spawned at tests/watchdog_test_coverage.rs:")]
async fn a_stall_in_a_plain_task_fails_the_test_multi_thread() {
    tokio::spawn(async { hold_this_task_until_reported() })
        .await
        .unwrap();
}

#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_task_that_yields_is_fine() {
    let sum = tokio::spawn(async {
        let mut sum = 0u32;
        for i in 0..100 {
            tokio::task::yield_now().await;
            sum += i;
        }
        sum
    })
    .await
    .unwrap();
    assert_eq!(sum, 4950);
}
