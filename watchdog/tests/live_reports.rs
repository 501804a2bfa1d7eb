//! Blocking tasks on real tokio runtimes are reported while they block, with their
//! location and the stack of the blocking function, and once more when they end.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blockwatch_watchdog::StallReport;
use support::{
    assert_live_in_time, current_thread, live_and_final, multi_thread, turn, Probe, StartEnabled,
    PATIENCE, THRESHOLD,
};

#[inline(never)]
fn sleep_300ms() {
    std::thread::sleep(Duration::from_millis(300));
    // Keeps this frame on the stack: no tail call into `sleep` in optimized builds.
    std::hint::black_box(());
}

#[inline(never)]
fn spin_300ms() {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(300) {
        std::hint::spin_loop();
    }
}

#[inline(never)]
fn lock_contended(mutex: &Mutex<u32>) -> u32 {
    *mutex.lock().unwrap()
}

fn assert_blamed(live: &StallReport, done: &StallReport, function: &str) {
    assert_live_in_time(live, THRESHOLD);
    assert!(!done.still_blocked);
    assert_eq!(live.stall_key(), done.stall_key());
    let location = live.location.as_deref().expect("a spawn location");
    assert!(location.contains("live_reports.rs"), "location: {location}");
    assert!(
        live.stack_contains(function),
        "the stack names `{function}`:\n{live}"
    );
    assert!(
        !live.stack_contains("on_signal"),
        "signal frames are trimmed:\n{live}"
    );
    assert!(done.elapsed >= live.elapsed, "{done}");
    assert!(done.elapsed >= Duration::from_millis(250), "{done}");
}

fn sleep_is_reported_live(runtime: tokio::runtime::Runtime) {
    let _turn = turn();
    let probe = Probe::default();
    let watchdog = probe.builder().start_enabled();
    let task_probe = probe.clone();
    runtime.block_on(async move {
        blockwatch_watchdog::spawn(async move { task_probe.block_until_seen(sleep_300ms) })
            .await
            .unwrap();
    });
    let (live, done) = live_and_final(&watchdog);
    assert!(probe.reported_while_running(), "{live}");
    assert_blamed(&live, &done, "sleep_300ms");
    drop(runtime);
}

#[test]
fn sleep_is_reported_live_on_a_multi_thread_runtime() {
    sleep_is_reported_live(multi_thread(2));
}

#[test]
fn sleep_is_reported_live_on_a_current_thread_runtime() {
    sleep_is_reported_live(current_thread());
}

#[test]
fn cpu_spin_is_reported_live() {
    let _turn = turn();
    let probe = Probe::default();
    let watchdog = probe.builder().start_enabled();
    let runtime = multi_thread(2);
    let task_probe = probe.clone();
    runtime.block_on(async move {
        blockwatch_watchdog::spawn(async move { task_probe.block_until_seen(spin_300ms) })
            .await
            .unwrap();
    });
    let (live, done) = live_and_final(&watchdog);
    assert!(probe.reported_while_running(), "{live}");
    assert_blamed(&live, &done, "spin_300ms");
    assert!(live.worker.is_some(), "a worker index: {live}");
}

#[test]
fn contended_mutex_is_reported_live() {
    let _turn = turn();
    let probe = Probe::default();
    let watchdog = probe.builder().start_enabled();
    let runtime = current_thread();
    let mutex = Arc::new(Mutex::new(7));
    let held = mutex.lock().unwrap();
    let task_mutex = Arc::clone(&mutex);
    let task_probe = probe.clone();
    let handle = std::thread::spawn(move || {
        runtime.block_on(async move {
            blockwatch_watchdog::spawn(async move {
                let value = lock_contended(&task_mutex);
                task_probe
                    .finished
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                value
            })
            .await
            .unwrap()
        })
    });
    let live = watchdog
        .wait_for_report(PATIENCE, |report| report.still_blocked)
        .expect("a live report");
    drop(held);
    assert_eq!(handle.join().unwrap(), 7);
    let (_, done) = live_and_final(&watchdog);
    assert!(probe.reported_while_running(), "{live}");
    assert_live_in_time(&live, THRESHOLD);
    assert!(live.stack_contains("lock_contended"), "{live}");
    assert!(!done.still_blocked);
}

#[test]
fn interrupted_sleep_still_sleeps_its_full_time() {
    let _turn = turn();
    let probe = Probe::default();
    let watchdog = probe.builder().start_enabled();
    let runtime = current_thread();
    let task_probe = probe.clone();
    let shortest = runtime.block_on(async move {
        blockwatch_watchdog::spawn(async move {
            let mut shortest = Duration::MAX;
            task_probe.block_until_seen(|| {
                let start = Instant::now();
                sleep_300ms();
                shortest = shortest.min(start.elapsed());
            });
            shortest
        })
        .await
        .unwrap()
    });
    let (live, _) = live_and_final(&watchdog);
    assert!(
        live.stack_contains("sleep_300ms"),
        "the signal came during the sleep: {live}"
    );
    assert!(
        shortest >= Duration::from_millis(300),
        "slept only {shortest:?}"
    );
}

#[test]
fn interrupted_pipe_read_returns_the_data() {
    use std::io::{Read, Write};

    let _turn = turn();
    let probe = Probe::default();
    let watchdog = probe.builder().start_enabled();
    let (mut reader, mut writer) = std::io::pipe().expect("pipe");
    let runtime = current_thread();
    let task = std::thread::spawn(move || {
        runtime.block_on(async move {
            blockwatch_watchdog::spawn(async move {
                let mut buffer = [0u8; 16];
                // One read(2) call: an EINTR would surface as an error here.
                let read = reader.read(&mut buffer);
                read.map(|count| buffer[..count].to_vec())
            })
            .await
            .unwrap()
        })
    });
    let live = watchdog
        .wait_for_report(PATIENCE, |report| report.still_blocked)
        .expect("a live report");
    writer.write_all(b"answer").unwrap();
    let data = task
        .join()
        .unwrap()
        .expect("the read is restarted, not failed");
    assert_eq!(data, b"answer");
    assert_live_in_time(&live, THRESHOLD);
    assert!(
        !live.backtrace.is_empty(),
        "a stack was taken during the read: {live}"
    );
}

#[test]
fn every_worker_stuck_is_still_reported() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let _turn = turn();
    let live = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&live);
    let watchdog = support::builder()
        .on_stall(move |report| {
            // Stalls, not their updates (the symbolized stack of a report sent early).
            if report.still_blocked && !report.update {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })
        .start_enabled();
    let runtime = multi_thread(2);
    runtime.block_on(async {
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let live = Arc::clone(&live);
                blockwatch_watchdog::spawn(async move {
                    // Both workers stay blocked until both stalls were reported.
                    let start = Instant::now();
                    while live.load(Ordering::SeqCst) < 2 && start.elapsed() < PATIENCE {
                        sleep_300ms();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert!(watchdog.flush());
    let mut workers: Vec<_> = watchdog
        .reports()
        .iter()
        .filter(|report| report.still_blocked)
        .map(|report| report.worker)
        .collect();
    workers.sort();
    assert_eq!(
        workers,
        [Some(0), Some(1)],
        "one live report per stuck worker"
    );
}
