//! The watchdog under load and faults, on real runtimes: it must never hurt the program
//! it watches. Many tasks at once, panics in the middle of a poll, two runtimes in one
//! process, stacks captured while the target thread is inside the allocator, threads
//! that exit right after their stall is detected.
//!
//! No timing assertions: every wait is bounded by `PATIENCE`, a failure only if the
//! watchdog hangs, crashes, loses a report or reports what did not happen.

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use std::time::{Duration, Instant};

use support::{
    builder, current_thread, multi_thread, turn, Seen, StartEnabled, PATIENCE, THRESHOLD,
};

/// Spawns `future` as a watched task on `runtime` and waits for it.
fn run_watched<F>(
    runtime: &tokio::runtime::Runtime,
    name: &str,
    future: F,
) -> Result<F::Output, tokio::task::JoinError>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime.block_on(async { blockwatch_watchdog::spawn_named(name, future).await })
}

/// Blocks the thread, 200 ms at a time, until `task` has been reported live.
fn hold_until_seen(seen: &Seen, task: &str) {
    seen.hold_until_seen_with(task, sleep_200ms);
}

#[inline(never)]
fn sleep_200ms() {
    std::thread::sleep(Duration::from_millis(200));
    std::hint::black_box(());
}

/// Allocates and frees in a loop for `duration`: most of the time is spent inside
/// malloc/free, holding the allocator's locks, when the capture signal arrives.
#[inline(never)]
fn churn_the_allocator(duration: Duration) -> usize {
    let start = Instant::now();
    let mut kept = 0usize;
    let mut round = 0usize;
    while start.elapsed() < duration {
        let mut pieces: Vec<Vec<u8>> = (0..64).map(|i| vec![i as u8; 16 + i * 40]).collect();
        pieces.retain(|p| p.len() % 3 != 0);
        let joined: String = pieces.iter().map(|p| p.len().to_string()).collect();
        kept = kept.wrapping_add(joined.len());
        round += 1;
    }
    std::hint::black_box(round);
    kept
}

#[test]
fn ten_thousand_concurrent_tasks_one_stall_one_report() {
    const TASKS: usize = 10_000;
    let _turn = turn();
    let seen = Seen::default();
    // A higher threshold than the other tests: 10,000 short polls on a loaded machine
    // must not turn a descheduled worker into a stall of a well-behaved task.
    let watchdog = seen
        .builder()
        .threshold(Duration::from_millis(250))
        .start_enabled();
    let runtime = multi_thread(2);
    let finished = Arc::new(AtomicUsize::new(0));
    runtime.block_on(async {
        let gate = Arc::new(tokio::sync::Notify::new());
        let mut handles = Vec::with_capacity(TASKS + 1);
        for i in 0..TASKS {
            let (gate, finished) = (Arc::clone(&gate), Arc::clone(&finished));
            handles.push(blockwatch_watchdog::spawn(async move {
                // All alive at once: each waits for the gate, then yields a few times.
                gate.notified().await;
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
                finished.fetch_add(1, Ordering::Relaxed);
                i
            }));
        }
        // One task among them blocks its worker.
        let blocker = seen.clone();
        handles.push(blockwatch_watchdog::spawn_named(
            "the-blocker",
            async move {
                hold_until_seen(&blocker, "the-blocker");
                TASKS
            },
        ));
        tokio::time::sleep(Duration::from_millis(20)).await;
        gate.notify_waiters();
        let mut sum = 0usize;
        for handle in handles {
            sum += handle.await.expect("no task fails");
        }
        assert_eq!(sum, (0..=TASKS).sum::<usize>(), "every output arrives");
    });
    assert_eq!(finished.load(Ordering::Relaxed), TASKS);
    assert!(watchdog.flush());
    // One stall, blamed on the blocking task only: its live and its final report.
    let reports: Vec<(String, bool)> = watchdog
        .reports()
        .into_iter()
        .map(|r| (r.task, r.still_blocked))
        .collect();
    assert_eq!(
        reports,
        [
            ("the-blocker".to_string(), true),
            ("the-blocker".to_string(), false)
        ]
    );
    assert_eq!(watchdog.summary().stalls(), 1, "{}", watchdog.summary());
}

