//! What must not be reported: well-behaved tasks, `block_in_place`, allow-listed sites.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use blockwatch_watchdog::WatchExt;
use support::{
    builder, current_thread, multi_thread, turn, wait_for_scans, Seen, StartEnabled, PATIENCE,
    SILENCE_SCANS,
};

#[test]
fn well_behaved_tasks_produce_no_report() {
    let _turn = turn();
    let watchdog = builder().start_enabled();
    for runtime in [multi_thread(2), current_thread()] {
        runtime.block_on(async {
            let yielder = blockwatch_watchdog::spawn(async {
                for _ in 0..2_000 {
                    tokio::task::yield_now().await;
                }
            });
            let sleeper = blockwatch_watchdog::spawn(async {
                for _ in 0..3 {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
            let offloaded = blockwatch_watchdog::spawn(async {
                tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(300)))
                    .await
                    .unwrap();
            });
            yielder.await.unwrap();
            sleeper.await.unwrap();
            offloaded.await.unwrap();
        });
    }
    wait_for_scans(&watchdog, SILENCE_SCANS);
    watchdog.assert_no_stalls();
    assert_eq!(watchdog.summary().stalls(), 0);
}

#[test]
fn block_in_place_is_exempt_and_counted() {
    let _turn = turn();
    let watchdog = builder().start_enabled();
    multi_thread(2).block_on(async {
        blockwatch_watchdog::spawn(async {
            blockwatch_watchdog::block_in_place(|| std::thread::sleep(Duration::from_millis(300)));
        })
        .await
        .unwrap();
    });
    wait_for_scans(&watchdog, SILENCE_SCANS);
    watchdog.assert_no_stalls();
    assert_eq!(watchdog.summary().exempt, 1);
}

#[test]
fn allow_listed_sites_are_counted_not_reported() {
    let _turn = turn();
    let watchdog = Arc::new(builder().allow("warm-cache").start_enabled());
    let counted = Arc::clone(&watchdog);
    current_thread().block_on(async {
        blockwatch_watchdog::spawn_named("warm-cache", async move {
            // Held until the watchdog has counted it, however late it looks.
            let start = Instant::now();
            while counted.summary().allowed == 0 && start.elapsed() < PATIENCE {
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .await
        .unwrap();
    });
    wait_for_scans(&watchdog, SILENCE_SCANS);
    watchdog.assert_no_stalls();
    assert_eq!(watchdog.summary().allowed, 1);
}

#[test]
fn the_innermost_wrapper_is_blamed() {
    let _turn = turn();
    let seen = Seen::default();
    let watchdog = seen.builder().start_enabled();
    current_thread().block_on(
        async {
            tokio::task::yield_now().await;
            async {
                seen.hold_until_seen_with("inner", || {
                    std::thread::sleep(Duration::from_millis(100))
                })
            }
            .watched("inner")
            .await;
        }
        .watched("outer"),
    );
    let stalls = watchdog.check().expect_err("a stall");
    let blamed: Vec<(&str, bool)> = stalls
        .reports()
        .iter()
        .map(|r| (r.task.as_str(), r.still_blocked))
        .collect();
    assert_eq!(blamed, [("inner", true), ("inner", false)], "{stalls}");
    let summary = watchdog.summary();
    assert_eq!(summary.stalls(), 1, "{summary}");
}
