//! The watchdog through the facade: `#[blockwatch::test]` fails a test whose body (or a
//! task it spawns) stalls its runtime, and passes a well-behaved one.

use std::time::Duration;

use blockwatch::WatchExt;

#[path = "support/controlled_env.rs"]
mod controlled_env;

/// The tests below expect the watchdog's verdict, so they run in a child process whose
/// environment has no `BLOCKWATCH*` variable (see `support/controlled_env.rs`).
#[test]
fn watchdog_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&[
        "a_well_behaved_test_passes",
        "a_stall_in_the_test_body_fails_the_test",
        "a_stall_in_a_spawned_task_fails_the_test",
        "block_in_place_is_not_a_stall",
        "a_stall_inside_an_annotated_fn_is_reported_under_its_name",
    ]);
}

/// A blocking helper in a sync fn, for the watchdog to catch at run time.
#[inline(never)]
fn hidden_blocking_helper() {
    std::thread::sleep(Duration::from_millis(300));
    std::hint::black_box(());
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
async fn a_well_behaved_test_passes() {
    let value = blockwatch::spawn(async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        21
    })
    .await
    .unwrap();
    assert_eq!(value * 2, 42);
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
#[should_panic(expected = "hidden_blocking_helper")]
async fn a_stall_in_the_test_body_fails_the_test() {
    hidden_blocking_helper();
}

#[blockwatch::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the test above, in a controlled environment"]
#[should_panic(expected = "STILL BLOCKED")]
async fn a_stall_in_a_spawned_task_fails_the_test() {
    blockwatch::spawn(async { hidden_blocking_helper() })
        .await
        .unwrap();
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
async fn block_in_place_is_not_a_stall() {
    // block_in_place needs a multi-thread runtime: run one inside the test.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let handle = runtime
        .spawn(async { blockwatch::block_in_place(hidden_blocking_helper) }.watched("exempt"));
    handle.await.unwrap();
    runtime.shutdown_background();
}

/// Checked by `#[no_blocking]`, which follows the call into the helper and would
/// report it: the escape hatch lets it through, so the watchdog, watching the fn under
/// its own name, is what catches it.
#[blockwatch::no_blocking]
async fn annotated_fn_that_stalls() {
    #[blockwatch::allow_blocking(reason = "the stall the watchdog must report")]
    hidden_blocking_helper();
}

#[blockwatch::test]
#[ignore = "run by the test above, in a controlled environment"]
#[should_panic(expected = "task `watchdog_test_attribute::annotated_fn_that_stalls`")]
async fn a_stall_inside_an_annotated_fn_is_reported_under_its_name() {
    annotated_fn_that_stalls().await;
}
