//! Scanner throughput: lines per second of the blockwatch engine (`syn::parse_file` +
//! `blockwatch_lint::summarize_file`, what `cargo blockwatch` does per file) against bare
//! `syn::parse_file`, over every `.rs` file under `~/.cargo/registry/src`, read into
//! memory first, on the same number of threads, in interleaved rounds. For scale: the
//! `cargo-blockwatch` binary end to end, and `cargo clippy` from cold, on a copy of the
//! `syn` crate.
//!
//! Usage: `scanner_throughput [--quick] [--rounds N]` (see BENCHMARKS.md).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use blockwatch_benches::budget::Budget;
use blockwatch_benches::corpus::{registry_sources, Corpus};
use blockwatch_benches::options::Options;
use blockwatch_benches::parallel::sum_over;
use blockwatch_benches::rounds::{interleave, paired_ratios};
use blockwatch_benches::stats::{median, range};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("scanner_throughput: {error}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scan {
    BareSyn,
    Engine,
}

impl Scan {
    fn name(self) -> &'static str {
        match self {
            Scan::BareSyn => "bare `syn::parse_file`",
            Scan::Engine => "blockwatch engine (parse + `summarize_file`)",
        }
    }
}

/// Seconds to scan the corpus once; the sum returned keeps the work observable.
fn scan_once(corpus: &Corpus, scan: Scan, threads: usize) -> (f64, u64) {
    let config = blockwatch_lint::Config::default();
    let start = Instant::now();
    let checksum = sum_over(&corpus.files, threads, |file| {
        let Ok(parsed) = syn::parse_file(&file.text) else {
            return 0;
        };
        match scan {
            // One per file that parses: the bare run doubles as the parse-failure count.
            Scan::BareSyn => 1,
            Scan::Engine => {
                let path = file.path.to_string_lossy();
                let summary = blockwatch_lint::summarize_file(&parsed, &path, &[], false, &config);
                (summary.findings.len() + summary.fns.len()) as u64
            }
        }
    });
    (start.elapsed().as_secs_f64(), checksum)
}

/// The `cargo-blockwatch` binary: `$BLOCKWATCH_CLI`, or next to this binary.
fn cli_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BLOCKWATCH_CLI") {
        return Some(PathBuf::from(path));
    }
    let exe = std::env::current_exe().ok()?;
    let sibling = exe.parent()?.join("cargo-blockwatch");
    sibling.is_file().then_some(sibling)
}

