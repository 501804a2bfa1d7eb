//! Poll-path overhead: plain tokio against the blockwatch wrapper, the blockwatch poll
//! hooks (in a `tokio_unstable` build) and tokio-metrics' `TaskMonitor`, on a
//! yield-heavy and a spawn-heavy workload, on the multi-thread (2 workers) and the
//! current-thread runtime, in interleaved rounds. A direct-poll loop without a runtime
//! isolates the per-poll cost of each instrumentation.
//!
//! Usage: `poll_overhead [--quick] [--rounds N]` (see BENCHMARKS.md).

use std::error::Error;
use std::future::Future;
use std::hint::black_box;
use std::pin::{pin, Pin};
use std::process::ExitCode;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use blockwatch::WatchExt;
use blockwatch_benches::budget::Budget;
use blockwatch_benches::cpu_time::{cpu_seconds_between, process_cpu_time};
use blockwatch_benches::options::Options;
use blockwatch_benches::rounds::{interleave, paired_differences, paired_ratios};
use blockwatch_benches::stats::{median, range};
use blockwatch_benches::watchdog;
use blockwatch_benches::workload::{runtime, Flavor, Mode, SpawnHeavy, Spawner, YieldHeavy};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const THRESHOLD: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("poll_overhead: {error}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Work {
    Yield(YieldHeavy),
    Spawn(SpawnHeavy),
}

impl Work {
    fn name(self) -> String {
        match self {
            Work::Yield(work) => format!(
                "yield-heavy ({} tasks x {} yields)",
                work.tasks, work.yields
            ),
            Work::Spawn(work) => format!(
                "spawn-heavy ({} tasks, {} in flight)",
                work.tasks, work.batch
            ),
        }
    }

    /// The unit that costs are divided by: task polls, or spawned tasks.
    fn units(self) -> (f64, &'static str) {
        match self {
            Work::Yield(work) => (work.task_polls() as f64, "poll"),
            Work::Spawn(work) => (work.tasks as f64, "task"),
        }
    }
}

/// Wall and process-CPU seconds to run `work` once in `mode` on a fresh runtime; the
/// watchdog (for modes that need one) and the runtime are set up and torn down outside
/// the timed part, but the watchdog's threads run, and are counted, during it.
/// Also returns how many scans the watchdog completed meanwhile (0 without one): each is
/// one wake-up of its thread, whose CPU time the process total includes.
fn time_once(flavor: Flavor, mode: Mode, work: Work) -> Result<(f64, f64, u64)> {
    let watchdog = if mode.needs_watchdog() {
        Some(watchdog::quiet(THRESHOLD).start()?)
    } else {
        None
    };
    let rt = runtime(flavor, mode)?;
    let spawner = Spawner::new(mode);
    let scans_before = watchdog
        .as_ref()
        .map_or(0, |watchdog| watchdog.scans_completed());
    let cpu_before = process_cpu_time();
    let start = Instant::now();
    let checksum = match work {
        Work::Yield(work) => rt.block_on(work.run(spawner)),
        Work::Spawn(work) => rt.block_on(work.run(spawner)),
    };
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds_between(cpu_before, process_cpu_time());
    let scans = watchdog
        .as_ref()
        .map_or(0, |watchdog| watchdog.scans_completed())
        - scans_before;
    black_box(checksum);
    drop(rt);
    drop(watchdog);
    Ok((elapsed, cpu, scans))
}

/// A future that is never ready and counts its polls.
struct Forever(u64);

impl Future for Forever {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.0 += 1;
        black_box(self.0);
        Poll::Pending
    }
}

/// Process-CPU seconds to poll `future` `polls` times.
fn poll_many<F: Future>(future: F, polls: u64) -> f64 {
    let mut context = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    let before = process_cpu_time();
    for _ in 0..polls {
        let _ = black_box(future.as_mut().poll(&mut context));
    }
    cpu_seconds_between(before, process_cpu_time())
}

/// Nanoseconds per poll of a never-ready future polled directly, without a runtime.
fn direct_poll_ns(mode: Mode, polls: u64) -> Result<f64> {
    let seconds = match mode {
        Mode::Plain
        | Mode::Hooks
        | Mode::PlainAgain
        | Mode::WatchdogThreadOnly
        | Mode::PaddedLayer => poll_many(Forever(0), polls),
        Mode::Wrapper => {
            let _watchdog = watchdog::quiet(THRESHOLD).start()?;
            poll_many(Forever(0).watched("direct-poll"), polls)
        }
        Mode::TaskMonitor => {
            let monitor = tokio_metrics::TaskMonitor::new();
            poll_many(monitor.instrument(Forever(0)), polls)
        }
    };
    Ok(seconds * 1e9 / polls as f64)
}

