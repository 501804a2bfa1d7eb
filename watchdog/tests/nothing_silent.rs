//! Nothing silent: a report, the summary and the watchdog's own notices reach the user
//! whatever the `tracing` setup, a watchdog that watches nothing says so once, and
//! `instrument` without `--cfg tokio_unstable` says which cfg to add.

mod capture;
mod support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blockwatch_watchdog::Watchdog;
use support::{builder, current_thread, multi_thread, turn, PATIENCE, THRESHOLD};

const NOTHING_WATCHED: &str = "has watched no future";

fn is_nothing_watched(event: &capture::Captured) -> bool {
    event.level == tracing::Level::WARN && event.message().contains(NOTHING_WATCHED)
}

#[inline(never)]
fn filtered_helper_sleep() {
    std::thread::sleep(Duration::from_millis(50));
    std::hint::black_box(());
}

/// Tasks the watchdog has reported live, fed by its callback.
#[derive(Clone, Default)]
struct Live(Arc<Mutex<Vec<String>>>);

impl Live {
    fn hold_until_reported(&self, task: &str) {
        let start = Instant::now();
        while !self.0.lock().unwrap().iter().any(|seen| seen == task) {
            assert!(start.elapsed() < PATIENCE, "no live report of {task}");
            filtered_helper_sleep();
        }
    }
}

/// Run by the test below in a child process: a program whose global subscriber is
/// filtered at ERROR (tracing-subscriber's fmt), with the watchdog's default console.
#[test]
#[ignore = "run in a child process by an_error_filtered_subscriber_still_gets_reports_on_stderr"]
fn child_error_filtered_subscriber() {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::ERROR)
        .with_writer(std::io::stderr)
        .init();
    let live = Live::default();
    let seen = live.clone();
    let watchdog = Watchdog::builder()
        .enabled(true)
        .threshold(THRESHOLD)
        .capture_timeout(Duration::from_secs(2))
        .on_stall(move |report| {
            if report.still_blocked && !report.update {
                seen.0.lock().unwrap().push(report.task.clone());
            }
        })
        .start()
        .expect("watchdog");
    for (name, runtime) in [
        ("filtered-current", current_thread()),
        ("filtered-multi", multi_thread(2)),
    ] {
        let live = live.clone();
        runtime.block_on(async move {
            blockwatch_watchdog::spawn_named(name, async move { live.hold_until_reported(name) })
                .await
                .unwrap();
        });
    }
    assert!(watchdog.flush());
    drop(watchdog);
}

#[test]
fn an_error_filtered_subscriber_still_gets_reports_on_stderr() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_error_filtered_subscriber",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_remove("BLOCKWATCH")
        .env_remove("BLOCKWATCH_THRESHOLD_MS")
        .env_remove("BLOCKWATCH_REPORT")
        .output()
        .expect("the test binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stderr}");
    for task in ["filtered-current", "filtered-multi"] {
        let live = format!("blockwatch: task `{task}`");
        let line = stderr
            .lines()
            .find(|line| line.starts_with(&live) && line.contains("STILL BLOCKED"))
            .unwrap_or_else(|| panic!("no live report of {task} on stderr:\n{stderr}"));
        assert!(line.contains("nothing_silent.rs"), "{line}");
        assert!(
            stderr.contains(&format!("{task} at ")),
            "the summary names {task}:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("blockwatch summary: 2 stall(s)"),
        "the summary is on stderr:\n{stderr}"
    );
}

/// Plain tokio tasks, which nothing watches on stable, until `until` holds.
async fn plain_tasks_until(until: impl Fn() -> bool) {
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        })
        .collect();
    let start = Instant::now();
    while !until() {
        assert!(start.elapsed() < PATIENCE, "the condition never held");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
}

