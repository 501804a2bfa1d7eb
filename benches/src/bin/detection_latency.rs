//! Detection latency and the cost of the stack: how long after a poll crosses the
//! threshold its live report arrives (measured at the `on_stall` callback against the
//! known start of the blocking call), with stack capture off and on, over many stalls
//! in interleaved rounds. The difference of the two is the cost of signal + capture +
//! symbolization; the report's stack is checked for the blocking function's name.
//!
//! It also runs fresh processes, one stall each, to time the first report of a process
//! while debug info is still loading, on every sink that can be timed from inside the
//! process: the JSON-lines file, the callback and stderr get it at once with raw
//! frames; the symbolized update (what every sink waited for before) follows once
//! symbols are ready. Run it in a debug build for the case users meet first.
//!
//! Usage: `detection_latency [--quick] [--rounds N]` (see BENCHMARKS.md).

use std::error::Error;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blockwatch_benches::budget::Budget;
use blockwatch_benches::options::Options;
use blockwatch_benches::rounds::order;
use blockwatch_benches::stats::{median, percentile, range};
use blockwatch_benches::watchdog;
use blockwatch_benches::workload::{runtime, Flavor, Mode};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const THRESHOLD: Duration = Duration::from_millis(20);
const BLOCK_FOR: Duration = Duration::from_millis(60);
/// The default threshold, where the scanner's long sleeps (a tenth of it: 8 ms at the
/// default scan interval) are longer than the scan interval.
const DEFAULT_THRESHOLD: Duration = blockwatch::DEFAULT_THRESHOLD;
const DEFAULT_BLOCK_FOR: Duration = Duration::from_millis(150);

/// The argument that makes the process one fresh-process sample.
const FRESH_CHILD: &str = "--fresh-process-child";

