//! Two tasks compute factorials, pausing one second per step.
//!
//! ```text
//! cargo run --example factorial            # blocking pause: ~5 s, each stall reported
//! cargo run --example factorial -- --async # async pause: ~3 s, nothing to report
//! ```
//!
//! factorial(3) takes 2 steps and factorial(4) takes 3. With an async pause the two
//! tasks overlap and the whole run takes about 3 s; with a blocking pause each step
//! holds the only thread, the steps run one after another, and it takes about 5 s.
//! blockwatch attributes every stall to the blocking step.

use std::time::{Duration, Instant};

use blockwatch::{Console, Watchdog};

/// The blocking pause. Flagged by blockwatch's static check at compile time (allowed
/// here so the demo builds under `-D warnings`), and by the watchdog at run time.
#[blockwatch::no_blocking(warn)]
#[allow(deprecated)]
async fn blocking_step() {
    std::thread::sleep(Duration::from_secs(1));
}

/// The well-behaved pause.
#[blockwatch::no_blocking]
async fn async_step() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn factorial(name: &'static str, number: u64, well_behaved: bool) -> u64 {
    let mut product = 1;
    for step in 2..=number {
        println!("Task {name}: compute factorial({number}), currently step {step}...");
        if well_behaved {
            async_step().await;
        } else {
            blocking_step().await;
        }
        product *= step;
    }
    println!("Task {name}: factorial({number}) = {product}");
    product
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let well_behaved = std::env::args().skip(1).any(|arg| arg == "--async");
    let watchdog = Watchdog::builder()
        .enabled(true)
        .console(Console::Never) // this demo explains the reports itself, below
        .summary_on_drop(false)
        .start()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let started = Instant::now();
    runtime.block_on(async {
        let a = blockwatch::spawn_named("A", factorial("A", 3, well_behaved));
        let b = blockwatch::spawn_named("B", factorial("B", 4, well_behaved));
        let (a, b) = (a.await, b.await);
        a.and(b).map(|_| ())
    })?;
    let took = started.elapsed();
    watchdog.flush();
    let summary = watchdog.summary();

    println!();
    println!("The two tasks finished in {:.1} s.", took.as_secs_f64());
    if well_behaved {
        println!(
            "Each pause awaited tokio::time::sleep, so while one task waited the other ran: \
             2 + 3 steps overlapped into about 3 s. blockwatch saw {} stall(s).",
            summary.stalls()
        );
    } else {
        println!(
            "Each pause was std::thread::sleep, which holds the runtime's only thread: the \
             5 steps ran one after another, about 5 s, and no task could run meanwhile."
        );
        println!(
            "A blocking step never yields, so each task ran all its steps in a single poll: \
             A held the thread for its 2 steps, then B for its 3. blockwatch attributed every \
             stall to the blocking step:"
        );
        for report in watchdog
            .reports()
            .iter()
            .filter(|report| !report.still_blocked)
        {
            println!(
                "  {:.1} s in `{}` ({}), blocked inside `{}`",
                report.elapsed.as_secs_f64(),
                report.task,
                report.location.as_deref().unwrap_or("unknown location"),
                report
                    .backtrace
                    .iter()
                    .find(|frame| frame.function.starts_with("factorial::"))
                    .map_or("an unknown frame", |frame| frame.function.as_str()),
            );
        }
        println!("Summary: {summary}");
        if let Some(report) = watchdog
            .reports()
            .iter()
            .find(|report| report.still_blocked)
        {
            println!("The first live report, sent while the thread was still blocked:\n  {report}");
        }
        println!("Fix: `tokio::time::sleep(..).await`; try `-- --async`.");
    }
    Ok(())
}
