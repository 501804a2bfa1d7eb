//! `#[blockwatch::test]` counts what its runtime ran: a stall in a watched future inside
//! a task started with plain `tokio::spawn` (a server under test) fails the test, and
//! with `--cfg tokio_unstable` so does a stall in a plain task's own code. The failure
//! message says what was watched.
//!
//! Every stall is held until its live report is out (seen by a capture subscriber).

#[path = "../watchdog/tests/capture/mod.rs"]
mod capture;
#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/hold.rs"]
mod hold;

use blockwatch::WatchExt;
#[cfg(tokio_unstable)]
use hold::hold_this_task_until_reported;
use hold::hold_until_reported;

/// The tests below run in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`): a stray `BLOCKWATCH=0` would make the clean test pass
/// with the watchdog off, and a small threshold would fail it.
#[test]
fn coverage_tests_run_in_a_controlled_environment() {
    let mut expected = vec![
        "a_watched_handler_in_a_plain_task_fails_the_test_current_thread",
        "a_watched_handler_in_a_plain_task_fails_the_test_multi_thread",
        "a_plain_task_that_yields_is_fine",
    ];
    if cfg!(tokio_unstable) {
        expected.extend([
            "a_stall_in_a_plain_task_fails_the_test_current_thread",
            "a_stall_in_a_plain_task_fails_the_test_multi_thread",
        ]);
    }
    controlled_env::run_ignored_tests(&expected);
}

#[blockwatch::test]
#[ignore = "run by coverage_tests_run_in_a_controlled_environment"]
#[should_panic(expected = "task `plain-server-current`")]
async fn a_watched_handler_in_a_plain_task_fails_the_test_current_thread() {
    let server = tokio::spawn(async {
        async { hold_until_reported("plain-server-current") }
            .watched("plain-server-current")
            .await
    });
    server.await.unwrap();
}

#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by coverage_tests_run_in_a_controlled_environment"]
#[cfg_attr(
    not(tokio_unstable),
    should_panic(
        expected = "tasks started with plain `tokio::spawn` are watched only with `--cfg tokio_unstable`"
    )
)]
#[cfg_attr(
    tokio_unstable,
    should_panic(expected = "every task of the runtime (tokio's poll hooks")
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
#[blockwatch::test]
#[ignore = "run by coverage_tests_run_in_a_controlled_environment"]
#[should_panic(expected = "task `spawned at tests/watchdog_test_coverage.rs:")]
async fn a_stall_in_a_plain_task_fails_the_test_current_thread() {
    tokio::spawn(async { hold_this_task_until_reported() })
        .await
        .unwrap();
}

#[cfg(tokio_unstable)]
#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by coverage_tests_run_in_a_controlled_environment"]
#[should_panic(expected = "task `spawned at tests/watchdog_test_coverage.rs:")]
async fn a_stall_in_a_plain_task_fails_the_test_multi_thread() {
    tokio::spawn(async { hold_this_task_until_reported() })
        .await
        .unwrap();
}

#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by coverage_tests_run_in_a_controlled_environment"]
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