#[test]
fn a_task_that_panics_mid_poll_leaves_its_worker_clean() {
    let _turn = turn();
    let seen = Seen::default();
    let watchdog = seen.builder().start_enabled();
    let runtime = multi_thread(1);
    // A stall that ends in a panic: reported live, then closed with its final report.
    let panicking = seen.clone();
    let stalled_then_panicked = run_watched(&runtime, "panics", async move {
        hold_until_seen(&panicking, "panics");
        panic!("the task gives up mid-poll");
    });
    assert!(stalled_then_panicked.unwrap_err().is_panic());
    // Panics without a stall, many of them, on the same worker.
    for _ in 0..50 {
        let quick = run_watched(&runtime, "quick", async {
            tokio::task::yield_now().await;
            panic!("quick panic");
        });
        assert!(quick.unwrap_err().is_panic());
    }
    assert!(watchdog.flush());
    let reports = watchdog.reports();
    let live = reports.iter().filter(|r| r.still_blocked).count();
    let done = reports.iter().filter(|r| !r.still_blocked).count();
    assert_eq!((live, done), (1, 1), "{reports:?}");
    // The unwound polls left no busy slot behind: an idle worker is never reported,
    // however long the watchdog keeps scanning.
    runtime.block_on(async {
        for _ in 0..20 {
            blockwatch_watchdog::spawn(tokio::time::sleep(THRESHOLD / 4))
                .await
                .unwrap();
        }
    });
    // Scans enough to have seen a busy slot held past the threshold twice over.
    support::wait_for_scans(&watchdog, support::SILENCE_SCANS);
    assert!(watchdog.flush());
    assert_eq!(watchdog.reports().len(), 2, "no phantom stall after panics");
    assert_eq!(watchdog.summary().stalls(), 1);
}

#[test]
fn two_runtimes_in_one_process_are_both_watched() {
    let _turn = turn();
    let seen = Seen::default();
    let watchdog = seen.builder().start_enabled();
    let multi = multi_thread(2);
    let barrier = Arc::new(Barrier::new(2));
    let other = {
        let barrier = Arc::clone(&barrier);
        let seen = seen.clone();
        std::thread::Builder::new()
            .name("second-runtime".into())
            .spawn(move || {
                let single = current_thread();
                barrier.wait();
                run_watched(&single, "in-current-thread", async move {
                    hold_until_seen(&seen, "in-current-thread")
                })
            })
            .unwrap()
    };
    barrier.wait();
    let here = seen.clone();
    run_watched(&multi, "in-multi-thread", async move {
        hold_until_seen(&here, "in-multi-thread")
    })
    .unwrap();
    other.join().unwrap().unwrap();
    assert!(watchdog.flush());
    let reports = watchdog.reports();
    let tasks: HashSet<&str> = reports
        .iter()
        .filter(|r| r.still_blocked)
        .map(|r| r.task.as_str())
        .collect();
    assert_eq!(
        tasks,
        HashSet::from(["in-multi-thread", "in-current-thread"]),
        "{reports:?}"
    );
    let keys: HashSet<u64> = reports.iter().map(|r| r.stall_key()).collect();
    assert_eq!(keys.len(), 2, "two distinct stalls");
    // A live and a final report for each, nothing else.
    let mut all: Vec<(&str, bool)> = reports
        .iter()
        .map(|r| (r.task.as_str(), r.still_blocked))
        .collect();
    all.sort();
    assert_eq!(
        all,
        [
            ("in-current-thread", false),
            ("in-current-thread", true),
            ("in-multi-thread", false),
            ("in-multi-thread", true),
        ]
    );
    assert_eq!(watchdog.summary().stalls(), 2);
}

