//! Per-poll overhead of the watchdog's wrapper on a yield-heavy workload, against the
//! same workload on plain `tokio::spawn` (the baseline).
//!
//! ```text
//! cargo bench -p blockwatch-watchdog --bench poll_overhead
//! ```
//!
//! Every yield is one poll, so the difference per poll is what the wrapper costs:
//! a thread-local lookup and a handful of relaxed atomic stores, no clock read.

use std::future::Future;
use std::time::{Duration, Instant};

const TASKS: usize = 64;
const YIELDS: usize = 2_000;
const ROUNDS: usize = 15;

async fn yielder() {
    for _ in 0..YIELDS {
        tokio::task::yield_now().await;
    }
}

/// One run of the workload spawned with `spawn`: the time per poll.
fn run_once<S, F>(runtime: &tokio::runtime::Runtime, spawn: &S) -> Duration
where
    S: Fn() -> F,
    F: Future<Output = ()>,
{
    let start = Instant::now();
    runtime.block_on(spawn());
    start.elapsed() / (TASKS * YIELDS) as u32
}

/// The fastest time per poll of each variant over `ROUNDS` interleaved runs: on a
/// shared machine the minimum is the sample least disturbed by other work.
fn fastest<A, FA, B, FB>(runtime: &tokio::runtime::Runtime, a: A, b: B) -> (Duration, Duration)
where
    A: Fn() -> FA,
    FA: Future<Output = ()>,
    B: Fn() -> FB,
    FB: Future<Output = ()>,
{
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for _ in 0..ROUNDS {
        best_a = best_a.min(run_once(runtime, &a));
        best_b = best_b.min(run_once(runtime, &b));
    }
    (best_a, best_b)
}

fn main() {
    let watchdog = blockwatch_watchdog::Watchdog::builder()
        .enabled(true)
        .start()
        .expect("watchdog");
    for (flavor, runtime) in [
        (
            "current_thread",
            tokio::runtime::Builder::new_current_thread().build(),
        ),
        (
            "multi_thread(2)",
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build(),
        ),
    ] {
        let runtime = runtime.expect("runtime");
        let (baseline, watched) = fastest(
            &runtime,
            || async {
                let tasks: Vec<_> = (0..TASKS).map(|_| tokio::spawn(yielder())).collect();
                for task in tasks {
                    task.await.expect("task");
                }
            },
            || async {
                let tasks: Vec<_> = (0..TASKS)
                    .map(|_| blockwatch_watchdog::spawn(yielder()))
                    .collect();
                for task in tasks {
                    task.await.expect("task");
                }
            },
        );
        let overhead = watched.as_secs_f64() / baseline.as_secs_f64() - 1.0;
        println!(
            "{flavor:>16}: tokio::spawn {baseline:>8.1?}/poll, blockwatch::spawn {watched:>8.1?}/poll ({:+.1} %)",
            overhead * 100.0
        );
    }
    watchdog.assert_no_stalls();
}
