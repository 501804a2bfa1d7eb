//! `#[blockwatch::test]` support: each test has its own scope on the shared watchdog,
//! and fails only on its own stalls. Written the way the attribute expands.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use blockwatch_watchdog::__private::{Site, TestGuard};
use blockwatch_watchdog::{Console, Watchdog};

static STALLING: Site = Site {
    name: "test_guard::stalling",
    file: file!(),
    line: line!(),
    column: 1,
};
static CLEAN: Site = Site {
    name: "test_guard::clean",
    file: file!(),
    line: line!(),
    column: 1,
};

#[inline(never)]
fn hold_the_thread() {
    std::thread::sleep(Duration::from_millis(300));
    // Keeps this frame on the stack: no tail call into `sleep` in optimized builds.
    std::hint::black_box(());
}

/// Holds the thread 300 ms at a time until the watchdog has reported it live (at most
/// 20 s): the stall is long enough to be seen however slowly the machine schedules the
/// watchdog thread.
fn hold_until_seen(seen: &AtomicBool) {
    let start = Instant::now();
    while !seen.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(20) {
        hold_the_thread();
    }
}

#[test]
fn a_test_fails_on_its_own_stall_only() {
    // The process's watchdog, which test guards join; its callback tells the stalling
    // task when it has been seen.
    let seen = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&seen);
    support::hermetic();
    let watchdog = Watchdog::builder()
        .enabled(true)
        .console(Console::Never)
        .on_stall(move |report| {
            if report.still_blocked {
                flag.store(true, Ordering::SeqCst);
            }
        })
        .start()
        .expect("watchdog");
    assert!(watchdog.is_enabled(), "the guards join a running watchdog");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stalling = TestGuard::start(&STALLING);
    let clean = TestGuard::start(&CLEAN);
    runtime.block_on(async {
        let stalled = stalling.watch(async {
            // Spawned from the stalling test's body: inherits its scope.
            blockwatch_watchdog::spawn(async move { hold_until_seen(&seen) })
                .await
                .unwrap();
        });
        let calm = clean.watch(async {
            tokio::time::sleep(Duration::from_millis(400)).await;
        });
        tokio::join!(stalled, calm);
    });
    clean.finish();
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stalling.finish()))
        .expect_err("the stalling test fails");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("hold_the_thread"), "{message}");
    assert!(message.contains("test_guard::stalling"), "{message}");
    assert!(message.contains("test_guard.rs"), "{message}");
}
