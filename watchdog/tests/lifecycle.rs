//! Starting, stopping and sharing the watchdog; shutdowns in the middle of a stall;
//! many stalls at once; the report file; the environment variables and stderr, end to
//! end in a child process of this test binary.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use blockwatch_watchdog::{
    Console, StartError, Watchdog, ENV_ENABLE, ENV_REPORT, ENV_THRESHOLD_MS,
};
use support::{
    builder, current_thread, live_and_final, multi_thread, turn, Seen, StartEnabled, CHILD_MARKER,
    PATIENCE, THRESHOLD,
};

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
    let seen = Seen::default();
    let watchdog = seen.builder().start_enabled();
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let seen = seen.clone();
            std::thread::spawn(move || {
                let runtime = current_thread();
                barrier.wait();
                let name = format!("burst-{i}");
                let me = name.clone();
                runtime.block_on(async {
                    // Each held until its own live report is in.
                    blockwatch_watchdog::spawn_named(&name, async move {
                        seen.hold_until_seen_with(&me, sleep_400ms)
                    })
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
    let watchdog = builder().start_enabled();
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
    let watchdog = builder().start_enabled();
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
    let watchdog = builder().json_report(&path).start_enabled();
    let file = path.clone();
    let live_line = current_thread().block_on(async {
        // The stall lasts until its live report is in the file: the file is written
        // while the task is still blocked, not when the watchdog stops.
        blockwatch_watchdog::spawn_named("json-sleeper", async move {
            let start = Instant::now();
            loop {
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                if let Some(line) = text
                    .split_inclusive('\n')
                    .find(|l| l.ends_with('\n') && l.contains("\"still_blocked\":true"))
                {
                    return line.trim_end().to_string();
                }
                assert!(
                    start.elapsed() < PATIENCE,
                    "no live line in the file: {text}"
                );
                sleep_400ms();
            }
        })
        .await
        .unwrap()
    });
    let live: serde_json::Value = serde_json::from_str(&live_line).expect("a JSON line");
    assert_eq!(live["task"], "json-sleeper");
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
        assert!(stall["elapsed_ms"].as_f64().unwrap() >= THRESHOLD.as_millis() as f64);
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
    drop(without_stacks);

    // A signal the application ignores is the application's too.
    let ignored = libc::SIGRTMIN() + 5;
    // SAFETY: setting SIG_IGN on a real-time signal nobody else uses here.
    unsafe {
        assert_ne!(libc::signal(ignored, libc::SIG_IGN), libc::SIG_ERR);
    }
    let refused = builder().stack_signal(ignored).start();
    assert!(
        matches!(refused, Err(StartError::SignalInUse { signal: s, .. }) if s == ignored),
        "{refused:?}"
    );
}

/// The role a child process of [`the_environment_variables_reach_a_real_process`] plays.
const CHILD_ROLE: &str = "BLOCKWATCH_TEST_ROLE";

#[inline(never)]
fn wait_for_a_line_on_stdin() -> String {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).expect("read stdin");
    line
}

/// In the child: what `BLOCKWATCH`, `BLOCKWATCH_THRESHOLD_MS` and `BLOCKWATCH_REPORT`
/// do to a builder that says otherwise, with stderr as the only console (no `tracing`
/// subscriber in this binary).
fn child_role(role: &str) {
    let watchdog = Watchdog::builder()
        .enabled(role == "off")
        .threshold(Duration::from_secs(30))
        .console(Console::Auto)
        .start()
        .expect("the watchdog starts");
    if role == "off" {
        assert!(
            !watchdog.is_enabled(),
            "BLOCKWATCH=0 wins over enabled(true)"
        );
        return;
    }
    assert!(
        watchdog.is_enabled(),
        "BLOCKWATCH=1 wins over enabled(false)"
    );
    assert_eq!(watchdog.threshold(), Duration::from_millis(40));
    // The stall: a read of stdin, which the parent answers once it has read the live
    // report on this process's stderr.
    let line = current_thread().block_on(async {
        blockwatch_watchdog::spawn_named("reads-stdin", async { wait_for_a_line_on_stdin() })
            .await
            .unwrap()
    });
    assert_eq!(line, "go\n");
    assert!(watchdog.flush());
    // Dropping it prints the summary to stderr.
}

#[test]
fn the_environment_variables_reach_a_real_process() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    if let Ok(role) = std::env::var(CHILD_ROLE) {
        return child_role(&role);
    }
    let report = std::env::temp_dir().join(format!("blockwatch-env-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&report);
    let child = |role: &str, enable: &str| {
        let mut command = Command::new(std::env::current_exe().expect("test binary"));
        command
            .args([
                "the_environment_variables_reach_a_real_process",
                "--exact",
                "--nocapture",
            ])
            .env(CHILD_MARKER, "1")
            .env(CHILD_ROLE, role)
            .env(ENV_ENABLE, enable)
            .env(ENV_THRESHOLD_MS, "40")
            .env(ENV_REPORT, &report)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command.spawn().expect("the child starts")
    };

    // BLOCKWATCH=0: off, whatever the builder says; nothing written.
    let mut off = child("off", "0");
    drop(off.stdin.take());
    let status = support::wait_child(&mut off);
    assert!(status.success(), "the `off` child failed");
    assert!(
        !report.exists(),
        "a disabled watchdog writes no report file"
    );

    // BLOCKWATCH=1 with a 40 ms threshold and a report file.
    let mut on = child("on", "1");
    let mut stdin = on.stdin.take().expect("child stdin");
    let stderr = BufReader::new(on.stderr.take().expect("child stderr"));
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    // Read while the child is still blocked: stderr first, then the file.
    let mut stderr_text = String::new();
    let live = loop {
        let line = lines_rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no live report on stderr: {stderr_text}"));
        stderr_text.push_str(&line);
        stderr_text.push('\n');
        if line.starts_with("blockwatch: ") && line.contains("STILL BLOCKED") {
            break line;
        }
    };
    assert!(live.contains("task `reads-stdin`"), "{live}");
    // The child stays blocked until answered: the live line must reach the file first.
    let start = Instant::now();
    let first_line = loop {
        let text = std::fs::read_to_string(&report).unwrap_or_default();
        // A whole line: the writer may be half-way through it.
        if let Some(line) = text.split_inclusive('\n').find(|l| l.ends_with('\n')) {
            break line.trim_end().to_string();
        }
        assert!(
            start.elapsed() < PATIENCE,
            "no report file during the stall"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let first: serde_json::Value = serde_json::from_str(&first_line).expect("JSON");
    assert_eq!(first["task"], "reads-stdin");
    assert_eq!(first["still_blocked"], true);
    let elapsed = Duration::from_secs_f64(first["elapsed_ms"].as_f64().unwrap() / 1000.0);
    assert!(
        elapsed >= Duration::from_millis(40)
            && elapsed <= Duration::from_millis(40) + support::LIVE_LATENESS,
        "the environment's 40 ms threshold: {first}"
    );
    stdin.write_all(b"go\n").expect("answer the child");
    drop(stdin);
    let status = support::wait_child(&mut on);
    reader.join().unwrap();
    stderr_text.extend(lines_rx.try_iter().map(|l| l + "\n"));
    assert!(status.success(), "the `on` child failed:\n{stderr_text}");
    assert!(
        stderr_text.contains("blockwatch summary: 1 stall(s)"),
        "the summary on drop, on stderr:\n{stderr_text}"
    );
    let text = std::fs::read_to_string(&report).expect("report file");
    let _ = std::fs::remove_file(&report);
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON lines"))
        .collect();
    let kind_of = |v: &serde_json::Value| {
        (
            v["kind"].as_str().unwrap_or("").to_string(),
            v["still_blocked"].as_bool(),
        )
    };
    let reports: Vec<(String, Option<bool>)> = events
        .iter()
        .filter(|v| v["kind"] != "update")
        .map(kind_of)
        .collect();
    let expected = vec![
        ("stall".to_string(), Some(true)),
        ("stall".to_string(), Some(false)),
        ("summary".to_string(), None),
    ];
    assert_eq!(reports, expected, "{text}");
    // A report sent before the symbols were loaded carries raw frames and is followed by
    // exactly one update with the symbolized stack, under the same stall key.
    for (index, raw) in events.iter().enumerate() {
        if raw["symbolized"] == false {
            let updates: Vec<_> = events[index + 1..]
                .iter()
                .filter(|v| {
                    v["kind"] == "update"
                        && v["stall_key"] == raw["stall_key"]
                        && v["still_blocked"] == raw["still_blocked"]
                })
                .collect();
            assert_eq!(updates.len(), 1, "{text}");
            assert_eq!(updates[0]["symbolized"], true, "{text}");
        }
    }
    let updates = events.iter().filter(|v| v["kind"] == "update").count();
    let raw = events.iter().filter(|v| v["symbolized"] == false).count();
    assert_eq!(updates, raw, "one update per early report: {text}");
}