#[test]
fn stacks_are_captured_while_the_target_allocates_and_frees() {
    const THREADS: usize = 2;
    const STALLS_EACH: usize = 8;
    let _turn = turn();
    // Each stall churns until its own live report is in, so every capture lands while
    // the thread is allocating, however slowly the machine schedules the watchdog.
    let seen = Seen::default();
    let watchdog = seen.builder().start_enabled();
    let start = Instant::now();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let runtime = current_thread();
                for i in 0..STALLS_EACH {
                    let name = format!("churn-{t}-{i}");
                    let seen = seen.clone();
                    let me = name.clone();
                    run_watched(&runtime, &name, async move {
                        let start = Instant::now();
                        let mut kept = 0usize;
                        while !seen.contains(&me) && start.elapsed() < PATIENCE {
                            kept = kept.wrapping_add(churn_the_allocator(THRESHOLD / 4));
                        }
                        kept
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no crash in the target thread");
    }
    assert!(watchdog.flush(), "captures and symbolization finish");
    assert!(start.elapsed() < PATIENCE, "bounded time: no deadlock");
    let reports = watchdog.reports();
    let live: Vec<_> = reports.iter().filter(|r| r.still_blocked).collect();
    let summary = watchdog.summary();
    assert_eq!(
        summary.stalls(),
        (THREADS * STALLS_EACH) as u64,
        "{summary}"
    );
    assert_eq!(live.len(), THREADS * STALLS_EACH, "{summary}");
    // A capture may time out on a starved machine (the report then says why), but
    // never crash or hang, and most land inside the churning code.
    assert!(
        live.iter()
            .all(|r| !r.backtrace.is_empty() || r.backtrace_note.is_some()),
        "an empty stack always says why"
    );
    let with_stack = live
        .iter()
        .filter(|r| r.stack_contains("churn_the_allocator"))
        .count();
    assert!(
        with_stack * 2 >= live.len(),
        "{with_stack} of {} stacks inside the allocating loop",
        live.len()
    );
}

#[test]
fn threads_that_exit_right_after_a_stall_never_crash_the_watchdog() {
    const THREADS: usize = 40;
    let _turn = turn();
    let seen = Seen::default();
    let watchdog = seen.builder().start_enabled();
    // Stalls barely past the threshold, on threads that exit as soon as the poll ends:
    // the capture signal races with the thread's exit. Every other one is held until
    // its live report is in, so that some stalls are surely seen.
    let exited = Arc::new(AtomicUsize::new(0));
    for round in 0..THREADS {
        let exited = Arc::clone(&exited);
        let stall = THRESHOLD + Duration::from_millis((round % 8) as u64 * 5);
        let seen = seen.clone();
        std::thread::spawn(move || {
            let runtime = current_thread();
            let name = format!("short-lived-{round}");
            let me = name.clone();
            run_watched(&runtime, &name, async move {
                std::thread::sleep(stall);
                if round % 2 == 0 {
                    hold_until_seen(&seen, &me);
                }
            })
            .unwrap();
            drop(runtime);
            exited.fetch_add(1, Ordering::SeqCst);
        })
        .join()
        .expect("the thread exits cleanly");
    }
    assert_eq!(exited.load(Ordering::SeqCst), THREADS);
    assert!(watchdog.flush());
    // Each stall seen has exactly one final report, at most one live one, and is one
    // of the rounds; every held round is among them.
    let reports = watchdog.reports();
    let stalls = watchdog.summary().stalls() as usize;
    let finals: Vec<&str> = reports
        .iter()
        .filter(|r| !r.still_blocked)
        .map(|r| r.task.as_str())
        .collect();
    let lives: Vec<&str> = reports
        .iter()
        .filter(|r| r.still_blocked)
        .map(|r| r.task.as_str())
        .collect();
    assert_eq!(finals.len(), stalls, "{reports:?}");
    assert_eq!(
        finals.iter().collect::<HashSet<_>>().len(),
        stalls,
        "{finals:?}"
    );
    assert_eq!(
        lives.iter().collect::<HashSet<_>>().len(),
        lives.len(),
        "{lives:?}"
    );
    assert!(
        lives.iter().all(|l| finals.contains(l)),
        "{lives:?} {finals:?}"
    );
    for round in (0..THREADS).step_by(2) {
        let name = format!("short-lived-{round}");
        assert!(
            lives.contains(&name.as_str()),
            "{name} held until seen: {lives:?}"
        );
    }
    assert!((THREADS / 2..=THREADS).contains(&stalls), "{stalls} stalls");
    // Still fully working afterwards: a later stall gets its live report with a stack.
    let release = Arc::new(AtomicBool::new(false));
    let task_release = Arc::clone(&release);
    let late = std::thread::spawn(move || {
        run_watched(&current_thread(), "late", async move {
            let start = Instant::now();
            while !task_release.load(Ordering::SeqCst) && start.elapsed() < PATIENCE {
                sleep_200ms();
            }
        })
    });
    let live = watchdog
        .wait_for_report(PATIENCE, |r| r.still_blocked && r.task == "late")
        .expect("the watchdog still reports");
    release.store(true, Ordering::SeqCst);
    late.join().unwrap().unwrap();
    assert!(live.stack_contains("sleep_200ms"), "{live:?}");
}

#[test]
fn a_full_report_buffer_counts_what_it_drops_and_the_callback_sees_everything() {
    const THREADS: usize = 30;
    const KEPT: usize = 10;
    let _turn = turn();
    let delivered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&delivered);
    // Reports sent with raw frames (symbols still loading) and their updates.
    let raw = Arc::new(AtomicUsize::new(0));
    let updates = Arc::new(AtomicUsize::new(0));
    let (raw_counter, update_counter) = (Arc::clone(&raw), Arc::clone(&updates));
    let seen = Seen::default();
    let observer = seen.clone();
    let watchdog = builder()
        .max_reports(KEPT)
        .on_stall(move |report| {
            observer.observe(report);
            if report.update {
                update_counter.fetch_add(1, Ordering::SeqCst);
            } else {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            if !report.symbolized {
                raw_counter.fetch_add(1, Ordering::SeqCst);
            }
        })
        .start_enabled();
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let seen = seen.clone();
            std::thread::spawn(move || {
                let runtime = current_thread();
                let name = format!("burst-{i}");
                barrier.wait();
                let me = name.clone();
                run_watched(&runtime, &name, async move { hold_until_seen(&seen, &me) }).unwrap();
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(watchdog.flush());
    let summary = watchdog.summary();
    assert_eq!(summary.stalls(), THREADS as u64, "{summary}");
    assert_eq!(watchdog.reports().len(), KEPT);
    // A live and a final report per stall: all reach the callback; the buffer keeps
    // KEPT and counts the rest.
    assert_eq!(delivered.load(Ordering::SeqCst), 2 * THREADS);
    // Each report sent before symbols were ready has exactly one update.
    assert_eq!(updates.load(Ordering::SeqCst), raw.load(Ordering::SeqCst));
    assert_eq!(
        summary.dropped_reports,
        (2 * THREADS - KEPT) as u64,
        "{summary}"
    );
}
