//! The engine over real code: every `.rs` file of the crates this repository's own
//! `Cargo.lock` names (tokio, syn, serde, futures, ...), as the local cargo registry holds
//! them, through every entry point the attribute and the scanner use; then the scanner
//! binary on each of those crates. No input may panic; files syn cannot parse are
//! counted, not fatal. Prints files/s and the findings, most frequent APIs first, for
//! triage (`cargo test -p cargo-blockwatch --test real_code -- --nocapture`).
//!
//! The list is fixed by the lock file, not by time: every listed file and crate is done,
//! however slow the machine, and the figures are asserted. The registry is
//! `$CARGO_HOME/registry/src/*/` (default `~/.cargo`); a build fills it with the locked
//! crates of its platform (the others, such as `windows-sys` on Linux, are listed as
//! absent). Files are analysed on big-stack threads, one per core. A debug build, ten
//! times slower, takes every [`DEBUG_STRIDE`]th file and crate of the sorted lists (a
//! fixed sample); the release run in `.ci/run` takes them all.

mod common;

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use blockwatch_lint::{check_file, check_item, summarize_file, Config};

/// Where cargo keeps downloaded sources: one directory per registry.
fn registry_dirs() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let src = home.join("registry/src");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&src)
        .unwrap_or_else(|e| panic!("{}: {e} (run a build first)", src.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// In debug builds, the sample: every this-many-th item of a sorted list.
const DEBUG_STRIDE: usize = 4;

/// `items`, sorted, or every [`DEBUG_STRIDE`]th of them in a debug build.
fn sample<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    let stride = if cfg!(debug_assertions) {
        DEBUG_STRIDE
    } else {
        1
    };
    items.into_iter().step_by(stride).collect()
}

/// `(name, version)` of every crates.io package in this repository's `Cargo.lock`.
fn locked_packages() -> Vec<(String, String)> {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let text = std::fs::read_to_string(&lock).unwrap_or_else(|e| panic!("{}: {e}", lock.display()));
    let mut out = Vec::new();
    for block in text.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.trim().strip_prefix("= "))
                    .map(|v| v.trim_matches('"').to_string())
            })
        };
        let from_registry = field("source").is_some_and(|s| s.starts_with("registry+"));
        if let (true, Some(name), Some(version)) = (from_registry, field("name"), field("version"))
        {
            out.push((name, version));
        }
    }
    out.sort();
    out
}

/// The unpacked source directories of the locked packages, and the locked packages the
/// registry does not hold.
fn locked_crates() -> (Vec<PathBuf>, Vec<String>) {
    let dirs = registry_dirs();
    let (mut present, mut absent) = (Vec::new(), Vec::new());
    for (name, version) in locked_packages() {
        let unpacked = format!("{name}-{version}");
        match dirs.iter().map(|d| d.join(&unpacked)).find(|p| p.is_dir()) {
            Some(dir) => present.push(dir),
            None => absent.push(unpacked),
        }
    }
    (present, absent)
}

