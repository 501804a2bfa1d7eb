//! `blockwatch::WatchLayer` on a real axum server on 127.0.0.1: a handler that blocks its
//! worker is reported while the request is still blocked, named by method and route
//! template, with the blocking helper on the stack. Both runtime flavors; run in debug
//! and release (`cargo test --release -p blockwatch --test watchdog_axum`), and with
//! `--cfg tokio_unstable`, where the runtime's hooks watch the connection tasks as well.

#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/live_request.rs"]
mod live_request;

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::Path;
use axum::routing::get;
use axum::Router;
use blockwatch::{Console, WatchLayer, Watchdog};
use live_request::Seen;

/// The blocking call a handler makes, hidden in a sync helper: held until the live
/// report with names is in.
#[inline(never)]
fn blocking_user_lookup(seen: &Seen, id: u32) -> String {
    seen.hold_until_named();
    std::hint::black_box(format!("user {id}"))
}

fn app(seen: Seen) -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(move |Path(id): Path<u32>| {
                let seen = seen.clone();
                async move { blocking_user_lookup(&seen, id) }
            }),
        )
        .route("/health", get(|| async { "ok" }))
        .layer(WatchLayer::new())
}

fn serve_and_request(runtime: tokio::runtime::Runtime) {
    let seen = Seen::default();
    let probe = seen.clone();
    let watchdog = Watchdog::builder()
        .enabled(true)
        .threshold(Duration::from_millis(60))
        .capture_timeout(Duration::from_secs(2))
        .console(Console::Never)
        .on_stall(move |report| probe.observe(report))
        .start()
        .expect("watchdog");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let address = listener.local_addr().unwrap();
    let router = app(seen.clone());
    let server = runtime.spawn(async move { axum::serve(listener, router).await });
    assert_eq!(
        live_request::request_while_driving(&runtime, address, "/users/7", &seen),
        "user 7"
    );
    server.abort();
    drop(runtime);
    assert!(watchdog.flush());

    let (first, live) = seen.live_while_blocked();
    assert_eq!(
        first.task, "GET /users/{id}",
        "the first report names the route: {first}"
    );
    assert_eq!(live.task, "GET /users/{id}");
    assert!(
        live.location
            .as_deref()
            .unwrap_or("")
            .contains("watchdog_axum.rs"),
        "points at the layer: {live}"
    );
    assert!(live.stack_contains("blocking_user_lookup"), "{live}");
    let reports = watchdog.reports();
    assert!(
        reports
            .iter()
            .all(|report| report.task == "GET /users/{id}"),
        "only the blocking route is blamed: {:?}",
        reports
            .iter()
            .map(|report| &report.task)
            .collect::<Vec<_>>()
    );
    assert_eq!(watchdog.summary().stalls(), 1, "{}", watchdog.summary());
}

/// One watchdog per process: the two tests take turns.
static TURN: Mutex<()> = Mutex::new(());

/// The tests below run in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`): the builder's `enabled(true)` and threshold are what the
/// watchdog runs with, whatever the shell that runs the suite has set.
#[test]
fn axum_tests_run_in_a_controlled_environment() {
    let mut expected = vec![
        "a_blocking_handler_is_reported_live_by_route_multi_thread",
        "a_blocking_handler_is_reported_live_by_route_current_thread",
    ];
    if cfg!(tokio_unstable) {
        expected.push("under_task_hooks_the_route_is_still_the_name_multi_thread");
        expected.push("under_task_hooks_the_route_is_still_the_name_current_thread");
    }
    controlled_env::run_ignored_tests(&expected);
}

#[test]
#[ignore = "run by axum_tests_run_in_a_controlled_environment"]
fn a_blocking_handler_is_reported_live_by_route_multi_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_request(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
}

#[test]
#[ignore = "run by axum_tests_run_in_a_controlled_environment"]
fn a_blocking_handler_is_reported_live_by_route_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_request(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
}

// With `--cfg tokio_unstable` the runtime's own hooks watch every task, so the request's
// future is watched twice: by the hook around the connection task's poll and by the layer
// inside it. The stall must still come out once, named by the route, not by the task the
// server spawned.

#[cfg(tokio_unstable)]
#[test]
#[ignore = "run by axum_tests_run_in_a_controlled_environment"]
fn under_task_hooks_the_route_is_still_the_name_multi_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    serve_and_request(
        blockwatch::instrument(builder.worker_threads(2).enable_all())
            .build()
            .unwrap(),
    );
}

#[cfg(tokio_unstable)]
#[test]
#[ignore = "run by axum_tests_run_in_a_controlled_environment"]
fn under_task_hooks_the_route_is_still_the_name_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut builder = tokio::runtime::Builder::new_current_thread();
    serve_and_request(
        blockwatch::instrument(builder.enable_all())
            .build()
            .unwrap(),
    );
}
