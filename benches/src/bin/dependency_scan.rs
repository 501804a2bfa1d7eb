//! Dependency scan cost: `cargo blockwatch` with its dependency tree, cold (no cache:
//! `cargo metadata`, every dependency parsed and summarized) and warm (the graph and the
//! summaries from `target/blockwatch/`), against two named baselines measured in the
//! same rounds: bare `syn::parse_file` over the same files (read into memory first, on
//! the same number of threads), and the same scan with `--no-deps`. Two workspaces: this
//! repository (the dogfood excludes of `.ci/run`) and a generated one depending on
//! popular async crates of the local registry (`Cargo.lock` resolved offline).
//!
//! Times are process CPU (user + system) of the scan and the processes it waited for;
//! wall times are printed for scale. A warm or `--no-deps` sample is the median of five
//! scans after an untimed one, so that neither pays for following the cold scan. Every
//! scan's JSON summary is checked against its mode (a cold scan that analysed no
//! dependency, or a warm one that missed the cache, stops the bench with an error).
//!
//! Usage: `dependency_scan [--quick] [--rounds N] [--mode MODE] [--workspace WS]`.
//! `--mode bare-syn|cold|warm|no-deps` measures that mode alone, once per workspace (for
//! a profiler: `valgrind --tool=callgrind --trace-children=yes dependency_scan --mode
//! cold --workspace repo`); `--workspace repo|generated` keeps one of the two. The
//! generated workspace goes to `$BLOCKWATCH_BENCH_SCRATCH` or
//! `<this binary's target dir>/tmp/blockwatch-dependency-scan`.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use blockwatch_benches::budget::Budget;
use blockwatch_benches::child_cpu::children_cpu_time;
use blockwatch_benches::corpus::Corpus;
use blockwatch_benches::cpu_time::{cpu_seconds_between, process_cpu_time};
use blockwatch_benches::dependency_workspace::{generate, scanned_sources};
use blockwatch_benches::options::Options;
use blockwatch_benches::parallel::sum_over;
use blockwatch_benches::rounds::{interleave, paired_ratios};
use blockwatch_benches::stats::{median, range};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dependency_scan: {error}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    BareSyn,
    Cold,
    Warm,
    NoDeps,
}

impl Mode {
    const ALL: [Mode; 4] = [Mode::BareSyn, Mode::Cold, Mode::Warm, Mode::NoDeps];

    /// The mode `--mode` names.
    fn from_flag(flag: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|mode| mode.flag() == flag)
    }

    fn flag(self) -> &'static str {
        match self {
            Mode::BareSyn => "bare-syn",
            Mode::Cold => "cold",
            Mode::Warm => "warm",
            Mode::NoDeps => "no-deps",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mode::BareSyn => "bare `syn::parse_file` (baseline of cold)",
            Mode::Cold => "cold: no cache",
            Mode::Warm => "warm: graph and summaries cached",
            Mode::NoDeps => "`--no-deps` (baseline of warm)",
        }
    }
}

/// One measurement: CPU seconds and wall seconds.
#[derive(Clone, Copy, Debug)]
struct Sample {
    cpu: f64,
    wall: f64,
}

/// The `cargo-blockwatch` binary: `$BLOCKWATCH_CLI`, or next to this binary.
fn cli_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("BLOCKWATCH_CLI") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let sibling = exe
        .parent()
        .ok_or("no directory of this binary")?
        .join("cargo-blockwatch");
    if sibling.is_file() {
        Ok(sibling)
    } else {
        Err(format!(
            "no cargo-blockwatch next to {} (set BLOCKWATCH_CLI)",
            exe.display()
        )
        .into())
    }
}

/// A workspace to scan.
struct Workspace {
    name: String,
    dir: PathBuf,
    /// Directory prefixes left out of the scan (`--exclude`), relative to `dir`.
    excluded: Vec<&'static str>,
    corpus: Corpus,
    dependencies: usize,
}

impl Workspace {
    fn cache_dir(&self) -> PathBuf {
        self.dir.join("target/blockwatch")
    }

    /// One `cargo-blockwatch --format json` run (exit 0 or 1: clean or findings), checked
    /// to have done what `mode` measures ([`check_dependency_counts`]).
    fn scan(&self, cli: &Path, mode: Mode, extra: &[&str]) -> Result<Sample> {
        let mut command = Command::new(cli);
        command.args(["--format", "json"]).args(extra);
        for prefix in &self.excluded {
            command.arg("--exclude").arg(format!("{prefix}**"));
        }
        command
            .arg(".")
            .current_dir(&self.dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let before = children_cpu_time();
        let start = Instant::now();
        let output = command.output()?;
        let wall = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds_between(before, children_cpu_time());
        let failed = |why: String| format!("{} in {}: {why}", cli.display(), self.dir.display());
        match output.status.code() {
            Some(0 | 1) => {}
            _ => return Err(failed(format!("failed: {}", output.status)).into()),
        }
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| failed(format!("its JSON report does not parse: {e}")))?;
        check_dependency_counts(mode, &report["summary"]).map_err(failed)?;
        Ok(Sample { cpu, wall })
    }