/// How long the stall of a fresh process lasts: as long as the short stalls the first
/// report used to miss entirely.
const FRESH_BLOCK_FOR: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    let result = if std::env::args().nth(1).as_deref() == Some(FRESH_CHILD) {
        fresh_child()
    } else {
        run()
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("detection_latency: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The blocking call the watchdog must catch and name. It does work after the sleep so
/// the compiler cannot turn the sleep into a tail call that leaves no frame of its own.
#[inline(never)]
fn bench_blocking_call(duration: Duration) -> Instant {
    std::thread::sleep(duration);
    std::hint::black_box(Instant::now())
}

/// What one stall produced.
struct Observation {
    /// From the threshold being crossed to the live report's callback, in ms.
    latency_ms: f64,
    /// Whether the live report's stack named the blocking function.
    named: bool,
    /// Whether the live report carried a stack at all.
    has_stack: bool,
}

/// One configuration of the steady-state rounds.
#[derive(Clone, Copy)]
struct Config {
    stacks: bool,
    threshold: Duration,
    block_for: Duration,
}

impl Config {
    fn name(self) -> String {
        let stacks = if self.stacks {
            "on (signal + capture + symbolize)"
        } else {
            "off"
        };
        format!("{stacks}, threshold {} ms", self.threshold.as_millis())
    }
}

/// Runs one stall under a fresh watchdog configured by `config` and returns what its
/// live report said and when it came.
fn one_stall(config: Config) -> Result<Observation> {
    let Config {
        stacks,
        threshold,
        block_for,
    } = config;
    let (sender, receiver) = mpsc::channel::<(Instant, bool, bool)>();
    let sender = Mutex::new(sender);
    let watchdog = watchdog::quiet(threshold)
        .capture_stacks(stacks)
        .on_stall(move |report| {
            let now = Instant::now();
            if report.still_blocked {
                let named = report.stack_contains("bench_blocking_call");
                let has_stack = !report.backtrace.is_empty();
                if let Ok(sender) = sender.lock() {
                    let _ = sender.send((now, named, has_stack));
                }
            }
        })
        .start()?;
    let rt = runtime(Flavor::MultiThread, Mode::Plain)?;
    let started = Arc::new(Mutex::new(None::<Instant>));
    let mark = Arc::clone(&started);
    rt.block_on(async move {
        blockwatch::spawn(async move {
            if let Ok(mut mark) = mark.lock() {
                *mark = Some(Instant::now());
            }
            let _woke = bench_blocking_call(block_for);
        })
        .await
    })?;
    let report = receiver.recv_timeout(Duration::from_secs(5));
    drop(rt);
    drop(watchdog);
    let (reported_at, named, has_stack) =
        report.map_err(|_| "no live report within 5 s of a stall")?;
    let started = started
        .lock()
        .map_err(|_| "poisoned start mark")?
        .ok_or("the stalling task never ran")?;
    let crossed = started + threshold;
    // Signed: the coarse clock may date a poll's start up to one tick early, so a
    // report can come slightly before the threshold is crossed by the real clock.
    let latency_ms = if reported_at >= crossed {
        (reported_at - crossed).as_secs_f64() * 1e3
    } else {
        -((crossed - reported_at).as_secs_f64() * 1e3)
    };
    Ok(Observation {
        latency_ms,
        named,
        has_stack,
    })
}

/// Milliseconds from `crossed` to `at`, signed (the coarse clock may date a poll's start
/// up to one tick early).
fn signed_ms(at: Instant, crossed: Instant) -> f64 {
    if at >= crossed {
        (at - crossed).as_secs_f64() * 1e3
    } else {
        -((crossed - at).as_secs_f64() * 1e3)
    }
}

/// Timestamps the first line written to this process's stderr that contains `marker`:
/// stderr becomes a pipe read by a thread, which copies every line on to the real
/// stderr for the rest of the process (so later writes never meet a closed pipe).
#[cfg(unix)]
fn tap_stderr(marker: &'static str) -> Result<mpsc::Receiver<Instant>> {
    use std::io::{BufRead, BufReader, Write};
    use std::os::fd::FromRawFd;

    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe() writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err("pipe() failed".into());
    }
    // SAFETY: dup and dup2 on descriptors this process owns; 2 is stderr.
    let real = unsafe { libc::dup(2) };
    // SAFETY: as above.
    if real < 0 || unsafe { libc::dup2(fds[1], 2) } < 0 {
        return Err("cannot redirect stderr".into());
    }
    // SAFETY: the read end and the copy of the real stderr are owned by the reader
    // thread from here on, and closed by it.
    let (reader, mut real) = unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(real),
        )
    };
    // SAFETY: the write end is now also descriptor 2; this copy is not needed.
    unsafe { libc::close(fds[1]) };
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = false;
        for line in BufReader::new(reader)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if !seen && line.contains(marker) {
                seen = true;
                let _ = sender.send(Instant::now());
            }
            let _ = writeln!(real, "{line}");
        }
    });
    Ok(receiver)
}

/// When the first live reports of a fresh process arrived.
#[derive(Default)]
struct FirstReports {
    callback: Option<Instant>,
    update: Option<Instant>,
    raw: bool,
}

