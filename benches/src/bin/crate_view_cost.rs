//! What the attribute's crate view adds to one compile: process CPU time of
//! `CrateView::load` (read the module tree, parse and summarize the files in the name
//! closure of the blocking names, solve the call graph) on a generated crate of about 10k
//! lines, against the named baseline of reading and `syn`-parsing the same files,
//! measured interleaved in the same run.
//!
//! Two crates of the same size and shape: in one every module's helper chain ends in a
//! blocking call (every file is in the closure: the full read's cost), in the other only
//! one module in [`BLOCKING_EVERY`] does, the rest compute (the realistic mix: most
//! files of a crate name nothing that blocks).
//!
//! Usage: `crate_view_cost [--quick] [--rounds N]` (see BENCHMARKS.md).

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use blockwatch_benches::budget::Budget;
use blockwatch_benches::cpu_time::{cpu_seconds_between, process_cpu_time};
use blockwatch_benches::options::Options;
use blockwatch_benches::rounds::interleave;
use blockwatch_benches::stats::{median, range};
use blockwatch_lint::{Config, CrateView};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Modules of the generated crate; each holds [`FNS_PER_MODULE`] helpers and an async fn.
const MODULES: usize = 50;
const FNS_PER_MODULE: usize = 20;
/// In the realistic crate, module `m` blocks when `m % BLOCKING_EVERY == 0`.
const BLOCKING_EVERY: usize = 10;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("crate_view_cost: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One module: a chain of sync helpers (the last one reads a file when `blocks`, else
/// computes) and an async caller, named after the module as a crate's fns mostly are.
fn module_source(m: usize, blocks: bool) -> String {
    let mut out = String::new();
    for f in 0..FNS_PER_MODULE {
        let _ = writeln!(out, "/// Helper {f} of module {m}.");
        let _ = writeln!(out, "pub fn m{m}_helper_{f}(input: &str) -> usize {{");
        let _ = writeln!(out, "    let mut total = input.len();");
        let _ = writeln!(out, "    for part in input.split(',') {{");
        let _ = writeln!(out, "        total += part.trim().len();");
        let _ = writeln!(out, "    }}");
        if f + 1 < FNS_PER_MODULE {
            let _ = writeln!(out, "    total + m{m}_helper_{}(input)", f + 1);
        } else if !blocks {
            let _ = writeln!(
                out,
                "    total + input.bytes().map(|b| usize::from(b)).sum::<usize>()"
            );
        } else {
            let _ = writeln!(
                out,
                "    total + std::fs::read_to_string(input).map(|s| s.len()).unwrap_or(0)"
            );
        }
        let _ = writeln!(out, "}}\n");
    }
    let _ = writeln!(out, "pub async fn handle_{m}(input: String) -> usize {{");
    let _ = writeln!(out, "    tokio::task::yield_now().await;");
    let _ = writeln!(out, "    m{m}_helper_0(&input)");
    let _ = writeln!(out, "}}");
    out
}

/// Writes the crate (module `m` blocks when `blocks(m)`); returns its root file and its
/// line count.
fn write_crate(dir: &Path, blocks: impl Fn(usize) -> bool) -> Result<(PathBuf, usize)> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"viewed\"\nversion = \"0.0.0\"\n",
    )?;
    let mut lib = String::new();
    let mut lines = 0;
    for m in 0..MODULES {
        let _ = writeln!(lib, "pub mod module_{m};");
        let source = module_source(m, blocks(m));
        lines += source.lines().count();
        std::fs::write(dir.join("src").join(format!("module_{m}.rs")), source)?;
    }
    lines += lib.lines().count();
    let root = dir.join("src/lib.rs");
    std::fs::write(&root, lib)?;
    Ok((root, lines))
}

fn run() -> Result<()> {
    let options = Options::from_env()?;
    let rounds = options.rounds(15, 3);
    let scratch =
        std::env::temp_dir().join(format!("blockwatch-bench-view-{}", std::process::id()));
    let all_dir = scratch.join("all");
    let mixed_dir = scratch.join("mixed");
    let (root, lines) = write_crate(&all_dir, |_| true)?;
    let (mixed_root, mixed_lines) = write_crate(&mixed_dir, |m| m % BLOCKING_EVERY == 0)?;
    let config = Config::default();
    let files: Vec<PathBuf> = (0..MODULES)
        .map(|m| all_dir.join("src").join(format!("module_{m}.rs")))
        .chain([root.clone()])
        .collect();
    let blocking_modules = (0..MODULES).filter(|m| m % BLOCKING_EVERY == 0).count();
    let modes = [
        "parse only (baseline)".to_string(),
        "crate view, every module blocks (all files in the closure)".to_string(),
        format!(
            "crate view, {blocking_modules} of {MODULES} modules block ({:.0} % of files)",
            100.0 * blocking_modules as f64 / (MODULES + 1) as f64
        ),
    ];
    let mut parsed = [0usize; 3];
    let samples = interleave(&[0usize, 1, 2], rounds, |mode, _| -> Result<f64> {
        let before = process_cpu_time();
        match mode {
            0 => {
                for file in &files {
                    let text = std::fs::read_to_string(file)?;
                    std::hint::black_box(syn::parse_file(&text)?);
                }
            }
            1 => {
                let view = CrateView::load(&all_dir, "viewed", &root, &config)?;
                parsed[1] = view.parsed_files();
                std::hint::black_box(view);
            }
            _ => {
                let view = CrateView::load(&mixed_dir, "viewed", &mixed_root, &config)?;
                parsed[2] = view.parsed_files();
                std::hint::black_box(view);
            }
        }
        Ok(cpu_seconds_between(before, process_cpu_time()))
    })?;
    std::fs::remove_dir_all(&scratch)?;
    parsed[0] = files.len();
    let line_counts = [lines, lines, mixed_lines];
    let per_10k = |s: f64, lines: usize| s * 1000.0 * 10_000.0 / lines as f64;
    println!("## Crate view cost\n");
    println!(
        "Generated crates of {MODULES} modules, {lines} and {mixed_lines} lines ({} fns, a \
         sync chain per module ending in a blocking call, or in the mixed crate only in one \
         module of {BLOCKING_EVERY}); {rounds} interleaved rounds, process CPU time.\n",
        MODULES * (FNS_PER_MODULE + 1)
    );
    println!("| mode | files parsed | median | ms per 10k lines | range |");
    println!("|---|---:|---:|---:|---:|");
    let mut per_10k_of = [f64::NAN; 3];
    for (i, mode) in modes.iter().enumerate() {
        let m = median(&samples[i]).unwrap_or(f64::NAN);
        let (low, high) = range(&samples[i]).unwrap_or((f64::NAN, f64::NAN));
        per_10k_of[i] = per_10k(m, line_counts[i]);
        println!(
            "| {mode} | {} of {} | {:.1} ms | {:.1} | {:.1}..{:.1} ms |",
            parsed[i],
            MODULES + 1,
            m * 1000.0,
            per_10k_of[i],
            low * 1000.0,
            high * 1000.0
        );
    }
    println!(
        "\ncrate view / parse only: {:.2} (every module blocks), {:.2} (mixed)\n",
        per_10k_of[1] / per_10k_of[0],
        per_10k_of[2] / per_10k_of[0]
    );
    for (i, which) in [(1, "every module blocks"), (2, "mixed crate")] {
        println!(
            "{}",
            Budget::at_most(
                format!("crate view time per 10k lines of crate source ({which})"),
                per_10k_of[i],
                50.0,
                "ms",
                options.quick
            )
        );
    }
    Ok(())
}