    fn parse_all(&self, threads: usize) -> Sample {
        let before = process_cpu_time();
        let start = Instant::now();
        let parsed = sum_over(&self.corpus.files, threads, |file| {
            u64::from(syn::parse_file(&file.text).is_ok())
        });
        std::hint::black_box(parsed);
        Sample {
            cpu: cpu_seconds_between(before, process_cpu_time()),
            wall: start.elapsed().as_secs_f64(),
        }
    }

    fn measure(&self, cli: &Path, mode: Mode, threads: usize) -> Result<Sample> {
        match mode {
            Mode::BareSyn => Ok(self.parse_all(threads)),
            Mode::Cold => {
                let cache = self.cache_dir();
                if cache.exists() {
                    std::fs::remove_dir_all(&cache)?;
                }
                self.scan(cli, mode, &[])
            }
            Mode::Warm => self.settled_scan(cli, mode, &[]),
            Mode::NoDeps => self.settled_scan(cli, mode, &["--no-deps"]),
        }
    }

    /// A warm or `--no-deps` scan as it runs in steady state: one untimed scan first
    /// (the first process after the round's cold scan pays about 0.4 ms more whatever
    /// its mode, which for the generated workspace's 3 ms scans is most of the
    /// difference measured), then the median of [`SETTLED_SAMPLES`] scans.
    fn settled_scan(&self, cli: &Path, mode: Mode, extra: &[&str]) -> Result<Sample> {
        self.scan(cli, mode, extra)?;
        let samples = (0..SETTLED_SAMPLES)
            .map(|_| self.scan(cli, mode, extra))
            .collect::<Result<Vec<Sample>>>()?;
        let of = |f: fn(&Sample) -> f64| {
            median(&samples.iter().map(f).collect::<Vec<f64>>()).unwrap_or(f64::NAN)
        };
        Ok(Sample {
            cpu: of(|s| s.cpu),
            wall: of(|s| s.wall),
        })
    }
}

/// Whether a scan's JSON `summary` shows the work its mode stands for: a cold scan
/// analysed dependencies and took none from the cache, a warm one took every one the
/// workspace reaches from the cache (the others it need not read), a `--no-deps` scan
/// analysed none. A scan that quietly skipped its dependencies (`cargo metadata`
/// failing, say) would otherwise pass for a fast one.
///
/// ```text
/// check_dependency_counts(Mode::Warm, &json!({"dependencies_analysed": 8,
///     "dependencies_from_cache": 5, "dependencies_not_reached": 3})) == Ok(())
/// ```
fn check_dependency_counts(
    mode: Mode,
    summary: &serde_json::Value,
) -> std::result::Result<(), String> {
    let count = |field: &str| {
        summary[field]
            .as_u64()
            .ok_or_else(|| format!("its JSON summary has no `{field}` count"))
    };
    let (analysed, cached, not_reached) = (
        count("dependencies_analysed")?,
        count("dependencies_from_cache")?,
        count("dependencies_not_reached")?,
    );
    let expected = match mode {
        Mode::BareSyn => return Ok(()),
        Mode::Cold if analysed > 0 && cached == 0 => return Ok(()),
        Mode::Cold => "dependencies analysed, none from the cache",
        Mode::Warm if cached > 0 && cached + not_reached == analysed => return Ok(()),
        Mode::Warm => "every reached dependency from the cache",
        Mode::NoDeps if analysed == 0 => return Ok(()),
        Mode::NoDeps => "no dependency analysed",
    };
    Err(format!(
        "a {} scan should show {expected}, its summary says {analysed} analysed, {cached} \
         from the cache, {not_reached} not reached",
        mode.flag()
    ))
}

/// How many timed scans make one warm or `--no-deps` sample ([`Workspace::settled_scan`]).
const SETTLED_SAMPLES: usize = 5;

