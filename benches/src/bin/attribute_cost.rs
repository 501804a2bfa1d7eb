//! Attribute compile-time cost: `cargo check` wall time of a generated crate with 500
//! async fns and no attribute, with `#[blockwatch::no_blocking]` on each (also with
//! `watch = false`, the check without the wrapper), and with `#[tracing::instrument]`. The crates live in a scratch directory with their
//! own target directory; dependencies are checked once first, then each round touches
//! each crate's `src/lib.rs` and times `cargo check` of that crate alone, interleaved.
//!
//! Each check is timed twice: wall time, and the CPU time of cargo and the rustc it runs
//! (`RUSAGE_CHILDREN`), which other processes on a shared machine do not inflate; the
//! budgets are judged on CPU time.
//!
//! Usage: `attribute_cost [--quick] [--rounds N] [--blocking-helpers] [--edition 2021|2024]`
//! (see BENCHMARKS.md). `--edition` sets the generated crates' edition (2021 by default;
//! from 2024 the wrapper is a fn returning the watched future). With `--blocking-helpers`, every crate also holds a few modules of
//! sync helpers that block (nobody calls them, so the check passes): the crate view must
//! then read what can reach them, as in a crate with blocking code somewhere. The scratch
//! directory is `$BLOCKWATCH_BENCH_SCRATCH` or `<temp>/blockwatch-bench-attribute`; the
//! repository measured is `$BLOCKWATCH_BENCH_REPO` or this one. With
//! `$BLOCKWATCH_BENCH_BASE` (another checkout, say `git archive` of the base commit), the
//! two `#[blockwatch::no_blocking]` crates are also built against it and measured in the
//! same rounds: before and after in one run, against the same baseline.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use blockwatch_benches::budget::Budget;
use blockwatch_benches::generated_crate::{touch, write_crate_named, Attribute, Edition, Helpers};
use blockwatch_benches::options::Options;
use blockwatch_benches::rounds::{interleave, paired_ratios};
use blockwatch_benches::stats::{median, range};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// How many async fns each generated crate has.
const FNS: usize = 500;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("attribute_cost: {error}");
            ExitCode::FAILURE
        }
    }
}

/// CPU seconds (user + system) of the waited-for child processes so far, NaN where
/// the platform cannot say.
fn children_cpu_seconds() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: an all-zero `rusage` is valid; getrusage writes one through a valid pointer.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
            return f64::NAN;
        }
        let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
    #[cfg(not(unix))]
    {
        f64::NAN
    }
}

/// One `cargo check`: wall seconds, and CPU seconds of cargo and everything it ran.
#[derive(Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: f64,
}

