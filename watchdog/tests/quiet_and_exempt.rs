//! What must not be reported: well-behaved tasks, `block_in_place`, allow-listed sites.

mod support;

use std::time::Duration;

use blockwatch_watchdog::WatchExt;
use support::{builder, current_thread, multi_thread, turn};

#[test]
fn well_behaved_tasks_produce_no_report() {
    let _turn = turn();
    let watchdog = builder().start().expect("watchdog");
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
    watchdog.assert_no_stalls();
    assert_eq!(watchdog.summary().stalls(), 0);
}

#[test]
fn block_in_place_is_exempt_and_counted() {
    let _turn = turn();
    let watchdog = builder().start().expect("watchdog");
    multi_thread(2).block_on(async {
        blockwatch_watchdog::spawn(async {
            blockwatch_watchdog::block_in_place(|| std::thread::sleep(Duration::from_millis(300)));
        })
        .await
        .unwrap();
    });
    watchdog.assert_no_stalls();
    assert_eq!(watchdog.summary().exempt, 1);
}

#[test]
fn allow_listed_sites_are_counted_not_reported() {
    let _turn = turn();
    let watchdog = builder().allow("warm-cache").start().expect("watchdog");
    current_thread().block_on(async {
        blockwatch_watchdog::spawn_named("warm-cache", async {
            std::thread::sleep(Duration::from_millis(300));
        })
        .await
        .unwrap();
    });
    watchdog.assert_no_stalls();
    assert_eq!(watchdog.summary().allowed, 1);
}

#[test]
fn the_innermost_wrapper_is_blamed() {
    let _turn = turn();
    let watchdog = builder().start().expect("watchdog");
    current_thread().block_on(
        async {
            tokio::task::yield_now().await;
            async { std::thread::sleep(Duration::from_millis(300)) }
                .watched("inner")
                .await;
        }
        .watched("outer"),
    );
    let stalls = watchdog.check().expect_err("a stall");
    assert!(
        stalls.reports().iter().all(|report| report.task == "inner"),
        "{stalls}"
    );
    let summary = watchdog.summary();
    assert_eq!(summary.stalls(), 1, "{summary}");
}