fn bytes_under(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => bytes_under(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

fn ratio_line(samples: &[f64], baseline: &[f64]) -> (f64, String) {
    let ratios = paired_ratios(samples, baseline);
    let mid = median(&ratios).unwrap_or(f64::NAN);
    let (lo, hi) = range(&ratios).unwrap_or((f64::NAN, f64::NAN));
    (mid, format!("{mid:.2} ({lo:.2}..{hi:.2})"))
}

fn report(
    ws: &Workspace,
    cli: &Path,
    rounds: usize,
    threads: usize,
    quick: bool,
) -> Result<Vec<Budget>> {
    let lines = ws.corpus.total_lines() as f64;
    println!(
        "### {}\n\n{} `.rs` files, {} lines ({} of them in {} dependencies' libraries' \
         directories), {} unreadable skipped; {threads} threads for bare syn; {rounds} \
         interleaved rounds.\n",
        ws.name,
        ws.corpus.files.len(),
        ws.corpus.total_lines(),
        ws.corpus
            .files
            .iter()
            .filter(|f| !f.path.starts_with(&ws.dir))
            .map(|f| f.lines)
            .sum::<usize>(),
        ws.dependencies,
        ws.corpus.unreadable,
    );
    // A first cold scan (a cache an earlier run left removed first), so that the warm
    // mode finds a cache whatever the rotation.
    ws.measure(cli, Mode::Cold, threads)?;
    let mut cache_bytes = 0;
    let samples = interleave(&Mode::ALL, rounds, |mode, _| {
        let sample = ws.measure(cli, mode, threads)?;
        if mode == Mode::Cold {
            cache_bytes = bytes_under(&ws.cache_dir());
        }
        Ok::<Sample, Box<dyn Error>>(sample)
    })?;
    let cpu: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| s.iter().map(|x| x.cpu).collect())
        .collect();
    let wall: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| s.iter().map(|x| x.wall).collect())
        .collect();
    println!(
        "| mode | median CPU | median wall | lines/s (CPU) | CPU ratio to its baseline (range) |"
    );
    println!("|---|---:|---:|---:|---:|");
    let (cold_rate_ratio, cold_text) = {
        // Rate ratio: (lines / cold CPU) / (lines / syn CPU) = syn CPU / cold CPU.
        let (m, text) = ratio_line(&cpu[0], &cpu[1]);
        (m, format!("rate {text}"))
    };
    let (warm_ratio, warm_text) = ratio_line(&cpu[2], &cpu[3]);
    for (i, mode) in Mode::ALL.iter().enumerate() {
        let c = median(&cpu[i]).unwrap_or(f64::NAN);
        let w = median(&wall[i]).unwrap_or(f64::NAN);
        let ratio = match mode {
            Mode::Cold => cold_text.clone(),
            Mode::Warm => warm_text.clone(),
            _ => "1.00".to_string(),
        };
        println!(
            "| {} | {c:.2} s | {w:.2} s | {:.0} | {ratio} |",
            mode.name(),
            lines / c
        );
    }
    println!(
        "\nCache after a cold scan: {:.0} KB under `target/blockwatch/`. Cold rate \
         against bare syn by wall time: {:.2}.\n",
        cache_bytes as f64 / 1e3,
        median(&paired_ratios(&wall[0], &wall[1])).unwrap_or(f64::NAN),
    );
    Ok(vec![
        Budget::at_least(
            format!("{}: cold scan rate / bare syn parse rate (CPU)", ws.name),
            cold_rate_ratio,
            0.5,
            "",
            quick,
        ),
        Budget::at_most(
            format!("{}: warm scan / `--no-deps` scan (CPU)", ws.name),
            warm_ratio,
            1.2,
            "",
            quick,
        ),
    ])
}

/// The two workspaces `--workspace` can name.
const WORKSPACES: [&str; 2] = ["repo", "generated"];

/// What this binary adds to the common [`Options`]: one mode alone, one workspace alone.
#[derive(Debug, Default)]
struct Selection {
    mode: Option<Mode>,
    workspace: Option<&'static str>,
}

/// Splits `--mode` and `--workspace` (with their values) off `args`; the rest is for
/// [`Options::parse`].
fn selection(args: impl IntoIterator<Item = String>) -> Result<(Selection, Vec<String>)> {
    let mut chosen = Selection::default();
    let mut rest = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => {
                let value = args.next().ok_or("--mode needs a value")?;
                chosen.mode = Some(Mode::from_flag(&value).ok_or_else(|| {
                    format!("--mode {value}: not one of bare-syn, cold, warm, no-deps")
                })?);
            }
            "--workspace" => {
                let value = args.next().ok_or("--workspace needs a value")?;
                chosen.workspace = Some(
                    WORKSPACES
                        .into_iter()
                        .find(|name| *name == value)
                        .ok_or_else(|| {
                            format!("--workspace {value}: not one of repo, generated")
                        })?,
                );
            }
            _ => rest.push(arg),
        }
    }
    Ok((chosen, rest))
}

