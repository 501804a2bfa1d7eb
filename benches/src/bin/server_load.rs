//! A real server under load: a keep-alive HTTP/1.1 server on a multi-thread tokio
//! runtime (2 workers) at 127.0.0.1, driven by a bounded load generator (fixed request
//! count, a deadline, its own thread), with and without the watchdog, and with
//! tokio-metrics' `TaskMonitor` for reference, in interleaved rounds.
//!
//! Usage: `server_load [--quick] [--rounds N]` (see BENCHMARKS.md).

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use blockwatch_benches::budget::Budget;
use blockwatch_benches::cpu_time::{cpu_seconds_between, process_cpu_time, thread_cpu_time};
use blockwatch_benches::http::{self, Load, LoadReport};
use blockwatch_benches::options::Options;
use blockwatch_benches::rounds::{order, paired_ratios};
use blockwatch_benches::stats::{median, percentile, range};
use blockwatch_benches::watchdog;
use blockwatch_benches::workload::{runtime, Flavor, Mode, Spawner};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("server_load: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What one round measured.
struct Round {
    report: LoadReport,
    /// CPU seconds of the server's side of the process: its runtime's threads and the
    /// watchdog's (the whole process minus the load generator's thread).
    server_cpu: f64,
}

/// One round of one mode: start the server (and the watchdog for the modes that need
/// one), drive it with `load` from a separate thread, stop everything.
fn serve_round(mode: Mode, load: Load) -> Result<Round> {
    let watchdog = if mode.needs_watchdog() {
        Some(watchdog::quiet(Duration::from_millis(100)).start()?)
    } else {
        None
    };
    let server = runtime(Flavor::MultiThread, mode)?;
    let listener = server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let spawner = Spawner::new(mode);
    let accept = spawner.clone();
    server.block_on(async move {
        accept.spawn(http::serve(listener, spawner));
    });
    let cpu_before = process_cpu_time();
    let client = std::thread::Builder::new()
        .name("load-generator".to_owned())
        .spawn(move || -> std::io::Result<(LoadReport, f64)> {
            let before = thread_cpu_time();
            let client = runtime(Flavor::CurrentThread, Mode::Plain)?;
            let report = client.block_on(http::generate(addr, load))?;
            drop(client);
            Ok((report, cpu_seconds_between(before, thread_cpu_time())))
        })?;
    let (report, client_cpu) = client.join().map_err(|_| "the load generator panicked")??;
    let cpu = cpu_seconds_between(cpu_before, process_cpu_time());
    server.shutdown_timeout(Duration::from_secs(5));
    if let Some(watchdog) = watchdog {
        // On a loaded machine a worker the OS took off its core for longer than the
        // threshold reads as a stall; such reports are shown, not hidden.
        if let Err(stalls) = watchdog.check() {
            eprintln!("server_load: the watchdog reported stalls during the run:\n{stalls}");
        }
    }
    Ok(Round {
        report,
        server_cpu: cpu - client_cpu,
    })
}

fn run() -> Result<()> {
    let options = Options::from_env()?;
    let rounds = options.rounds(15, 2);
    let load = Load {
        connections: 32,
        requests: options.size(100_000, 5_000),
        deadline: Duration::from_secs(options.size(30, 10)),
    };
    // The A/A control: plain tokio against itself tells the bench's own spread.
    let mut modes = Mode::available();
    modes.push(Mode::PlainAgain);
    watchdog::warm_up()?;
    let build = if cfg!(tokio_unstable) {
        "--cfg tokio_unstable"
    } else {
        "stable tokio"
    };
    println!("## HTTP server under load on 127.0.0.1: {build}\n");
    println!(
        "{rounds} interleaved rounds; each round: {} requests (at most {} s) over {} \
         keep-alive connections, one request in flight per connection; server on a \
         2-worker runtime, load generator on its own thread. Server CPU is the process's \
         CPU time minus the load generator thread's own: the server's runtime threads and \
         the watchdog's. Ratios are medians of per-round ratios to the plain run of the \
         same round.",
        load.requests,
        load.deadline.as_secs(),
        load.connections
    );
    // A warm-up round, not counted: first connections, page faults, the ARP-free
    // loopback path and the allocator all settle here.
    serve_round(
        Mode::Plain,
        Load {
            requests: load.requests / 10,
            ..load
        },
    )?;

    let mut rates = vec![Vec::new(); modes.len()];
    let mut p99s = vec![Vec::new(); modes.len()];
    let mut p50s = vec![Vec::new(); modes.len()];
    let mut cpu_per_request = vec![Vec::new(); modes.len()];
    let mut short = 0u64;
    for round in 0..rounds {
        for index in order(round, modes.len()) {
            let Round { report, server_cpu } = serve_round(modes[index], load)?;
            cpu_per_request[index].push(server_cpu * 1e6 / report.completed.max(1) as f64);
            if report.completed < load.requests {
                short += 1;
            }
            rates[index].push(report.requests_per_second());
            p99s[index].push(percentile(&report.latencies_us, 99.0).unwrap_or(f64::NAN));
            p50s[index].push(percentile(&report.latencies_us, 50.0).unwrap_or(f64::NAN));
        }
    }
    println!("\n| mode | median requests/s | requests/s ratio to plain | per-round ratio range | median p50 latency | median p99 latency | server CPU per request | CPU per request ratio to plain | per-round CPU ratio range | best-round CPU ratio |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut budgets = Vec::new();
    for (index, mode) in modes.iter().enumerate() {
        let ratios = paired_ratios(&rates[index], &rates[0]);
        let ratio = median(&ratios).unwrap_or(f64::NAN);
        let (low, high) = range(&ratios).unwrap_or((f64::NAN, f64::NAN));
        let cpu_ratios = paired_ratios(&cpu_per_request[index], &cpu_per_request[0]);
        let cpu_ratio = median(&cpu_ratios).unwrap_or(f64::NAN);
        let (cpu_low, cpu_high) = range(&cpu_ratios).unwrap_or((f64::NAN, f64::NAN));
        // Other processes only add CPU time to a round: the cheapest rounds are the
        // least disturbed ones.
        let cheapest = |samples: &[f64]| range(samples).map_or(f64::NAN, |(low, _)| low);
        let best_ratio = cheapest(&cpu_per_request[index]) / cheapest(&cpu_per_request[0]);
        println!(
            "| {} | {:.0} | {:.3} | {low:.3}..{high:.3} | {:.0} µs | {:.0} µs | {:.2} µs | {:.3} | {cpu_low:.3}..{cpu_high:.3} | {best_ratio:.3} |",
            mode.name(),
            median(&rates[index]).unwrap_or(f64::NAN),
            ratio,
            median(&p50s[index]).unwrap_or(f64::NAN),
            median(&p99s[index]).unwrap_or(f64::NAN),
            median(&cpu_per_request[index]).unwrap_or(f64::NAN),
            cpu_ratio,
        );
        if mode.needs_watchdog() {
            budgets.push(Budget::at_most(
                format!("server with {}: requests/s loss", mode.name()),
                (1.0 - ratio) * 100.0,
                1.0,
                "%",
                options.quick,
            ));
            budgets.push(Budget::at_most(
                format!("server with {}: added server CPU per request", mode.name()),
                (cpu_ratio - 1.0) * 100.0,
                1.0,
                "%",
                options.quick,
            ));
            budgets.push(Budget::at_most(
                format!(
                    "server with {}: added server CPU per request, best rounds",
                    mode.name()
                ),
                (best_ratio - 1.0) * 100.0,
                1.0,
                "%",
                options.quick,
            ));
        }
    }
    if short > 0 {
        println!(
            "\n{short} runs hit the deadline before their request count (their rates still count)."
        );
    }
    println!();
    for budget in budgets {
        println!("{budget}");
    }
    Ok(())
}