/// The figures of the locked set, checked before the run: a registry that lost most of
/// the locked crates (or a lock file parsed wrong) fails here instead of passing a
/// smaller run.
fn checked_locked_crates() -> Vec<PathBuf> {
    let locked = locked_packages().len();
    let (present, absent) = locked_crates();
    println!(
        "Cargo.lock: {locked} crates.io packages, {} in the registry; absent: {absent:?}",
        present.len()
    );
    assert!(
        locked >= 50,
        "only {locked} crates.io packages read from Cargo.lock"
    );
    assert!(
        present.len() * 10 >= locked * 9,
        "only {} of {locked} locked crates in the registry (absent: {absent:?}): run a build first",
        present.len()
    );
    for needed in ["tokio-", "syn-", "serde-", "proc-macro2-"] {
        assert!(
            present.iter().any(|p| p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(needed))),
            "no {needed}* among the locked crates present"
        );
    }
    present
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            rust_files(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[derive(Default)]
struct Tally {
    analysed: usize,
    unparsable: usize,
    not_utf8: usize,
    unreadable: usize,
    bytes: usize,
    findings: usize,
    attribute_findings: usize,
    /// Findings only the item-by-item check makes (it cannot see the file's `use`
    /// items), outside `tests/` directories: the attribute's false-positive candidates.
    attribute_only: Vec<String>,
    /// Files with code nested deeper than the engine checks, with an example.
    deep: (usize, Option<String>),
    /// resolved API -> (count, first few locations)
    by_api: BTreeMap<String, (usize, Vec<String>)>,
    panics: Vec<String>,
    /// Time spent in: parsing, check_file, summarize_file, check_item on every item.
    time: [Duration; 4],
}

/// Everything the attribute and the scanner ask of the engine, for one file.
fn analyse(path: &Path, text: &str, tally: &Mutex<Tally>) {
    let t0 = Instant::now();
    let parsed = syn::parse_file(text);
    let parse_time = t0.elapsed();
    let file = match parsed {
        Ok(file) => file,
        Err(_) => {
            tally.lock().unwrap().unparsable += 1;
            return;
        }
    };
    let config = Config::default();
    let shown = path.display().to_string();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let t1 = Instant::now();
        let findings = check_file(&file, &config);
        let t2 = Instant::now();
        let summary = summarize_file(&file, &shown, &["krate".to_string()], false, &config);
        let t3 = Instant::now();
        let whole: Vec<(usize, usize)> = findings.iter().map(|f| f.start()).collect();
        let mut attribute = 0;
        let mut attribute_only = Vec::new();
        for item in &file.items {
            for f in check_item(item, &config) {
                attribute += 1;
                if !whole.contains(&f.start()) && !shown.contains("/tests/") {
                    attribute_only.push(format!(
                        "{shown}:{} {} ({})",
                        f.start().0,
                        f.call,
                        f.resolved
                    ));
                }
            }
        }
        let times = [t2 - t1, t3 - t2, t3.elapsed()];
        (
            findings,
            summary.unchecked_deep,
            (attribute, attribute_only),
            times,
        )
    }));
    let mut t = tally.lock().unwrap();
    t.analysed += 1;
    t.time[0] += parse_time;
    t.bytes += text.len();
    match outcome {
        Ok((findings, unchecked_deep, attribute, times)) => {
            if unchecked_deep > 0 {
                t.deep.0 += 1;
                t.deep.1.get_or_insert_with(|| shown.clone());
            }
            for (total, spent) in t.time[1..].iter_mut().zip(times) {
                *total += spent;
            }
            t.findings += findings.len();
            t.attribute_findings += attribute.0;
            t.attribute_only.extend(attribute.1);
            for f in findings {
                let (line, _) = f.start();
                let entry = t.by_api.entry(f.resolved).or_default();
                entry.0 += 1;
                if entry.1.len() < 3 {
                    entry.1.push(format!("{shown}:{line}"));
                }
            }
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            t.panics.push(format!("{shown}: {message}"));
        }
    }
    drop(t);
    // Dropping a deep tree recurses too: it happens here, on the big stack.
    drop(file);
    proc_macro2::extra::invalidate_current_thread_spans();
}