/// `--mode`: that mode once per workspace, its CPU and wall seconds.
fn measure_alone(workspaces: &[Workspace], cli: &Path, mode: Mode, threads: usize) -> Result<()> {
    for ws in workspaces {
        let sample = ws.measure(cli, mode, threads)?;
        println!(
            "{}: {}: {:.3} s CPU, {:.3} s wall, {} lines",
            ws.name,
            mode.name(),
            sample.cpu,
            sample.wall,
            ws.corpus.total_lines()
        );
    }
    Ok(())
}

fn run() -> Result<()> {
    let (chosen, rest) = selection(std::env::args().skip(1))?;
    let options = Options::parse(rest)?;
    let wanted = |name: &str| chosen.workspace.is_none_or(|only| only == name);
    let rounds = options.rounds(3, 1);
    let cli = cli_binary()?;
    let cargo = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()?;
    let scratch = match std::env::var_os("BLOCKWATCH_BENCH_SCRATCH") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::current_exe()?
            .parent()
            .and_then(Path::parent)
            .ok_or("no target directory above this binary")?
            .join("tmp/blockwatch-dependency-scan"),
    };
    println!("## Dependency summaries: scan cost\n");
    let repo_excluded = vec![
        "lint-macro/tests/ui/",
        "cli/tests/fixtures/",
        "lint/tests/corpus/",
        "fuzz/",
    ];
    let mut chosen_dirs = Vec::new();
    if wanted("repo") {
        chosen_dirs.push(("this repository".to_string(), repo, repo_excluded));
    }
    if wanted("generated") {
        let generated = generate(&scratch, &cargo)?;
        println!(
            "Generated workspace in {}: depends on {} ({} crates); not resolvable offline \
             here: {}.\n",
            generated.dir.display(),
            generated.crates.join(", "),
            generated.crates.len(),
            if generated.missing.is_empty() {
                "none".to_string()
            } else {
                generated.missing.join(", ")
            },
        );
        chosen_dirs.push((
            "generated async workspace".to_string(),
            generated.dir,
            Vec::new(),
        ));
    }
    let mut workspaces = Vec::new();
    for (name, dir, excluded) in chosen_dirs {
        let (corpus, dependencies) = scanned_sources(&dir, &excluded)?;
        workspaces.push(Workspace {
            name,
            dir,
            excluded,
            corpus,
            dependencies,
        });
    }
    if let Some(mode) = chosen.mode {
        return measure_alone(&workspaces, &cli, mode, threads);
    }
    let mut budgets = Vec::new();
    for ws in &workspaces {
        budgets.extend(report(ws, &cli, rounds, threads, options.quick)?);
    }
    for budget in budgets {
        println!("{budget}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(analysed: u64, cached: u64, not_reached: u64) -> serde_json::Value {
        json!({"dependencies_analysed": analysed, "dependencies_from_cache": cached,
               "dependencies_not_reached": not_reached})
    }

    #[test]
    fn each_mode_accepts_only_the_counts_of_its_own_work() {
        assert_eq!(
            check_dependency_counts(Mode::Cold, &summary(8, 0, 0)),
            Ok(())
        );
        assert_eq!(
            check_dependency_counts(Mode::Warm, &summary(8, 8, 0)),
            Ok(())
        );
        // The reached ones from the cache, the others not read at all.
        assert_eq!(
            check_dependency_counts(Mode::Warm, &summary(8, 5, 3)),
            Ok(())
        );
        assert_eq!(
            check_dependency_counts(Mode::NoDeps, &summary(0, 0, 0)),
            Ok(())
        );
        assert_eq!(
            check_dependency_counts(Mode::Cold, &summary(0, 0, 0)),
            Err(
                "a cold scan should show dependencies analysed, none from the cache, its \
                 summary says 0 analysed, 0 from the cache, 0 not reached"
                    .to_string()
            )
        );
        assert!(check_dependency_counts(Mode::Cold, &summary(8, 3, 0)).is_err());
        assert!(check_dependency_counts(Mode::Warm, &summary(8, 7, 0)).is_err());
        assert!(check_dependency_counts(Mode::Warm, &summary(8, 0, 8)).is_err());
        assert!(check_dependency_counts(Mode::Warm, &summary(0, 0, 0)).is_err());
        assert!(check_dependency_counts(Mode::NoDeps, &summary(2, 0, 0)).is_err());
    }

    #[test]
    fn a_summary_without_the_counts_is_an_error_naming_the_field() {
        assert_eq!(
            check_dependency_counts(Mode::Cold, &json!({"files_scanned": 3})),
            Err("its JSON summary has no `dependencies_analysed` count".to_string())
        );
    }
}
