//! What the attribute's crate view adds to one compile: process CPU time of
//! `CrateView::load` (read the module tree, summarize every file, solve the call graph)
//! on a generated crate of about 10k lines, against the named baseline of reading and
//! `syn`-parsing the same files, measured interleaved in the same run.
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

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("crate_view_cost: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One module: a chain of sync helpers (the last one reads a file) and an async caller.
fn module_source(m: usize) -> String {
    let mut out = String::new();
    for f in 0..FNS_PER_MODULE {
        let _ = writeln!(out, "/// Helper {f} of module {m}.");
        let _ = writeln!(out, "pub fn helper_{f}(input: &str) -> usize {{");
        let _ = writeln!(out, "    let mut total = input.len();");
        let _ = writeln!(out, "    for part in input.split(',') {{");
        let _ = writeln!(out, "        total += part.trim().len();");
        let _ = writeln!(out, "    }}");
        if f + 1 < FNS_PER_MODULE {
            let _ = writeln!(out, "    total + helper_{}(input)", f + 1);
        } else {
            let _ = writeln!(
                out,
                "    total + std::fs::read_to_string(input).map(|s| s.len()).unwrap_or(0)"
            );
        }
        let _ = writeln!(out, "}}\n");
    }
    let _ = writeln!(out, "pub async fn handle(input: String) -> usize {{");
    let _ = writeln!(out, "    tokio::task::yield_now().await;");
    let _ = writeln!(out, "    helper_0(&input)");
    let _ = writeln!(out, "}}");
    out
}

/// Writes the crate; returns its directory, its root file and its line count.
fn write_crate(dir: &Path) -> Result<(PathBuf, usize)> {
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
        let source = module_source(m);
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
    let dir = std::env::temp_dir().join(format!("blockwatch-bench-view-{}", std::process::id()));
    let (root, lines) = write_crate(&dir)?;
    let config = Config::default();
    let files: Vec<PathBuf> = (0..MODULES)
        .map(|m| dir.join("src").join(format!("module_{m}.rs")))
        .chain([root.clone()])
        .collect();
    let modes = ["parse only", "crate view"];
    let samples = interleave(&[0usize, 1], rounds, |mode, _| -> Result<f64> {
        let before = process_cpu_time();
        if mode == 0 {
            for file in &files {
                let text = std::fs::read_to_string(file)?;
                std::hint::black_box(syn::parse_file(&text)?);
            }
        } else {
            let view = CrateView::load(&dir, "viewed", &root, &config)?;
            std::hint::black_box(view);
        }
        Ok(cpu_seconds_between(before, process_cpu_time()))
    })?;
    std::fs::remove_dir_all(&dir)?;
    let per_10k = |s: f64| s * 1000.0 * 10_000.0 / lines as f64;
    println!("## Crate view cost\n");
    println!(
        "A generated crate of {MODULES} modules, {lines} lines ({} fns, a sync chain per \
         module ending in a blocking call); {rounds} interleaved rounds, process CPU time.\n",
        MODULES * (FNS_PER_MODULE + 1)
    );
    println!("| mode | median | ms per 10k lines | range |");
    println!("|---|---:|---:|---:|");
    for (i, mode) in modes.iter().enumerate() {
        let m = median(&samples[i]).unwrap_or(f64::NAN);
        let (low, high) = range(&samples[i]).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "| {mode} | {:.1} ms | {:.1} | {:.1}..{:.1} ms |",
            m * 1000.0,
            per_10k(m),
            low * 1000.0,
            high * 1000.0
        );
    }
    let view = median(&samples[1]).unwrap_or(f64::NAN);
    let parse = median(&samples[0]).unwrap_or(f64::NAN);
    println!("\ncrate view / parse only: {:.2}\n", view / parse);
    println!(
        "{}",
        Budget::at_most(
            "crate view time per 10k lines of crate source",
            per_10k(view),
            50.0,
            "ms",
            options.quick
        )
    );
    Ok(())
}
