//! The spinner experiment: a spinner animates while `slow()` works out the answer.
//!
//! ```text
//! cargo run --example spinner            # slow() blocks: the spinner freezes, blockwatch reports it
//! cargo run --example spinner -- --async # slow() awaits: the spinner spins, nothing to report
//! ```
//!
//! With a blocking `std::thread::sleep(3 s)` inside an async fn, the only worker thread
//! is stuck for three seconds: the spinner task never gets to run, and nothing but the
//! watchdog notices. blockwatch's report names the task, how long it has been blocked,
//! and the stack of the blocking code (showing `spinner::slow`) while it is still frozen.
//!
//! In `--release` runs the `#[no_blocking]` wrapper is compiled out (the `supervisor`
//! wrapper below still watches), and the optimizer inlines `slow` out of the stack. Add
//! `debug = "line-tables-only"` to the release profile (or run with
//! `CARGO_PROFILE_RELEASE_DEBUG=line-tables-only`) to get it back: inlined async bodies
//! then show as `{async_fn#0} at examples/spinner.rs:LINE`.

use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

use blockwatch::{WatchExt, Watchdog};

/// The blocking version. blockwatch's static check flags the sleep at compile time: `warn`
/// makes it a warning at the exact line (`cargo run --example spinner` shows it), where the
/// default would fail the build. The watchdog catches it at run time.
///
/// The repository's own lint gate (`cargo clippy -- -D warnings`) must accept this
/// deliberate finding, so the warning is silenced for clippy runs only.
#[blockwatch::no_blocking(warn)]
#[cfg_attr(clippy, allow(deprecated))]
async fn slow() -> u32 {
    std::thread::sleep(Duration::from_secs(3));
    42
}

/// The well-behaved version: the sleep yields the thread to the spinner.
#[blockwatch::no_blocking]
async fn slow_async() -> u32 {
    tokio::time::sleep(Duration::from_secs(3)).await;
    42
}

async fn spin(message: &'static str) {
    let mut stdout = tokio::io::stdout();
    for frame in "|/-\\".chars().cycle() {
        let _ = stdout
            .write_all(format!("\r{frame} {message}").as_bytes())
            .await;
        let _ = stdout.flush().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn supervisor(well_behaved: bool) -> u32 {
    let spinner = tokio::spawn(spin("thinking!"));
    let answer = if well_behaved {
        slow_async().await
    } else {
        slow().await
    };
    spinner.abort();
    answer
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let well_behaved = std::env::args().skip(1).any(|arg| arg == "--async");
    // On in every build for the demo; an application would keep the default
    // (on in debug builds, off in release unless BLOCKWATCH=1).
    let watchdog = Watchdog::builder().enabled(true).start()?;

    // One thread, so a blocked task freezes everything, as in an asyncio event loop.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let answer = runtime.block_on(supervisor(well_behaved).watched("supervisor"));
    let took = started.elapsed();
    println!("\rAnswer: {answer}          ");

    watchdog.flush(); // let the report of the poll that just returned come in
    let reports = watchdog.reports();
    drop(watchdog); // stops the watchdog and prints its summary
    println!();
    if well_behaved {
        println!(
            "slow() awaited tokio::time::sleep, so the thread was free while it waited: the \
             spinner spun for {:.1} s and blockwatch had nothing to report ({} report(s)).",
            took.as_secs_f64(),
            reports.len()
        );
    } else {
        println!(
            "slow() called std::thread::sleep inside async code. That held the runtime's only \
             thread for {:.1} s: the spinner task never ran, so no spinner appeared.",
            took.as_secs_f64()
        );
        println!(
            "blockwatch reported it while it was happening ({} report(s) above: one live, one \
             when the poll returned). Fix: use tokio::time::sleep(..).await, or move blocking \
             work to tokio::task::spawn_blocking. Try `-- --async`.",
            reports.len()
        );
    }
    Ok(())
}
