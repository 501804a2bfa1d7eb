//! Live means live on every sink: in a fresh process, whose debug info is still loading
//! when the first stall comes, the console (stderr) and the callback get the live
//! report while the worker is still blocked, with raw frames, and the symbolized stack
//! follows as an update naming the same stall. Each flavor runs in a child process of
//! its own, so that each first stall is the first of a process.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blockwatch_watchdog::{Console, Watchdog};
use support::{current_thread, multi_thread, wait_child, CHILD_MARKER, PATIENCE};

/// Which runtime the child process runs its stall on.
const CHILD_FLAVOR: &str = "BLOCKWATCH_TEST_FLAVOR";

/// Far below the time a debug build takes to load its debug info.
const THRESHOLD: Duration = Duration::from_millis(20);

/// The stall: a read of stdin, which the parent answers once it has read both the live
/// report and its update on the child's stderr.
#[inline(never)]
fn wait_for_a_line_on_stdin() -> String {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).expect("read stdin");
    line
}

/// In the child: one stall on the given flavor; every callback call is printed to
/// stdout at the end, with whether the stalled task was still blocked at the time.
fn child(flavor: &str) {
    let finished = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(Mutex::new(Vec::new()));
    let (done, log) = (Arc::clone(&finished), Arc::clone(&calls));
    let watchdog = Watchdog::builder()
        .enabled(true)
        .threshold(THRESHOLD)
        .console(Console::Always)
        .tracing(false)
        .on_stall(move |report| {
            // Whether the task still ran, for the live reports themselves: the parent
            // answers the child once it has read the update on stderr, which the callback
            // gets right after, so the update's call may see the task done; and the final
            // report follows the poll's end, which may come before or after the main
            // future notes that the task finished.
            let running = if report.update || !report.still_blocked {
                "-".to_owned()
            } else {
                (!done.load(Ordering::SeqCst)).to_string()
            };
            log.lock().unwrap().push(format!(
                "still_blocked={} symbolized={} update={} task_running={running} stall={}",
                report.still_blocked,
                report.symbolized,
                report.update,
                report.stall_key()
            ));
        })
        .start()
        .expect("the watchdog starts");
    let runtime = match flavor {
        "current" => current_thread(),
        _ => multi_thread(2),
    };
    let line = runtime.block_on(async {
        let line =
            blockwatch_watchdog::spawn_named("fresh-child", async { wait_for_a_line_on_stdin() })
                .await
                .unwrap();
        finished.store(true, Ordering::SeqCst);
        line
    });
    assert_eq!(line, "go\n");
    assert!(watchdog.flush());
    drop(watchdog);
    for call in calls.lock().unwrap().iter() {
        println!("callback: {call}");
    }
}

/// Runs the child for `flavor`; returns its stderr up to the update (read while the
/// child was blocked), and its stdout.
fn run_child(flavor: &str) -> (Vec<String>, String) {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "the_first_report_reaches_stderr_and_the_callback_while_blocked",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD_MARKER, "1")
        .env(CHILD_FLAVOR, flavor)
        .env_remove(blockwatch_watchdog::ENV_ENABLE)
        .env_remove(blockwatch_watchdog::ENV_THRESHOLD_MS)
        .env_remove(blockwatch_watchdog::ENV_REPORT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the child starts");
    let mut stdin = child.stdin.take().expect("child stdin");
    let stderr = BufReader::new(child.stderr.take().expect("child stderr"));
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    // Reports only, in order, up to the update's first line: all while the child is
    // still blocked, since it waits for the parent's answer.
    let mut seen: Vec<String> = Vec::new();
    loop {
        let line = lines_rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("the child's stderr stopped: {seen:#?}"));
        let frame = line
            .trim_start()
            .split_once(':')
            .is_some_and(|(index, _)| index.parse::<usize>().is_ok());
        let update = seen
            .iter()
            .any(|line| line.starts_with("blockwatch: stack of stall"));
        // Frames of the update are kept up to the helper's (what the update is for);
        // the raw frames of the first report are not kept.
        if (frame && !update) || (seen.is_empty() && !line.starts_with("blockwatch: ")) {
            continue;
        }
        let helper = frame && line.contains("live_on_every_sink::wait_for_a_line_on_stdin");
        seen.push(line);
        // Without raw frames (symbols were ready in time) there is no update to wait for.
        let raw = seen.len() >= 2 && seen[1].contains("symbols are still loading");
        if helper || (seen.len() >= 3 && !raw) {
            break;
        }
    }
    stdin.write_all(b"go\n").expect("answer the child");
    drop(stdin);
    let mut stdout = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().expect("child stdout"), &mut stdout)
        .expect("read the child's stdout");
    let status = wait_child(&mut child);
    reader.join().unwrap();
    let rest: Vec<String> = lines_rx.try_iter().collect();
    assert!(status.success(), "the child failed: {seen:#?}\n{rest:#?}");
    (seen, stdout)
}