#[test]
fn a_watchdog_started_in_a_runtime_that_watches_nothing_says_so_once() {
    let _turn = turn();
    capture::install();
    for runtime in [current_thread(), multi_thread(2)] {
        let before = capture::count(is_nothing_watched);
        runtime.block_on(async {
            let watchdog = builder().start().expect("watchdog");
            plain_tasks_until(|| capture::count(is_nothing_watched) > before).await;
            assert_eq!(watchdog.summary().watched_polls, 0);
            drop(watchdog);
        });
        let notices: Vec<_> = capture::events()
            .into_iter()
            .filter(is_nothing_watched)
            .skip(before)
            .collect();
        assert_eq!(
            notices.len(),
            1,
            "said once, not again at exit: {notices:?}"
        );
        let message = notices[0].message();
        assert!(
            message.contains("put `#[blockwatch::main]` in place of `#[tokio::main]`"),
            "{message}"
        );
    }
}

#[test]
fn a_watchdog_that_watched_nothing_says_so_when_it_stops() {
    let _turn = turn();
    capture::install();
    let before = capture::count(is_nothing_watched);
    let watchdog = builder().start().expect("watchdog");
    multi_thread(2).block_on(async {
        // A plain task is not watched on stable; a runtime built by hand has no hooks.
        tokio::spawn(async { tokio::task::yield_now().await })
            .await
            .unwrap();
    });
    drop(watchdog);
    assert_eq!(capture::count(is_nothing_watched), before + 1);
    let summary = capture::events()
        .into_iter()
        .rev()
        .find(|event| event.message().starts_with("watchdog summary"))
        .expect("a summary event");
    assert_eq!(summary.fields["watched_polls"], "0");
}

#[test]
fn a_watchdog_that_watched_a_future_says_nothing_about_it() {
    let _turn = turn();
    capture::install();
    let before = capture::count(is_nothing_watched);
    for runtime in [current_thread(), multi_thread(2)] {
        let watchdog = builder().start().expect("watchdog");
        runtime.block_on(async {
            blockwatch_watchdog::spawn_named("watched-once", async {
                tokio::task::yield_now().await;
            })
            .await
            .unwrap();
        });
        assert!(watchdog.flush());
        assert!(
            watchdog.summary().watched_polls >= 2,
            "{:?}",
            watchdog.summary()
        );
        drop(watchdog);
    }
    assert_eq!(capture::count(is_nothing_watched), before);
}

#[cfg(not(tokio_unstable))]
#[test]
fn instrument_without_tokio_unstable_warns_once_with_the_cfg_to_add() {
    let _turn = turn();
    capture::install();
    let watchdog = builder().start().expect("watchdog");
    let mut current = tokio::runtime::Builder::new_current_thread();
    let mut multi = tokio::runtime::Builder::new_multi_thread();
    multi.worker_threads(2);
    for builder in [&mut current, &mut multi] {
        let runtime = blockwatch_watchdog::instrument(builder)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async { tokio::spawn(async { 7 }).await.unwrap() });
    }
    drop(watchdog);
    let warnings: Vec<_> = capture::events()
        .into_iter()
        .filter(|event| event.message().contains("`blockwatch::instrument` needs"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].level, tracing::Level::WARN);
    assert!(
        warnings[0]
            .message()
            .contains(r#"[build] rustflags = ["--cfg", "tokio_unstable"]"#),
        "{}",
        warnings[0].message()
    );
}

#[test]
fn a_stall_that_ends_just_before_the_watchdog_stops_gets_its_final_report() {
    let _turn = turn();
    for (name, runtime) in [
        ("ends-at-exit-current", current_thread()),
        ("ends-at-exit-multi", multi_thread(2)),
    ] {
        let live = Live::default();
        let finals = Arc::new(Mutex::new(Vec::new()));
        let (seen, done) = (live.clone(), Arc::clone(&finals));
        let watchdog = builder()
            .on_stall(move |report| {
                // Stalls, not their updates (the symbolized stack of a report sent early).
                if report.update {
                    return;
                }
                if report.still_blocked {
                    seen.0.lock().unwrap().push(report.task.clone());
                } else {
                    done.lock().unwrap().push(report.task.clone());
                }
            })
            .start()
            .expect("watchdog");
        let holder = live.clone();
        runtime.block_on(async move {
            blockwatch_watchdog::spawn_named(name, async move { holder.hold_until_reported(name) })
                .await
                .unwrap();
        });
        // No flush: the program stops the watchdog right after the stall has ended.
        drop(watchdog);
        assert_eq!(*finals.lock().unwrap(), vec![name.to_owned()]);
    }
}