/// `cargo check` of the crate in `dir`, timed.
fn cargo_check(dir: &Path, target: &Path) -> Result<Sample> {
    let cpu_before = children_cpu_seconds();
    let start = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds() - cpu_before;
    if !output.status.success() {
        return Err(format!(
            "cargo check in {} failed ({}):\n{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(Sample { wall, cpu })
}

/// One results table (wall or CPU); returns each mode's median ratio to the baseline.
fn table(crates: &[(String, PathBuf)], samples: &[Vec<f64>], what: &str) -> Vec<f64> {
    println!("\n| attribute on {FNS} async fns | median `cargo check` {what} | time ratio to no attribute | per-round ratio range | added |");
    println!("|---|---:|---:|---:|---:|");
    let mut ratios = Vec::new();
    for (index, (name, _)) in crates.iter().enumerate() {
        let per_round = paired_ratios(&samples[index], &samples[0]);
        let ratio = median(&per_round).unwrap_or(f64::NAN);
        let (low, high) = range(&per_round).unwrap_or((f64::NAN, f64::NAN));
        ratios.push(ratio);
        println!(
            "| {name} | {:.2} s | {:.3} | {low:.3}..{high:.3} | {:+.1} % |",
            median(&samples[index]).unwrap_or(f64::NAN),
            ratio,
            (ratio - 1.0) * 100.0
        );
    }
    ratios
}

fn run() -> Result<()> {
    // `--blocking-helpers` is this bench's own flag; the rest is the common command line.
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let helpers = match args.iter().position(|arg| arg == "--blocking-helpers") {
        Some(at) => {
            args.remove(at);
            Helpers::Blocking
        }
        None => Helpers::None,
    };
    // `--edition 2021|2024` too (2021 by default, as the earlier runs).
    let edition = match args.iter().position(|arg| arg == "--edition") {
        Some(at) => {
            let year = args.get(at + 1).cloned().unwrap_or_default();
            args.drain(at..(at + 2).min(args.len()));
            Edition::parse(&year)
                .ok_or_else(|| format!("--edition takes 2021 or 2024, not `{year}`"))?
        }
        None => Edition::E2021,
    };
    let suffix = format!("{}{}", helpers.package_suffix(), edition.package_suffix());
    let options = Options::parse(args)?;
    let rounds = options.rounds(9, 1);
    let scratch = std::env::var_os("BLOCKWATCH_BENCH_SCRATCH")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("blockwatch-bench-attribute"));
    let target = scratch.join("target");
    // Another checkout (say, the base commit) can be measured with this binary.
    let repo = match std::env::var_os("BLOCKWATCH_BENCH_REPO") {
        Some(repo) => PathBuf::from(repo),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    }
    .canonicalize()?;
    let mut crates = Attribute::ALL
        .iter()
        .map(|&attribute| {
            let package = format!("{}{suffix}", attribute.package());
            let dir = write_crate_named(
                &scratch,
                &package,
                attribute,
                FNS,
                (helpers, edition),
                &repo,
            )?;
            Ok((attribute.name().to_string(), dir))
        })
        .collect::<Result<Vec<(String, PathBuf)>>>()?;
    let base = std::env::var_os("BLOCKWATCH_BENCH_BASE")
        .map(|base| PathBuf::from(base).canonicalize())
        .transpose()?;
    if let Some(base) = &base {
        for attribute in [Attribute::NoBlocking, Attribute::NoBlockingUnwatched] {
            let package = format!("base_{}{suffix}", attribute.package());
            let dir =
                write_crate_named(&scratch, &package, attribute, FNS, (helpers, edition), base)?;
            crates.push((format!("base: {}", attribute.name()), dir));
        }
    }
    println!("## Attribute compile-time cost\n");
    println!(
        "Generated crates of {FNS} async fns each (same bodies, same dependencies: \
         this repository's facade by path, tokio, tracing), in {}; {rounds} interleaved \
         rounds of touch `src/lib.rs` + `cargo check`, dependencies checked beforehand.",
        scratch.display()
    );
    println!("Edition {} (`--edition`).", edition.as_str());
    if helpers == Helpers::Blocking {
        println!(
            "Each crate also holds {} modules of blocking sync helpers nobody calls \
             (`--blocking-helpers`).",
            blockwatch_benches::generated_crate::HELPER_FILES
        );
    }
    let warm_start = Instant::now();
    for (_, dir) in &crates {
        cargo_check(dir, &target)?;
    }
    if let Some(base) = &base {
        println!("Rows `base:` are built against {}.", base.display());
    }
    println!(
        "Warm-up (dependencies and a first check of each crate): {:.1} s.",
        warm_start.elapsed().as_secs_f64()
    );
    let indices: Vec<usize> = (0..crates.len()).collect();
    let samples = interleave(&indices, rounds, |index, _| {
        let dir = &crates[index].1;
        touch(&dir.join("src").join("lib.rs"))?;
        cargo_check(dir, &target)
    })?;
    let wall: Vec<Vec<f64>> = samples
        .iter()
        .map(|mode| mode.iter().map(|s| s.wall).collect())
        .collect();
    let cpu: Vec<Vec<f64>> = samples
        .iter()
        .map(|mode| mode.iter().map(|s| s.cpu).collect())
        .collect();
    table(&crates, &wall, "wall time");
    let ratios = table(&crates, &cpu, "CPU time");
    let (wrapped, unwatched, tracing, floor) = (ratios[1], ratios[2], ratios[3], ratios[4]);
    println!(
        "\nAbove the floor (an identity attribute macro, {:+.1} % by itself): \
         `watch = false` {:+.1} points, the wrapper {:+.1} points.",
        (floor - 1.0) * 100.0,
        (unwatched - floor) * 100.0,
        (wrapped - floor) * 100.0
    );
    println!();
    for (what, ratio, limit) in [
        ("#[blockwatch::no_blocking(watch = false)]", unwatched, 5.0),
        ("#[blockwatch::no_blocking] (debug wrapper)", wrapped, 30.0),
    ] {
        println!(
            "{}",
            Budget::at_most(
                format!("{what} added `cargo check` CPU time"),
                (ratio - 1.0) * 100.0,
                limit,
                "%",
                options.quick
            )
        );
    }
    println!(
        "{}",
        Budget::at_most(
            "#[blockwatch::no_blocking] check CPU time / #[tracing::instrument] check CPU time",
            wrapped / tracing,
            1.0,
            "",
            options.quick
        )
    );
    Ok(())
}