#[test]
fn the_first_report_reaches_stderr_and_the_callback_while_blocked() {
    if let Ok(flavor) = std::env::var(CHILD_FLAVOR) {
        return child(&flavor);
    }
    support::hermetic();
    for flavor in ["current", "multi"] {
        let (stderr, stdout) = run_child(flavor);
        let header = &stderr[0];
        assert!(
            header.starts_with(
                "blockwatch: task `fresh-child` (watchdog/tests/live_on_every_sink.rs:"
            ) && header.ends_with("is STILL BLOCKED"),
            "{flavor}: {stderr:#?}"
        );
        let callbacks: Vec<&str> = stdout
            .lines()
            .filter_map(|line| line.strip_prefix("callback: "))
            .collect();
        if stderr[1].contains("symbols are still loading") {
            // The live report with raw frames, at once: the blocked call is in libc,
            // named by its object and offset.
            assert_eq!(
                stderr[1],
                "  (stall 1: symbols are still loading; raw frames now, the symbolized stack follows)",
                "{flavor}: {stderr:#?}"
            );
            assert_eq!(
                stderr[2], "  stack of the blocking code (innermost first):",
                "{flavor}: {stderr:#?}"
            );
            // Then the update, referring to the first by stall number and task, still
            // while the child is blocked, with the helper named.
            assert_eq!(
                stderr[3],
                "blockwatch: stack of stall 1 (the live report of task `fresh-child` above), symbolized:",
                "{flavor}: {stderr:#?}"
            );
            // Its stack (after the blamed frame, when the blamed fn lies outside this
            // crate's directory) down to the helper, with file and line where the build
            // has line tables.
            assert!(
                stderr[4..].contains(&"  stack of the blocking code (innermost first):".to_owned()),
                "{flavor}: {stderr:#?}"
            );
            let helper = stderr.last().unwrap();
            assert!(
                helper.contains(": live_on_every_sink::wait_for_a_line_on_stdin"),
                "{flavor}: {stderr:#?}"
            );
            if cfg!(debug_assertions) {
                assert!(
                    helper.ends_with(" at tests/live_on_every_sink.rs:29"),
                    "{flavor}: {stderr:#?}"
                );
            }
            assert_eq!(
                callbacks,
                [
                    "still_blocked=true symbolized=false update=false task_running=true stall=1",
                    "still_blocked=true symbolized=true update=true task_running=- stall=1",
                    "still_blocked=false symbolized=true update=false task_running=- stall=1",
                ],
                "{flavor}: {stdout}"
            );
        } else {
            // Symbols were ready before the stall (possible in a build with little
            // debug info, never in a debug build): one symbolized report.
            let optimized = !cfg!(debug_assertions);
            assert!(
                optimized,
                "a debug build sent names at once: {flavor}: {stderr:#?}"
            );
            assert_eq!(
                callbacks,
                [
                    "still_blocked=true symbolized=true update=false task_running=true stall=1",
                    "still_blocked=false symbolized=true update=false task_running=- stall=1",
                ],
                "{flavor}: {stdout}"
            );
        }
    }
}