#[test]
fn the_engine_survives_every_file_of_the_locked_crates() {
    let crates = checked_locked_crates();
    let mut files = Vec::new();
    for dir in &crates {
        rust_files(dir, &mut files);
    }
    let listed = files.len();
    let files = sample(files);
    assert!(
        listed >= 20 * crates.len().min(50),
        "only {listed} files in {} crates",
        crates.len()
    );

    let tally = Mutex::new(Tally::default());
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { return };
                    match std::fs::read(path).map(String::from_utf8) {
                        Ok(Ok(text)) => analyse(path, &text, &tally),
                        Ok(Err(_)) => tally.lock().unwrap().not_utf8 += 1,
                        Err(_) => tally.lock().unwrap().unreadable += 1,
                    }
                })
                .expect("spawn a worker");
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    let t = tally.into_inner().unwrap();

    println!(
        "registry: {} of {listed} files in {} locked crates; analysed {} ({:.1} MB) in {elapsed:.1} s: \
         {:.0} files/s, {:.2} MB/s",
        files.len(),
        crates.len(),
        t.analysed,
        t.bytes as f64 / 1e6,
        t.analysed as f64 / elapsed,
        t.bytes as f64 / 1e6 / elapsed,
    );
    println!(
        "not parsed by syn: {}, not UTF-8: {}, unreadable: {}; findings: {} whole-file, {} item by item",
        t.unparsable, t.not_utf8, t.unreadable, t.findings, t.attribute_findings
    );
    println!(
        "files with code nested past the engine's depth cap: {}{}",
        t.deep.0,
        t.deep
            .1
            .as_ref()
            .map(|f| format!(" (e.g. {f})"))
            .unwrap_or_default()
    );
    println!(
        "item-by-item findings outside tests/ that the whole-file check does not make: {}",
        t.attribute_only.len()
    );
    for f in t.attribute_only.iter().take(30) {
        println!("  {f}");
    }
    let [parse, file, summary, items] = t.time.map(|d| d.as_secs_f64());
    println!(
        "cpu time: parse {parse:.1} s, check_file {file:.1} s, summarize_file {summary:.1} s, \
         check_item on each item {items:.1} s"
    );
    let mut apis: Vec<_> = t.by_api.iter().collect();
    apis.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    for (api, (count, at)) in apis {
        println!("  {count:5}  {api}  e.g. {}", at.join(", "));
    }
    assert!(
        t.panics.is_empty(),
        "the engine panicked on: {:#?}",
        t.panics
    );
    // Every listed file is accounted for exactly once; syn parses nearly all of them.
    assert_eq!(
        t.analysed + t.unparsable + t.not_utf8 + t.unreadable,
        files.len()
    );
    // What README.md says of this run: nothing nested near the engine's cap, and the
    // item-by-item check adds no finding outside `tests/` to the whole-file one.
    assert_eq!(
        t.deep.0, 0,
        "files nested past the cap, e.g. {:?}",
        t.deep.1
    );
    assert_eq!(t.attribute_only, Vec::<String>::new());
    assert_eq!(t.unreadable, 0, "registry files are readable");
    assert!(
        t.unparsable * 100 <= t.analysed,
        "{} of {} files not parsed by syn",
        t.unparsable,
        t.analysed
    );
}

/// The whole scanner (manifests, module trees, the workspace call graph, the report) on
/// each locked crate, as a user would run it (its configuration bounded to the crate):
/// never a crash, only exit codes 0, 1 or 2, and a JSON report naming every file.
#[test]
fn the_scanner_survives_every_locked_crate() {
    let crates = sample(checked_locked_crates());
    let start = Instant::now();
    let mut codes = BTreeMap::new();
    let mut crashes = Vec::new();
    let mut files_scanned = 0;
    for krate in &crates {
        let root = krate.to_str().expect("UTF-8 registry paths");
        let mut command =
            common::command_in(krate, &["--config-root", root, "--format", "json", "."]);
        command.env_remove("BLOCKWATCH_COLOR");
        let run = common::run_with_timeout(command);
        match run.code {
            code @ 0..=2 => {
                *codes.entry(code).or_insert(0usize) += 1;
                let report = run.json();
                files_scanned += report["summary"]["files_scanned"].as_u64().unwrap_or(0);
            }
            other => crashes.push(format!("{}: {other:?}\n{}", krate.display(), run.stderr)),
        }
    }
    let scanned: usize = codes.values().sum::<usize>() + crashes.len();
    println!(
        "scanner: {scanned} crates ({files_scanned} files) in {:.1} s; exit codes {codes:?}",
        start.elapsed().as_secs_f64()
    );
    assert!(crashes.is_empty(), "the scanner crashed on: {crashes:#?}");
    assert_eq!(scanned, crates.len(), "every locked crate is scanned");
    assert!(
        files_scanned >= crates.len() as u64,
        "{files_scanned} files scanned in {} crates",
        crates.len()
    );
}
