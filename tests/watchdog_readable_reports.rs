//! Reports people read (issue trap 6): in the `tracing` event the stack is one frame a
//! line, not one long field; and in an optimized build with line tables (the release
//! recipe of the README, which `[profile.release.package.blockwatch]` gives this test),
//! the frame of an async fn body that debug info names only `{async_fn#0}` carries the
//! name of its fn. Both runtime flavors; run in debug and release
//! (`cargo test --release -p blockwatch --test watchdog_readable_reports`).

#[path = "../watchdog/tests/capture/mod.rs"]
mod capture;
#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/live_request.rs"]
mod live_request;

use std::sync::Mutex;
use std::time::Duration;

use blockwatch::{Console, StallReport, Watchdog};
use live_request::Seen;

/// The sync helper the async fn calls: held until the live report with names is in.
#[inline(never)]
fn blocking_query(seen: &Seen) -> u32 {
    seen.hold_until_named();
    std::hint::black_box(41)
}

/// The async fn whose body blocks: in an optimized build its poll is inlined, and the
/// line tables call the inlined frame `{async_fn#0}`.
async fn render_dashboard(seen: Seen) -> u32 {
    tokio::task::yield_now().await;
    blocking_query(&seen) + 1
}

/// Whether a frame's function is an async body with no fn named.
fn is_bare_async_body(function: &str) -> bool {
    let function = function.trim();
    (function.starts_with("{async_fn#") || function.starts_with("{async_block#"))
        && function.ends_with('}')
}

/// Runs `render_dashboard` as a watched task on `runtime`; returns the named live report
/// and the `tracing` event that carried it.
fn stall_in_an_async_fn(runtime: tokio::runtime::Runtime) -> (StallReport, capture::Captured) {
    capture::install();
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
    let task = seen.clone();
    let answer = runtime.block_on(async move {
        blockwatch::spawn_named("dashboard", render_dashboard(task))
            .await
            .unwrap()
    });
    assert_eq!(answer, 42);
    drop(runtime);
    assert!(watchdog.flush());
    let (_, live) = seen.live_while_blocked();
    let key = live.stall_key().to_string();
    // The watchdog may report the same stall more than once, each time with the stack it
    // sampled then; the event that carried this report is the one with its frames.
    let frames: Vec<String> = live.backtrace.iter().map(ToString::to_string).collect();
    let carries_these_frames = |backtrace: &str| {
        let lines: Vec<&str> = backtrace.lines().collect();
        lines.len() == frames.len()
            && lines
                .iter()
                .zip(&frames)
                .all(|(line, frame)| line.trim_end().ends_with(frame.as_str()))
    };
    let event = capture::events()
        .into_iter()
        .find(|event| {
            event.fields.get("stall_key") == Some(&key)
                && event.fields.get("still_blocked").map(String::as_str) == Some("true")
                && event.fields.get("symbolized").map(String::as_str) == Some("true")
                && event
                    .fields
                    .get("backtrace")
                    .is_some_and(|backtrace| carries_these_frames(backtrace))
        })
        .expect("the named live report as a tracing event");
    (live, event)
}

fn check(runtime: tokio::runtime::Runtime) {
    let (live, event) = stall_in_an_async_fn(runtime);
    let lines: Vec<&str> = event.fields["backtrace"].lines().collect();
    assert_eq!(
        lines.len(),
        live.backtrace.len(),
        "one frame a line: {lines:?}"
    );
    for (index, line) in lines.iter().enumerate() {
        assert!(
            line.trim_start().starts_with(&format!("{index}: ")),
            "frame {index} on line {index}: {line:?}"
        );
    }
    assert!(live.stack_contains("blocking_query"), "{live}");
    assert!(
        live.stack_contains("render_dashboard"),
        "the async fn is named: {live}"
    );
    let bare: Vec<&str> = live
        .backtrace
        .iter()
        .map(|frame| frame.function.as_str())
        .filter(|function| is_bare_async_body(function))
        .collect();
    assert!(
        bare.is_empty(),
        "async bodies with no fn: {bare:?} in {live}"
    );
}

/// One watchdog per process: the tests take turns.
static TURN: Mutex<()> = Mutex::new(());

/// The tests below run in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`).
#[test]
fn readable_reports_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&[
        "an_async_fn_that_blocks_is_named_one_frame_a_line_multi_thread",
        "an_async_fn_that_blocks_is_named_one_frame_a_line_current_thread",
    ]);
}

#[test]
#[ignore = "run by readable_reports_tests_run_in_a_controlled_environment"]
fn an_async_fn_that_blocks_is_named_one_frame_a_line_multi_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    check(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
}

#[test]
#[ignore = "run by readable_reports_tests_run_in_a_controlled_environment"]
fn an_async_fn_that_blocks_is_named_one_frame_a_line_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    check(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
}
