//! With `--cfg tokio_unstable`, `instrument` covers every task of a runtime, even
//! those spawned with plain `tokio::spawn`, with task id and spawn location.
#![cfg(tokio_unstable)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use blockwatch_watchdog::StallReport;
use support::{builder, turn, StartEnabled, PATIENCE};

#[inline(never)]
fn sleep_300ms_unwrapped() {
    std::thread::sleep(Duration::from_millis(300));
    // Keeps this frame on the stack: no tail call into `sleep` in optimized builds.
    std::hint::black_box(());
}

fn instrumented(mut builder: tokio::runtime::Builder) -> tokio::runtime::Runtime {
    blockwatch_watchdog::instrument(&mut builder)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn plain_tokio_tasks_are_watched_through_the_hooks() {
    let _turn = turn();
    let seen = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&seen);
    let watchdog = builder()
        .on_stall(move |report| {
            if report.still_blocked {
                flag.store(true, Ordering::SeqCst);
            }
        })
        .start_enabled();
    let mut multi = tokio::runtime::Builder::new_multi_thread();
    multi.worker_threads(2);
    for runtime in [
        instrumented(multi),
        instrumented(tokio::runtime::Builder::new_current_thread()),
    ] {
        seen.store(false, Ordering::SeqCst);
        let held = Arc::clone(&seen);
        let task_id = runtime.block_on(async {
            // Held until reported live, however late the watchdog looks.
            let handle = tokio::spawn(async move {
                let start = Instant::now();
                while !held.load(Ordering::SeqCst) && start.elapsed() < PATIENCE {
                    sleep_300ms_unwrapped();
                }
            });
            let id = handle.id();
            handle.await.unwrap();
            id
        });
        let ours = |report: &StallReport| {
            report.task_id.map(|id| id.to_string()) == Some(task_id.to_string())
        };
        let live = watchdog
            .wait_for_report(PATIENCE, |report| ours(report) && report.still_blocked)
            .expect("a live report of the task");
        let done = watchdog
            .wait_for_report(PATIENCE, |report| ours(report) && !report.still_blocked)
            .expect("a final report of the task");
        assert_eq!(
            live.task,
            format!("spawned at {}", live.location.as_deref().unwrap()),
            "named by where it was spawned, not a bare task id"
        );
        support::assert_live_in_time(&live, support::THRESHOLD);
        assert!(
            live.location
                .as_deref()
                .unwrap()
                .contains("runtime_hooks.rs"),
            "{live}"
        );
        assert!(live.stack_contains("sleep_300ms_unwrapped"), "{live}");
        assert!(!done.still_blocked);
        assert!(done.elapsed >= Duration::from_millis(250), "{done}");
    }
}

#[test]
fn well_behaved_hooked_tasks_produce_no_report() {
    let _turn = turn();
    let watchdog = builder().start_enabled();
    let runtime = instrumented(tokio::runtime::Builder::new_current_thread());
    runtime.block_on(async {
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                tokio::spawn(async {
                    for _ in 0..20 {
                        tokio::task::yield_now().await;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    support::wait_for_scans(&watchdog, support::SILENCE_SCANS);
    watchdog.assert_no_stalls();
}