/// Seconds for one `cargo-blockwatch --format json` run over `dir` (exit 0 or 1: clean
/// or findings; anything else is an error).
fn time_cli(cli: &Path, dir: &Path) -> Result<f64> {
    let start = Instant::now();
    let status = Command::new(cli)
        .args(["--format", "json"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let elapsed = start.elapsed().as_secs_f64();
    match status.code() {
        Some(0 | 1) => Ok(elapsed),
        _ => Err(format!("{} {} failed: {status}", cli.display(), dir.display()).into()),
    }
}

/// The newest `syn-2.*` under the registry sources.
fn syn_sources(registry: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for index in std::fs::read_dir(registry)? {
        let index = index?.path();
        if !index.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&index)? {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("");
            if let Some(version) = name.strip_prefix("syn-2.") {
                let minor_patch: Vec<u64> = version
                    .split('.')
                    .map(|part| part.parse().unwrap_or(0))
                    .collect();
                found.push((minor_patch, path));
            }
        }
    }
    found.sort();
    found
        .pop()
        .map(|(_, path)| path)
        .ok_or_else(|| "no syn-2.* sources in the cargo registry".into())
}

/// Copies the crate at `from` to `to`, dropping what a library check does not need and
/// what could not resolve offline: dev-dependencies and test, bench and example targets.
fn copy_crate(from: &Path, to: &Path, lock: &Path) -> Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    copy_dir(&from.join("src"), &to.join("src"))?;
    for extra in ["build.rs"] {
        if from.join(extra).is_file() {
            std::fs::copy(from.join(extra), to.join(extra))?;
        }
    }
    let manifest = std::fs::read_to_string(from.join("Cargo.toml"))?;
    std::fs::write(to.join("Cargo.toml"), library_manifest(&manifest))?;
    if lock.is_file() {
        std::fs::copy(lock, to.join("Cargo.lock"))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// A normalized registry manifest without dev-dependency tables, without test, bench
/// and example targets, and without feature items that name a dropped dev-dependency;
/// made its own workspace.
fn library_manifest(manifest: &str) -> String {
    let mut dropped = Vec::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix('[') {
            if let Some((_, name)) = rest.trim_end_matches(']').split_once("dev-dependencies.") {
                dropped.push(name.trim_matches('"').to_owned());
            }
        }
    }
    let mut out = String::new();
    let mut keep = true;
    let mut in_features = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') && !trimmed.starts_with("[\"") {
            keep = !(trimmed.contains("dev-dependencies")
                || trimmed.starts_with("[[test]]")
                || trimmed.starts_with("[[bench]]")
                || trimmed.starts_with("[[example]]"));
            in_features = trimmed.starts_with("[features]");
        }
        if !keep {
            continue;
        }
        if in_features {
            let stripped = strip_feature_items(line, &dropped);
            if stripped.trim().is_empty() && !line.trim().is_empty() {
                continue;
            }
            out.push_str(&stripped);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("\n[workspace]\n");
    out
}

/// Removes the quoted feature items of `line` that enable one of `dropped`
/// (`"name/feature"`, `"name?/feature"`, `"dep:name"`), with their trailing comma.
fn strip_feature_items(line: &str, dropped: &[String]) -> String {
    let names_dropped = |item: &str| {
        dropped.iter().any(|name| {
            item == format!("dep:{name}")
                || item.starts_with(&format!("{name}/"))
                || item.starts_with(&format!("{name}?/"))
        })
    };
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('"') {
        let Some(close) = rest[open + 1..].find('"') else {
            break;
        };
        let item = &rest[open + 1..open + 1 + close];
        let after = &rest[open + close + 2..];
        if names_dropped(item) {
            out.push_str(&rest[..open]);
            rest = after
                .trim_start()
                .strip_prefix(',')
                .unwrap_or(after)
                .trim_start();
        } else {
            out.push_str(&rest[..open + close + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Seconds for `cargo clippy` of the crate at `dir` from an empty target directory.
fn time_cold_clippy(dir: &Path, target: &Path) -> Result<f64> {
    if target.exists() {
        std::fs::remove_dir_all(target)?;
    }
    let start = Instant::now();
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["clippy", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let elapsed = start.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("cargo clippy in {} failed: {status}", dir.display()).into());
    }
    Ok(elapsed)
}

fn run() -> Result<()> {
    let options = Options::from_env()?;
    let rounds = options.rounds(3, 2);
    let registry = registry_sources().ok_or("no cargo registry sources (~/.cargo/registry/src)")?;
    let mut corpus = Corpus::read(&registry)?;
    if options.quick {
        corpus.keep_every(20);
    }
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let lines = corpus.total_lines() as f64;
    println!("## Scanner throughput\n");
    println!(
        "Corpus: {} `.rs` files, {} lines, {:.1} MB under {}{} ({} unreadable skipped); \
         {threads} threads in both modes; {rounds} interleaved rounds.",
        corpus.files.len(),
        corpus.total_lines(),
        corpus.total_bytes() as f64 / 1e6,
        registry.display(),
        if options.quick {
            " (every 20th file: quick run)"
        } else {
            ""
        },
        corpus.unreadable,
    );
    let modes = [Scan::BareSyn, Scan::Engine];
    let mut parsed = 0;
    let samples = interleave(&modes, rounds, |scan, _| {
        let (seconds, checksum) = scan_once(&corpus, scan, threads);
        if scan == Scan::BareSyn {
            parsed = checksum;
        }
        std::hint::black_box(checksum);
        Ok::<f64, Box<dyn Error>>(seconds)
    })?;
    let unparsed = corpus.files.len() as u64 - parsed;
    if unparsed > 0 {
        println!("{unparsed} files do not parse with syn 2 (both modes pay for the attempt).");
    }
    println!("\n| mode | median time | lines/s | rate ratio to bare syn | per-round ratio range |");
    println!("|---|---:|---:|---:|---:|");
    let mut engine_ratio = f64::NAN;
    for (index, scan) in modes.iter().enumerate() {
        let seconds = median(&samples[index]).unwrap_or(f64::NAN);
        let ratios = paired_ratios(&samples[0], &samples[index]);
        let ratio = median(&ratios).unwrap_or(f64::NAN);
        let (low, high) = range(&ratios).unwrap_or((f64::NAN, f64::NAN));
        if *scan == Scan::Engine {
            engine_ratio = ratio;
        }
        println!(
            "| {} | {:.2} s | {:.0} | {:.3} | {low:.3}..{high:.3} |",
            scan.name(),
            seconds,
            lines / seconds,
            ratio
        );
    }

    println!("\n### For scale: one mid-size crate (syn)\n");
    let syn_dir = syn_sources(&registry)?;
    let syn_corpus = Corpus::read(&syn_dir.join("src"))?;
    let scratch = std::env::temp_dir().join("blockwatch-bench-scanner");
    let copy = scratch.join(
        syn_dir
            .file_name()
            .ok_or("registry directory without a name")?,
    );
    let repo_lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    copy_crate(&syn_dir, &copy, &repo_lock)?;
    println!(
        "`{}`: {} files, {} lines.\n",
        copy.file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("syn"),
        syn_corpus.files.len(),
        syn_corpus.total_lines()
    );
    println!("| what | median wall time | runs |");
    println!("|---|---:|---:|");
    match cli_binary() {
        Some(cli) => {
            time_cli(&cli, &copy)?;
            let runs = options.size(7, 2);
            let times = (0..runs)
                .map(|_| time_cli(&cli, &copy))
                .collect::<Result<Vec<f64>>>()?;
            println!(
                "| `cargo-blockwatch --format json` (whole process, reads the files) | {:.3} s | {runs} |",
                median(&times).unwrap_or(f64::NAN)
            );
        }
        None => println!(
            "| `cargo-blockwatch`: not found next to this binary or in $BLOCKWATCH_CLI | - | 0 |"
        ),
    }
    if options.quick {
        println!("| `cargo clippy`, cold: skipped in quick runs | - | 0 |");
    } else {
        let seconds = time_cold_clippy(&copy, &scratch.join("target"))?;
        println!("| `cargo clippy` from an empty target dir (builds proc-macro2, quote, unicode-ident too) | {seconds:.1} s | 1 |");
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!();
    println!(
        "{}",
        Budget::at_least(
            format!("scanner rate / bare syn parse rate ({threads} threads each)"),
            engine_ratio,
            0.5,
            "",
            options.quick
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_manifest_drops_dev_only_tables() {
        let manifest = "[package]\nname = \"x\"\n\n[[test]]\nname = \"t\"\npath = \"tests/t.rs\"\n\n\
                        [dependencies.quote]\nversion = \"1\"\n\n[dev-dependencies.insta]\nversion = \"1\"\n\n\
                        [target.'cfg(unix)'.dev-dependencies.rayon]\nversion = \"1\"\n\n[features]\ndefault = []\n\
                        test = [\"insta/glob\", \"quote\"]\nall = [\n    \"dep:rayon\",\n    \"full\",\n]\n";
        let out = library_manifest(manifest);
        assert!(out.contains("[dependencies.quote]"));
        assert!(out.contains("[features]"));
        assert!(!out.contains("insta"));
        assert!(!out.contains("rayon"));
        assert!(!out.contains("[[test]]"));
        assert!(out.contains("test = [\"quote\"]"));
        assert!(out.contains("all = [\n    \"full\",\n]"));
        assert!(out.ends_with("[workspace]\n"));
    }
}
