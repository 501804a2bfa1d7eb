//! `#[blockwatch::test]` support: each test has its own scope on the shared watchdog,
//! and fails only on its own stalls. Written the way the attribute expands.

use std::time::Duration;

use blockwatch_watchdog::__private::{Site, TestGuard};

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

#[test]
fn a_test_fails_on_its_own_stall_only() {
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
            blockwatch_watchdog::spawn(async { hold_the_thread() })
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
