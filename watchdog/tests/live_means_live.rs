//! Live means live: the first stall of a fresh process goes out to `tracing` while it is
//! still blocked, even though debug info is still loading, with raw frame addresses;
//! the symbolized stack follows as an update event with the same `stall_key`.
//! (Its own test binary: the process must be fresh, and it installs a global subscriber.)

mod capture;
mod support;

use std::time::{Duration, Instant};

use support::{builder, current_thread, PATIENCE};

/// A short threshold: the first report is due long before a debug build's debug info
/// has loaded.
const THRESHOLD: Duration = Duration::from_millis(20);

fn is_live(event: &capture::Captured) -> bool {
    event.fields.get("task").map(String::as_str) == Some("fresh-stall")
        && event.fields.get("still_blocked").map(String::as_str) == Some("true")
}

/// Holds its thread until the first live event is out.
#[inline(never)]
fn blocked_until_first_report() {
    let start = Instant::now();
    while capture::count(is_live) == 0 {
        assert!(start.elapsed() < PATIENCE, "no live report");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::hint::black_box(());
}

#[test]
fn the_first_report_of_a_process_does_not_wait_for_symbols() {
    capture::install();
    let watchdog = builder().threshold(THRESHOLD).start().expect("watchdog");
    current_thread().block_on(async {
        blockwatch_watchdog::spawn_named("fresh-stall", async { blocked_until_first_report() })
            .await
            .unwrap();
    });
    assert!(watchdog.flush(), "the reporter caught up");
    let first = capture::events()
        .into_iter()
        .find(is_live)
        .expect("a live event");
    let elapsed: u64 = first.fields["elapsed_ms"].parse().unwrap();
    assert!(
        elapsed < 10 * THRESHOLD.as_millis() as u64,
        "detected near the threshold: {elapsed} ms"
    );
    let symbolized = capture::events()
        .into_iter()
        .find(|event| is_live(event) && event.fields["symbolized"] == "true")
        .expect("the symbolized live stack");
    assert!(
        symbolized.fields["backtrace"].contains("blocked_until_first_report"),
        "{symbolized:?}"
    );
    if first.fields["symbolized"] == "false" {
        assert_eq!(symbolized.fields["update"], "true");
        assert_eq!(symbolized.fields["stall_key"], first.fields["stall_key"]);
        // Raw frames: the loaded object and the offset in it.
        assert!(first.fields["backtrace"].starts_with(" 0: "), "{first:?}");
        assert!(first.fields["backtrace"].contains("+0x"), "{first:?}");
    } else {
        // Symbols were ready in time (a build with little debug info): one report.
        assert_eq!(symbolized.fields["update"], "false");
    }
    // A debug build's debug info takes far longer to load than the threshold.
    if cfg!(debug_assertions) {
        assert_eq!(first.fields["symbolized"], "false", "{first:?}");
    }
    // The stored report, and so `check()` and `#[blockwatch::test]`, has the names.
    let stored = watchdog
        .reports()
        .into_iter()
        .find(|report| report.still_blocked)
        .expect("the live report");
    assert!(
        stored.stack_contains("blocked_until_first_report"),
        "{stored}"
    );
}
