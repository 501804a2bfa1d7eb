//! `#[blockwatch::main]` is the one line that turns the watchdog on: it starts before the
//! runtime, the main future is watched under the fn's name, tokio's options are kept,
//! and the summary comes out when the fn returns. With `--cfg tokio_unstable` a plain
//! `tokio::spawn` task is watched too.
//!
//! One watchdog per process: the tests take turns. Every stall is held until its live
//! report is out (seen by a capture subscriber).

#[path = "../watchdog/tests/capture/mod.rs"]
mod capture;
#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/hold.rs"]
mod hold;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use blockwatch::WatchExt;

static TURN: Mutex<()> = Mutex::new(());

/// The tests below run in a child whose only watchdog variable is `BLOCKWATCH=1`: the
/// watchdog is on in any build (as a user would switch it on in release) and nothing
/// from the shell that runs the suite changes its threshold or report file.
#[test]
fn main_attribute_tests_run_in_a_controlled_environment() {
    let mut expected = vec![
        "the_main_future_is_watched_under_the_fn_name",
        "a_watched_task_of_the_main_runtime_is_reported",
        "a_well_behaved_main_has_no_stall_and_says_it_watched",
    ];
    if cfg!(tokio_unstable) {
        expected.push("with_tokio_unstable_every_task_of_the_main_runtime_is_watched");
    }
    controlled_env::run_ignored_tests_with(&expected, &[("BLOCKWATCH", "1")]);
}

/// Takes this test's turn, with the capture subscriber installed.
fn turn() -> MutexGuard<'static, ()> {
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    capture::install();
    turn
}

fn live_report_of(task: &str) -> impl Fn(&capture::Captured) -> bool + '_ {
    move |event| {
        event.fields.get("task").map(String::as_str) == Some(task)
            && event.fields.get("still_blocked").map(String::as_str) == Some("true")
    }
}

/// The last summary event: its field `name`.
fn last_summary(name: &str) -> String {
    capture::events()
        .into_iter()
        .rev()
        .find(|event| event.message().starts_with("watchdog summary"))
        .expect("a summary event")
        .fields[name]
        .clone()
}

#[blockwatch::main(flavor = "current_thread")]
async fn main_future_blocks_current_thread() -> Result<u32, String> {
    tokio::task::yield_now().await;
    hold::hold_until_reported("watchdog_main_attribute::main_future_blocks_current_thread");
    let value: u32 = "41".parse().map_err(|_| "not a number".to_owned())?;
    Ok(value + 1)
}

#[blockwatch::main(worker_threads = 2)]
async fn main_future_blocks_multi_thread() -> usize {
    let workers = tokio::runtime::Handle::current().metrics().num_workers();
    hold::hold_until_reported("watchdog_main_attribute::main_future_blocks_multi_thread");
    workers
}

#[test]
#[ignore = "run by main_attribute_tests_run_in_a_controlled_environment"]
fn the_main_future_is_watched_under_the_fn_name() {
    let _turn = turn();
    assert_eq!(main_future_blocks_current_thread(), Ok(42));
    let live = capture::wait_for(
        Duration::ZERO,
        live_report_of("watchdog_main_attribute::main_future_blocks_current_thread"),
    )
    .expect("the live report");
    assert!(
        live.fields["location"].contains("watchdog_main_attribute.rs"),
        "{live:?}"
    );
    assert_eq!(
        last_summary("stalls"),
        "1",
        "the summary came out at the end"
    );

    assert_eq!(
        main_future_blocks_multi_thread(),
        2,
        "tokio's options are kept"
    );
    assert_eq!(last_summary("stalls"), "1");
}

#[blockwatch::main]
async fn a_watched_task_blocks() {
    blockwatch::spawn(async { hold::hold_until_reported("main-spawned") }.watched("main-spawned"))
        .await
        .unwrap();
}

#[test]
#[ignore = "run by main_attribute_tests_run_in_a_controlled_environment"]
fn a_watched_task_of_the_main_runtime_is_reported() {
    let _turn = turn();
    a_watched_task_blocks();
    assert_eq!(last_summary("stalls"), "1");
}

#[cfg(tokio_unstable)]
#[blockwatch::main(flavor = "current_thread")]
async fn a_plain_task_blocks_current_thread() -> String {
    tokio::spawn(async { hold::hold_this_task_until_reported() })
        .await
        .unwrap()
}

#[cfg(tokio_unstable)]
#[blockwatch::main(worker_threads = 2)]
async fn a_plain_task_blocks_multi_thread() -> String {
    tokio::spawn(async { hold::hold_this_task_until_reported() })
        .await
        .unwrap()
}

#[cfg(tokio_unstable)]
#[test]
#[ignore = "run by main_attribute_tests_run_in_a_controlled_environment"]
fn with_tokio_unstable_every_task_of_the_main_runtime_is_watched() {
    let _turn = turn();
    for run in [
        a_plain_task_blocks_current_thread as fn() -> String,
        a_plain_task_blocks_multi_thread,
    ] {
        let id = run();
        let live = capture::wait_for(Duration::ZERO, |event| {
            event.fields.get("task_id") == Some(&id) && event.fields["still_blocked"] == "true"
        })
        .expect("reported");
        assert!(
            live.fields["task"].starts_with("spawned at tests/watchdog_main_attribute.rs:"),
            "named by its spawn site: {live:?}"
        );
        assert_eq!(last_summary("stalls"), "1");
    }
}

#[blockwatch::main(flavor = "current_thread")]
async fn well_behaved() -> u32 {
    tokio::time::sleep(Duration::from_millis(5)).await;
    7
}

#[test]
#[ignore = "run by main_attribute_tests_run_in_a_controlled_environment"]
fn a_well_behaved_main_has_no_stall_and_says_it_watched() {
    let _turn = turn();
    assert_eq!(well_behaved(), 7);
    assert_eq!(last_summary("stalls"), "0");
    let watched: u64 = last_summary("watched_polls").parse().unwrap();
    assert!(
        watched >= 2,
        "the main future was polled under the watchdog: {watched}"
    );
}
