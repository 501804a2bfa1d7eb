//! An `async` block written as the argument of `block_on` runs on the thread that calls
//! `block_on`: in a sync fn its blocking calls are the fn's (not findings in async
//! context), the fn blocks like any other, and inside `spawn_blocking` nothing is
//! reported (Vector's `kafka.rs` consumer driver). An `async` block given to
//! `tokio::spawn`, or nested deeper than the argument itself, stays async context.

mod support;

use support::crate_findings;

/// `(line, resolved)` of each finding of `src`, the one file of a one-crate workspace.
fn lines(src: &str) -> Vec<(usize, String)> {
    crate_findings(src)
        .into_iter()
        .map(|f| (f.line, f.resolved))
        .collect()
}

#[test]
fn async_blocks_driven_by_block_on_in_a_sync_fn_are_not_async_context() {
    let src = r#"
use tokio::runtime::Handle;
fn drive_consumer(rt: &tokio::runtime::Runtime) {
    Handle::current().block_on(async {
        std::fs::read("offsets").unwrap();
    });
    rt.block_on(async move {
        std::thread::sleep(d);
    });
    futures::executor::block_on(async {
        std::fs::write("state", b"").unwrap();
    });
}
"#;
    assert_eq!(lines(src), []);
}

#[test]
fn async_blocks_spawned_or_nested_in_a_block_on_argument_stay_async_context() {
    let src = r#"
fn start(rt: &tokio::runtime::Runtime) {
    tokio::spawn(async {
        std::thread::sleep(d);
    });
    rt.block_on(tokio::time::timeout(d, async {
        std::fs::read("a").unwrap();
    }));
}
"#;
    assert_eq!(
        lines(src),
        [
            (4, "std::thread::sleep".to_string()),
            (7, "std::fs::read".to_string())
        ]
    );
}

#[test]
fn block_on_in_async_code_is_the_finding_and_its_body_stays_async_context() {
    let src = r#"
async fn handler() {
    futures::executor::block_on(async {
        std::thread::sleep(d);
    });
}
"#;
    assert_eq!(
        lines(src),
        [
            (3, "futures::executor::block_on".to_string()),
            (4, "std::thread::sleep".to_string())
        ]
    );
}

#[test]
fn a_sync_fn_driving_a_blocking_body_blocks_its_async_callers_but_not_offloaded_ones() {
    let src = r#"
fn drive_consumer() {
    tokio::runtime::Handle::current().block_on(async {
        std::fs::read("offsets").unwrap();
    });
}
async fn offloaded() {
    tokio::task::spawn_blocking(move || drive_consumer()).await.unwrap();
}
async fn direct() {
    drive_consumer();
}
"#;
    let found: Vec<(usize, String, String)> = crate_findings(src)
        .into_iter()
        .map(|f| (f.line, f.resolved.clone(), f.blocking_api().to_string()))
        .collect();
    assert_eq!(
        found,
        [(
            11,
            "drive_consumer".to_string(),
            "tokio::runtime::Runtime::block_on".to_string()
        )]
    );
}