struct Row {
    mode: Mode,
    wall_ms: f64,
    wall_ratio: f64,
    cpu_ms: f64,
    ratio: f64,
    ratio_range: (f64, f64),
    /// The watchdog's wake-ups per second of wall time (0 without a watchdog).
    scans_per_s: f64,
    added_ns: f64,
    /// Plain tokio's cheapest round over this mode's cheapest round. Other processes
    /// only ever add CPU time to a round (cache lines they evict, cores they share), so
    /// the cheapest round of each mode is the one least disturbed.
    best_ratio: f64,
    /// The added cost per unit between the two cheapest rounds.
    best_added_ns: f64,
}

fn print_table(title: &str, unit: &str, rows: &[Row]) {
    println!("\n### {title}\n");
    println!(
        "| mode | median wall | wall throughput ratio | median CPU | CPU throughput ratio | per-round CPU ratio range | watchdog scans per s | added CPU ns per {unit} | best-round CPU ratio | added CPU ns per {unit}, best rounds |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {:.1} ms | {:.3} | {:.1} ms | {:.3} | {:.3}..{:.3} | {:.0} | {:+.1} | {:.3} | {:+.1} |",
            row.mode.name(),
            row.wall_ms,
            row.wall_ratio,
            row.cpu_ms,
            row.ratio,
            row.ratio_range.0,
            row.ratio_range.1,
            row.scans_per_s,
            row.added_ns,
            row.best_ratio,
            row.best_added_ns
        );
    }
}

/// The smallest sample (NaN for none).
fn cheapest(samples: &[f64]) -> f64 {
    range(samples).map_or(f64::NAN, |(low, _)| low)
}

fn row_of(rows: &[Row], mode: Mode) -> Option<&Row> {
    rows.iter().find(|row| row.mode == mode)
}

