//! `#[blockwatch::test]`: a well-behaved test passes, a test whose body holds the executor
//! thread fails with the watchdog's report, tokio's runtime options are forwarded, and the
//! attribute stacks with `#[no_blocking]` in both orders.

use std::time::Duration;

#[path = "support/controlled_env.rs"]
mod controlled_env;

/// The tests below expect the watchdog's verdict, so they run in a child process whose
/// environment has no `BLOCKWATCH*` variable (see `support/controlled_env.rs`).
#[test]
fn attribute_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&[
        "well_behaved_test_passes",
        "multi_thread_flavor_with_a_result",
        "blocking_work_offloaded_is_fine",
        "a_test_that_blocks_fails_with_the_report",
        "test_then_no_blocking",
        "no_blocking_then_test",
        "start_paused_runs_the_test_on_a_paused_clock",
    ]);
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
async fn well_behaved_test_passes() {
    tokio::time::sleep(Duration::from_millis(5)).await;
    tokio::task::yield_now().await;
}

#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the test above, in a controlled environment"]
async fn multi_thread_flavor_with_a_result() -> Result<(), String> {
    let handle = tokio::spawn(async { 40 + 2 });
    let value = handle.await.map_err(|e| e.to_string())?;
    assert_eq!(value, 42);
    Ok(())
}

#[blockwatch::test(flavor = "current_thread")]
#[ignore = "run by the test above, in a controlled environment"]
async fn blocking_work_offloaded_is_fine() {
    let value = tokio::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(200));
        7
    })
    .await
    .unwrap();
    assert_eq!(value, 7);
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
#[should_panic(expected = "tasks blocking an executor thread")]
async fn a_test_that_blocks_fails_with_the_report() {
    // Deliberately blocking, hidden in a sync helper the static check cannot see.
    block_for(Duration::from_millis(300));
}

#[inline(never)]
fn block_for(duration: Duration) {
    std::thread::sleep(duration);
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
#[blockwatch::no_blocking]
async fn test_then_no_blocking() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[blockwatch::no_blocking]
#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
async fn no_blocking_then_test() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[blockwatch::test(start_paused = true)]
#[ignore = "run by the test above, in a controlled environment"]
async fn start_paused_runs_the_test_on_a_paused_clock() {
    // A paused clock jumps to the next timer when every task is idle: an hour passes
    // at once, on tokio's clock only.
    let wall = std::time::Instant::now();
    let start = tokio::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(start.elapsed().as_secs(), 3600);
    assert!(wall.elapsed() < Duration::from_secs(3600));
}