/// One fresh-process sample: prints the latency of the first live report in the JSON
/// file, at the callback and on stderr, and of the callback's symbolized update (or of
/// the first report again, when symbols were ready in time), in ms after the threshold
/// was crossed.
fn fresh_child() -> Result<()> {
    let path = std::env::temp_dir().join(format!(
        "blockwatch-first-report-{}.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let console_seen = tap_stderr("STILL BLOCKED")?;
    let first = Arc::new(Mutex::new(FirstReports::default()));
    let seen = Arc::clone(&first);
    let watchdog = watchdog::quiet(THRESHOLD)
        .json_report(&path)
        .console(blockwatch::Console::Always)
        .on_stall(move |report| {
            if report.still_blocked {
                let now = Instant::now();
                if let Ok(mut first) = seen.lock() {
                    if first.callback.is_none() {
                        first.callback = Some(now);
                        first.raw = !report.symbolized;
                    }
                    if report.symbolized && first.update.is_none() {
                        first.update = Some(now);
                    }
                }
            }
        })
        .start()?;
    let watched_file = path.clone();
    let file_seen = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(text) = std::fs::read_to_string(&watched_file) {
                if text.contains("\"still_blocked\":true") {
                    return Some(Instant::now());
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        None
    });
    let rt = runtime(Flavor::CurrentThread, Mode::Plain)?;
    let started = rt.block_on(async {
        blockwatch::spawn(async {
            let started = Instant::now();
            let _woke = bench_blocking_call(FRESH_BLOCK_FOR);
            started
        })
        .await
    })?;
    let file_at = file_seen
        .join()
        .map_err(|_| "the file watcher panicked")?
        .ok_or("no live report in the file within 30 s")?;
    let console_at = console_seen
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "no live report on stderr within 30 s")?;
    assert!(watchdog.flush(), "the reporter caught up");
    drop(rt);
    drop(watchdog);
    let _ = std::fs::remove_file(&path);
    let first = first.lock().map_err(|_| "poisoned")?;
    let callback_at = first.callback.ok_or("no live report at the callback")?;
    let update_at = first.update.ok_or("no symbolized live report")?;
    let crossed = started + THRESHOLD;
    println!(
        "{:.3} {:.3} {:.3} {:.3} {}",
        signed_ms(file_at, crossed),
        signed_ms(callback_at, crossed),
        signed_ms(console_at, crossed),
        signed_ms(update_at, crossed),
        u8::from(first.raw)
    );
    Ok(())
}

/// Latencies of the fresh-process samples, by sink, in ms after the threshold.
#[derive(Default)]
struct Fresh {
    file: Vec<f64>,
    callback: Vec<f64>,
    console: Vec<f64>,
    update: Vec<f64>,
    raw: usize,
}

/// Runs `count` fresh processes.
fn fresh_processes(count: usize) -> Result<Fresh> {
    let exe = std::env::current_exe()?;
    let mut fresh = Fresh::default();
    for _ in 0..count {
        let output = std::process::Command::new(&exe).arg(FRESH_CHILD).output()?;
        if !output.status.success() {
            return Err(format!(
                "a fresh-process sample failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let text = String::from_utf8(output.stdout)?;
        let values: Vec<f64> = text
            .split_whitespace()
            .map(str::parse::<f64>)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| format!("unexpected sample output: {text:?}"))?;
        let [file, callback, console, update, raw] = values[..] else {
            return Err(format!("unexpected sample output: {text:?}").into());
        };
        fresh.file.push(file);
        fresh.callback.push(callback);
        fresh.console.push(console);
        fresh.update.push(update);
        fresh.raw += usize::from(raw > 0.5);
    }
    Ok(fresh)
}

fn run() -> Result<()> {
    let options = Options::from_env()?;
    let stalls = options.rounds(100, 8);
    let fresh = options.rounds(10, 3);
    let fresh_samples = fresh_processes(fresh)?;
    watchdog::warm_up()?;
    println!("## Detection latency and stack capture\n");
    println!(
        "{stalls} stalls per configuration, interleaved: a task blocks a worker of a 2-worker \
         runtime for {} ms with `std::thread::sleep`; threshold {} ms, scan interval {} ms \
         (and for {} ms at the default threshold, {} ms, where the scanner sleeps up to {} ms \
         while no poll nears it). Latency = live report's `on_stall` callback time - \
         (blocking start + threshold).",
        BLOCK_FOR.as_millis(),
        THRESHOLD.as_millis(),
        blockwatch::DEFAULT_SCAN_INTERVAL.as_millis(),
        DEFAULT_BLOCK_FOR.as_millis(),
        DEFAULT_THRESHOLD.as_millis(),
        (DEFAULT_THRESHOLD / 10)
            .min(blockwatch::DEFAULT_SCAN_INTERVAL * 4)
            .as_millis()
    );
    // The first stall of a process pays for loading the debug info of every library
    // on its stack (libc's, for a sleep): shown apart, then excluded from the rounds.
    let stalled = |stacks, threshold, block_for| Config {
        stacks,
        threshold,
        block_for,
    };
    let cold = one_stall(stalled(true, THRESHOLD, BLOCK_FOR))?;
    println!(
        "\nFirst stall of the process, stacks on (cold symbolizer): {:.2} ms.",
        cold.latency_ms
    );
    let configs = [
        stalled(false, THRESHOLD, BLOCK_FOR),
        stalled(true, THRESHOLD, BLOCK_FOR),
        stalled(false, DEFAULT_THRESHOLD, DEFAULT_BLOCK_FOR),
    ];
    let mut latencies = vec![Vec::new(); configs.len()];
    let mut named = 0usize;
    let mut with_stack = 0usize;
    for round in 0..stalls {
        for index in order(round, configs.len()) {
            let observation = one_stall(configs[index])?;
            latencies[index].push(observation.latency_ms);
            if configs[index].stacks && configs[index].threshold == THRESHOLD {
                named += usize::from(observation.named);
                with_stack += usize::from(observation.has_stack);
            }
        }
    }
    println!("\n| stack capture, threshold | median latency | p90 | p99 | min..max |");
    println!("|---|---:|---:|---:|---:|");
    for (index, config) in configs.iter().enumerate() {
        let samples = &latencies[index];
        let (low, high) = range(samples).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "| {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2}..{:.2} ms |",
            config.name(),
            median(samples).unwrap_or(f64::NAN),
            percentile(samples, 90.0).unwrap_or(f64::NAN),
            percentile(samples, 99.0).unwrap_or(f64::NAN),
            low,
            high
        );
    }
    let without = median(&latencies[0]).unwrap_or(f64::NAN);
    let with = median(&latencies[1]).unwrap_or(f64::NAN);
    let stack_cost = with - without;
    println!(
        "\nStack cost (median with - median without): {stack_cost:.2} ms. \
         Live reports with a stack: {with_stack}/{stalls}; naming `bench_blocking_call`: {named}/{stalls}."
    );
    println!(
        "\n### First report of a fresh process ({} build)\n\n{fresh} processes, one stall each: \
         a task blocks a current-thread runtime for {} ms right after the watchdog starts, \
         while debug info is still loading. Latency after the threshold was crossed (budget: \
         10 ms, so the report is out within threshold + 10 ms). First reports with raw \
         frames: {}/{fresh}.\n",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        FRESH_BLOCK_FOR.as_millis(),
        fresh_samples.raw
    );
    println!("| sink | median | min..max |");
    println!("|---|---:|---:|");
    for (what, samples) in [
        ("JSON file: first report", &fresh_samples.file),
        ("callback: first report", &fresh_samples.callback),
        ("stderr: first report", &fresh_samples.console),
        (
            "callback: symbolized update (before: every sink waited for it)",
            &fresh_samples.update,
        ),
    ] {
        let (low, high) = range(samples).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "| {what} | {:.2} ms | {:.2}..{:.2} ms |",
            median(samples).unwrap_or(f64::NAN),
            low,
            high
        );
    }
    println!();
    let first_on_every_sink = [
        &fresh_samples.file,
        &fresh_samples.callback,
        &fresh_samples.console,
    ]
    .iter()
    .map(|samples| median(samples).unwrap_or(f64::NAN))
    .fold(f64::NEG_INFINITY, f64::max);
    let p99_with = percentile(&latencies[1], 99.0).unwrap_or(f64::NAN);
    let at_default = median(&latencies[2]).unwrap_or(f64::NAN);
    for budget in [
        Budget::at_most(
            "detection latency without stacks (median)",
            without,
            10.0,
            "ms",
            options.quick,
        ),
        Budget::at_most(
            "detection latency with stacks (median)",
            with,
            10.0,
            "ms",
            options.quick,
        ),
        Budget::at_most(
            "detection latency with stacks (p99)",
            p99_with,
            10.0,
            "ms",
            options.quick,
        ),
        Budget::at_most(
            "detection latency without stacks at the default threshold (median)",
            at_default,
            10.0,
            "ms",
            options.quick,
        ),
        Budget::at_most(
            "detection latency of the first stall (cold symbolizer)",
            cold.latency_ms,
            10.0,
            "ms",
            options.quick,
        ),
        Budget::at_most(
            "first report of a fresh process, slowest sink (median)",
            first_on_every_sink,
            10.0,
            "ms",
            options.quick,
        ),
        Budget::at_most(
            "signal + capture + symbolize (median difference)",
            stack_cost,
            5.0,
            "ms",
            options.quick,
        ),
    ] {
        println!("{budget}");
    }
    Ok(())
}