fn run() -> Result<()> {
    let options = Options::from_env()?;
    let rounds = options.rounds(15, 3);
    // The controls tell the bench's own spread (plain against plain), the watchdog
    // thread's share (a watchdog that watches nothing) and the share of a wrapper-sized
    // layer that writes nothing apart from the poll path's own cost.
    let mut modes = Mode::available();
    modes.extend([
        Mode::PlainAgain,
        Mode::WatchdogThreadOnly,
        Mode::PaddedLayer,
    ]);
    let build = if cfg!(tokio_unstable) {
        "--cfg tokio_unstable (hooks available)"
    } else {
        "stable tokio (no hooks: they need --cfg tokio_unstable)"
    };
    println!("## Poll-path overhead: {build}\n");
    println!(
        "{rounds} interleaved rounds per table; ratios and added costs are medians of per-round \
         comparisons with the plain run of the same round. CPU = CPU time of the whole \
         process (all runtime threads and the watchdog's threads): unlike wall time it \
         does not count time other processes took the cores away. Budgets are judged on CPU."
    );
    watchdog::warm_up()?;

    // The watchdog's own threads, with nothing to watch: the price of leaving it on.
    let idle_for = Duration::from_millis(options.size(3_000, 500));
    let idle_watchdog = watchdog::quiet(THRESHOLD).start()?;
    std::thread::sleep(Duration::from_millis(200));
    let before = process_cpu_time();
    std::thread::sleep(idle_for);
    let idle_cpu = cpu_seconds_between(before, process_cpu_time());
    drop(idle_watchdog);
    let idle_ms_per_s = idle_cpu * 1e3 / idle_for.as_secs_f64();
    println!(
        "\n### Idle watchdog\n\nCPU used by the watchdog's threads while nothing runs \
         (scan interval {} ms): {idle_ms_per_s:.2} ms per second ({:.2} % of one core).",
        blockwatch::DEFAULT_SCAN_INTERVAL.as_millis(),
        idle_ms_per_s / 10.0
    );

    // Direct polls: the instrumentation's own cost, without a scheduler around it.
    let polls = options.size(5_000_000, 500_000);
    let direct_modes: Vec<Mode> = modes
        .iter()
        .copied()
        .filter(|&mode| matches!(mode, Mode::Plain | Mode::Wrapper | Mode::TaskMonitor))
        .collect();
    let direct = interleave(&direct_modes, rounds, |mode, _| direct_poll_ns(mode, polls))?;
    println!("\n### Direct polls of a never-ready future, no runtime ({polls} polls per round)\n");
    println!("| mode | median CPU ns per poll | added CPU ns per poll |");
    println!("|---|---:|---:|");
    let mut direct_added = Vec::new();
    for (index, mode) in direct_modes.iter().enumerate() {
        let added = median(&paired_differences(&direct[index], &direct[0])).unwrap_or(f64::NAN);
        direct_added.push((*mode, added));
        println!(
            "| {} | {:.2} | {:+.2} |",
            mode.name(),
            median(&direct[index]).unwrap_or(f64::NAN),
            added
        );
    }

    let yield_work = YieldHeavy {
        tasks: options.size(1_000, 200),
        yields: options.size(1_000, 200),
    };
    let spawn_work = SpawnHeavy {
        tasks: options.size(200_000, 20_000),
        batch: 1_024,
    };
    let mut budgets = Vec::new();
    let indicative = options.quick;
    for flavor in [Flavor::MultiThread, Flavor::CurrentThread] {
        for work in [Work::Yield(yield_work), Work::Spawn(spawn_work)] {
            let samples = interleave(&modes, rounds, |mode, _| time_once(flavor, mode, work))?;
            let (units, unit) = work.units();
            let walls: Vec<Vec<f64>> = samples
                .iter()
                .map(|mode| mode.iter().map(|(wall, _, _)| *wall).collect())
                .collect();
            let cpus: Vec<Vec<f64>> = samples
                .iter()
                .map(|mode| mode.iter().map(|(_, cpu, _)| *cpu).collect())
                .collect();
            let rows: Vec<Row> = modes
                .iter()
                .enumerate()
                .map(|(index, &mode)| {
                    let cpu_ratios = paired_ratios(&cpus[0], &cpus[index]);
                    let (best_plain, best) = (cheapest(&cpus[0]), cheapest(&cpus[index]));
                    Row {
                        mode,
                        wall_ms: median(&walls[index]).unwrap_or(f64::NAN) * 1e3,
                        wall_ratio: median(&paired_ratios(&walls[0], &walls[index]))
                            .unwrap_or(f64::NAN),
                        cpu_ms: median(&cpus[index]).unwrap_or(f64::NAN) * 1e3,
                        ratio: median(&cpu_ratios).unwrap_or(f64::NAN),
                        ratio_range: range(&cpu_ratios).unwrap_or((f64::NAN, f64::NAN)),
                        scans_per_s: median(
                            &samples[index]
                                .iter()
                                .map(|(wall, _, scans)| *scans as f64 / wall)
                                .collect::<Vec<_>>(),
                        )
                        .unwrap_or(f64::NAN),
                        added_ns: median(&paired_differences(&cpus[index], &cpus[0]))
                            .unwrap_or(f64::NAN)
                            * 1e9
                            / units,
                        best_ratio: best_plain / best,
                        best_added_ns: (best - best_plain) * 1e9 / units,
                    }
                })
                .collect();
            print_table(&format!("{}, {}", flavor.name(), work.name()), unit, &rows);
            if let Work::Yield(_) = work {
                for mode in [Mode::Wrapper, Mode::Hooks] {
                    let Some(row) = row_of(&rows, mode) else {
                        continue;
                    };
                    let place = format!("{} on {}, yield-heavy", mode.name(), flavor.name());
                    budgets.push(Budget::at_least(
                        format!("{place}: CPU throughput ratio"),
                        row.ratio,
                        0.97,
                        "",
                        indicative,
                    ));
                    budgets.push(Budget::at_least(
                        format!("{place}: best-round CPU throughput ratio"),
                        row.best_ratio,
                        0.97,
                        "",
                        indicative,
                    ));
                    budgets.push(Budget::at_most(
                        format!("{place}: added CPU cost"),
                        row.added_ns,
                        5.0,
                        "ns/poll",
                        indicative,
                    ));
                    if let Some(monitor) = row_of(&rows, Mode::TaskMonitor) {
                        // Only a positive added cost can be divided into; at or below zero
                        // the instrumentation is within noise, and the ratio is unbounded.
                        let times = if row.added_ns > 0.0 {
                            monitor.added_ns / row.added_ns
                        } else {
                            f64::INFINITY
                        };
                        budgets.push(Budget::at_least(
                            format!("{place}: TaskMonitor added cost / ours"),
                            times,
                            20.0,
                            "x",
                            indicative,
                        ));
                    }
                }
            }
        }
    }
    let ours = direct_added.iter().find(|(mode, _)| *mode == Mode::Wrapper);
    let theirs = direct_added
        .iter()
        .find(|(mode, _)| *mode == Mode::TaskMonitor);
    if let (Some((_, ours)), Some((_, theirs))) = (ours, theirs) {
        budgets.push(Budget::at_most(
            "wrapper, direct polls: added cost",
            *ours,
            5.0,
            "ns/poll",
            indicative,
        ));
        budgets.push(Budget::at_least(
            "direct polls: TaskMonitor added cost / wrapper added cost",
            theirs / ours.max(f64::MIN_POSITIVE),
            20.0,
            "x",
            indicative,
        ));
    }
    println!();
    for budget in budgets {
        println!("{budget}");
    }
    Ok(())
}
