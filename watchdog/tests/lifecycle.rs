//! Starting, stopping and sharing the watchdog; shutdowns in the middle of a stall;
//! many stalls at once; the report file.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use blockwatch_watchdog::StartError;
use support::{builder, current_thread, live_and_final, multi_thread, turn, PATIENCE};

#[inline(never)]
fn sleep_400ms() {
    std::thread::sleep(Duration::from_millis(400));
    // Keeps this frame on the stack: no tail call into `sleep` in optimized builds.
    std::hint::black_box(());
}

/// Blocks the thread, 400 ms at a time, until `release` is set: the test decides when
/// the stall ends, however slowly the machine runs.
fn hold_until(release: &AtomicBool) {
    let start = Instant::now();
    while !release.load(Ordering::SeqCst) && start.elapsed() < PATIENCE {
        sleep_400ms();
    }
}

fn wait_until(flag: &AtomicBool) {
    let start = Instant::now();
    while !flag.load(Ordering::SeqCst) {
        assert!(start.elapsed() < PATIENCE, "gave up waiting");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn one_watchdog_per_process() {
    let _turn = turn();
    let first = builder().start().expect("first watchdog");
    assert!(matches!(builder().start(), Err(StartError::AlreadyRunning)));
    // A disabled watchdog never conflicts: it runs nothing.
    let inert = builder().enabled(false).start().expect("inert handle");
    assert!(!inert.is_enabled());
    drop(first);
    let again = builder()
        .start()
        .expect("a new watchdog once the first is gone");
    assert!(again.is_enabled());
}

#[test]
fn a_burst_of_100_stalls_loses_none() {
    const THREADS: usize = 100;
    let _turn = turn();
    let watchdog = builder().start().expect("watchdog");
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let runtime = current_thread();
                barrier.wait();
                runtime.block_on(async {
                    blockwatch_watchdog::spawn(async { sleep_400ms() })
                        .await
                        .unwrap();
                });
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(watchdog.flush());
    let reports = watchdog.reports();
    let live = reports.iter().filter(|report| report.still_blocked).count();
    let done = reports
        .iter()
        .filter(|report| !report.still_blocked)
        .count();
    let summary = watchdog.summary();
    assert_eq!((live, done), (THREADS, THREADS), "{summary}");
    assert_eq!(summary.stalls(), THREADS as u64);
    assert_eq!(summary.dropped_reports, 0);
    let with_stack = reports
        .iter()
        .filter(|report| report.still_blocked && report.stack_contains("sleep_400ms"))
        .count();
    assert_eq!(with_stack, THREADS, "every live report has its stack");
}

#[test]
fn runtime_shutdown_during_a_stall_neither_hangs_nor_crashes() {
    let _turn = turn();
    let watchdog = builder().start().expect("watchdog");
    let runtime = multi_thread(2);
    let release = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let (task_release, task_done) = (Arc::clone(&release), Arc::clone(&done));
    runtime.spawn(async move {
        blockwatch_watchdog::spawn(async move {
            hold_until(&task_release);
            task_done.store(true, Ordering::SeqCst);
        })
        .await
    });
    watchdog
        .wait_for_report(PATIENCE, |report| report.still_blocked)
        .expect("a live report");
    // Returns while the worker is still blocked; the worker finishes on its own.
    runtime.shutdown_timeout(Duration::from_millis(10));
    assert!(!done.load(Ordering::SeqCst));
    release.store(true, Ordering::SeqCst);
    wait_until(&done);
    let (live, end) = live_and_final(&watchdog);
    assert_eq!(live.stall_key(), end.stall_key());
}

#[test]
fn dropping_the_watchdog_during_a_stall_is_clean() {
    let _turn = turn();
    let watchdog = builder().start().expect("watchdog");
    let release = Arc::new(AtomicBool::new(false));
    let task_release = Arc::clone(&release);
    let blocked = std::thread::spawn(move || {
        current_thread().block_on(async move {
            blockwatch_watchdog::spawn(async move { hold_until(&task_release) })
                .await
                .unwrap();
        });
    });
    watchdog
        .wait_for_report(PATIENCE, |report| report.still_blocked)
        .expect("a live report");
    let summary = watchdog.summary();
    drop(watchdog);
    assert_eq!(summary.stalls(), 1, "a live stall counts: {summary}");
    release.store(true, Ordering::SeqCst);
    blocked.join().unwrap();
    let next = builder().start().expect("a watchdog can start again");
    next.assert_no_stalls();
}

#[test]
fn reports_go_to_the_json_lines_file_with_a_summary() {
    let _turn = turn();
    let path = std::env::temp_dir().join(format!("blockwatch-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let watchdog = builder().json_report(&path).start().expect("watchdog");
    current_thread().block_on(async {
        blockwatch_watchdog::spawn_named("json-sleeper", async { sleep_400ms() })
            .await
            .unwrap();
    });
    assert!(watchdog.flush());
    drop(watchdog);
    let text = std::fs::read_to_string(&path).expect("report file");
    let _ = std::fs::remove_file(&path);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let stalls: Vec<_> = lines
        .iter()
        .filter(|line| line["kind"] == "stall")
        .collect();
    assert_eq!(stalls.len(), 2, "{text}");
    for stall in &stalls {
        assert_eq!(stall["task"], "json-sleeper");
        assert!(stall["location"].as_str().unwrap().contains("lifecycle.rs"));
        assert!(stall["thread"].is_string());
        assert!(stall["elapsed_ms"].as_f64().unwrap() >= 60.0);
        assert!(stall["backtrace"]
            .as_array()
            .unwrap()
            .iter()
            .any(|frame| frame.as_str().unwrap().contains("sleep_400ms")));
    }
    assert_eq!(stalls[0]["still_blocked"], true);
    assert_eq!(stalls[1]["still_blocked"], false);
    let summary = lines.last().unwrap();
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["stalls"], 1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_signal_with_a_handler_of_the_application_is_refused() {
    extern "C" fn application_handler(_signal: libc::c_int) {}
    let _turn = turn();
    let signal = libc::SIGRTMIN() + 4;
    // SAFETY: installing a trivial handler on a real-time signal nobody else uses here.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = application_handler as *const () as usize;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(libc::sigaction(signal, &action, std::ptr::null_mut()), 0);
    }
    let refused = builder().stack_signal(signal).start();
    assert!(
        matches!(refused, Err(StartError::SignalInUse { signal: s, .. }) if s == signal),
        "{refused:?}"
    );
    let without_stacks = builder()
        .capture_stacks(false)
        .start()
        .expect("no signal needed");
    assert!(without_stacks.is_enabled());
}
