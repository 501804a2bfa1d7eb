//! The engine over real code: every `.rs` file of the local cargo registry (tokio, syn,
//! serde, futures, ... whatever the build downloaded), through every entry point the
//! attribute and the scanner use; then the scanner binary on every crate. No input may
//! panic; files syn cannot parse are counted, not fatal. Prints files/s and the findings, most frequent APIs first, for
//! triage (`cargo test -p cargo-blockwatch --test real_code -- --nocapture`).
//!
//! The registry is `$CARGO_HOME/registry/src/*/` (default `~/.cargo`); it exists after
//! any build that downloaded dependencies. Files are analysed on big-stack threads, one
//! per core, in a fixed shuffled order, until every file is done or the time budget
//! (`BLOCKWATCH_CORPUS_SECS`, default 45 s, for each test) is spent: a slow machine samples, it does
//! not time out.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// A fixed pseudo-random order (so a budget-capped run samples every crate).
fn shuffle(files: &mut [PathBuf]) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..files.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        files.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

#[derive(Default)]
struct Tally {
    analysed: usize,
    unparsable: usize,
    not_utf8: usize,
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

fn budget() -> Duration {
    std::env::var("BLOCKWATCH_CORPUS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(45), Duration::from_secs)
}

#[test]
fn the_engine_survives_every_file_of_the_cargo_registry() {
    let budget = budget();
    let dirs = registry_dirs();
    let mut files = Vec::new();
    for dir in &dirs {
        rust_files(dir, &mut files);
    }
    files.sort();
    shuffle(&mut files);
    assert!(
        files.len() >= 100,
        "only {} files under {dirs:?}: is this the registry a build fills?",
        files.len()
    );

    let tally = Mutex::new(Tally::default());
    let next = AtomicUsize::new(0);
    let out_of_time = AtomicBool::new(false);
    let start = Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, || loop {
                    if start.elapsed() > budget {
                        out_of_time.store(true, Ordering::Relaxed);
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { return };
                    match std::fs::read(path).map(String::from_utf8) {
                        Ok(Ok(text)) => analyse(path, &text, &tally),
                        Ok(Err(_)) => tally.lock().unwrap().not_utf8 += 1,
                        Err(_) => {}
                    }
                })
                .expect("spawn a worker");
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    let t = tally.into_inner().unwrap();

    println!(
        "registry: {} files in {} crates dirs; analysed {} ({:.1} MB) in {elapsed:.1} s: \
         {:.0} files/s, {:.2} MB/s{}",
        files.len(),
        dirs.len(),
        t.analysed,
        t.bytes as f64 / 1e6,
        t.analysed as f64 / elapsed,
        t.bytes as f64 / 1e6 / elapsed,
        if out_of_time.load(Ordering::Relaxed) {
            " (time budget spent: a sample)"
        } else {
            ""
        }
    );
    println!(
        "not parsed by syn: {}, not UTF-8: {}; findings: {} whole-file, {} item by item",
        t.unparsable, t.not_utf8, t.findings, t.attribute_findings
    );
    println!(
        "files with code nested past the engine's depth cap: {}{}",
        t.deep.0,
        t.deep.1.map(|f| format!(" (e.g. {f})")).unwrap_or_default()
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
    assert!(
        t.analysed >= 100.min(files.len()),
        "too few files analysed in the budget: {}",
        t.analysed
    );
}

/// The whole scanner (manifests, module trees, the workspace call graph, the report) on
/// each crate of the registry, as a user would run it: never a crash, only exit codes
/// 0, 1 or 2.
#[test]
fn the_scanner_survives_every_crate_of_the_cargo_registry() {
    let budget = budget();
    let mut crates: Vec<PathBuf> = registry_dirs()
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    shuffle(&mut crates);
    let start = Instant::now();
    let mut codes = BTreeMap::new();
    let mut crashes = Vec::new();
    for krate in &crates {
        if start.elapsed() > budget {
            break;
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-blockwatch"))
            .args(["--format", "json"])
            .arg(krate)
            .output()
            .expect("the scanner runs");
        match out.status.code() {
            Some(code @ 0..=2) => *codes.entry(code).or_insert(0usize) += 1,
            other => crashes.push(format!(
                "{}: {other:?}\n{}",
                krate.display(),
                String::from_utf8_lossy(&out.stderr)
            )),
        }
    }
    let scanned: usize = codes.values().sum::<usize>() + crashes.len();
    println!(
        "scanner: {scanned} of {} crates in {:.1} s; exit codes {codes:?}",
        crates.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(crashes.is_empty(), "the scanner crashed on: {crashes:#?}");
    assert!(scanned >= 1.min(crates.len()), "no crate scanned");
}
