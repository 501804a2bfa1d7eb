//! Which dependencies a scanned cargo workspace has, from `cargo metadata` (run offline,
//! never building anything: no build script or proc macro of the scanned code runs).
//! The scan summarizes their sources next to the workspace's (scan.rs).

use std::fs;
use std::path::{Path, PathBuf};

use blockwatch_lint::deps::{
    cache_key, metadata_command, parse_metadata, Dependency, DependencyGraph, SourceKind,
};

use crate::args::Options;

/// Whether the manifest in `dir` declares any dependency (normal, dev or per target):
/// without one there is nothing to ask cargo about.
fn declares_dependencies(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join("Cargo.toml")) else {
        return false;
    };
    let Ok(doc) = text.parse::<toml::Table>() else {
        return false;
    };
    let has = |t: &toml::Table| {
        ["dependencies", "dev-dependencies"].iter().any(|k| {
            t.get(*k)
                .and_then(|v| v.as_table())
                .is_some_and(|d| !d.is_empty())
        })
    };
    has(&doc)
        || doc
            .get("target")
            .and_then(|t| t.as_table())
            .is_some_and(|targets| targets.values().filter_map(|v| v.as_table()).any(has))
}

/// The dependency graph of the workspace at `root`, when it is a cargo workspace whose
/// packages (`package_dirs`) declare dependencies. `Err` is a note for the user: the
/// scan goes on without dependencies.
pub(crate) fn load(
    root: &Path,
    package_dirs: &[&Path],
    opts: &Options,
) -> Result<Option<DependencyGraph>, String> {
    let manifest = root.join("Cargo.toml");
    if opts.no_deps || !manifest.is_file() || !package_dirs.iter().any(|d| declares_dependencies(d))
    {
        return Ok(None);
    }
    let output = metadata_command(&manifest, opts.frozen)
        .current_dir(root)
        .output()
        .map_err(|e| format!("dependencies not analysed: cannot run `cargo metadata`: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo metadata failed")
            .trim_start_matches("error: ");
        let advice = if reason.contains("lock file") {
            "the scan never writes Cargo.lock: run `cargo generate-lockfile` (or pass --no-deps)"
        } else {
            "if the sources are not downloaded yet, run `cargo fetch` (or pass --no-deps)"
        };
        return Err(format!(
            "dependencies not analysed: `cargo metadata --offline --locked` failed: {reason}; \
             {advice}"
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let scanned: Vec<std::path::PathBuf> = package_dirs.iter().map(|d| d.to_path_buf()).collect();
    parse_metadata(&text, Some(&scanned))
        .map(Some)
        .map_err(|e| format!("dependencies not analysed: {e}"))
}

/// The name of a dependency's summary file in the cache directory: readable, and unique
/// per package id.
pub(crate) fn summary_file_name(dep: &Dependency) -> String {
    format!(
        "{}-{}-{}.json",
        dep.name,
        dep.version,
        cache_key(&[&dep.id])
    )
}

/// The cache key of every dependency's summaries, by index in `graph.dependencies`: the
/// engine version, the package id and version, its features, the configuration
/// (`config`, as text), for a path dependency every file's path and mtime
/// (`path_files(i)`, and its `Cargo.toml`), and the keys of the dependencies it names,
/// since its summaries hold what their fns do (a chain into them, an offloader they
/// define). A registry or git source is named by its id: its contents never change.
pub(crate) fn summary_keys<'a>(
    graph: &DependencyGraph,
    config: &str,
    path_files: impl Fn(usize) -> Option<&'a [PathBuf]>,
) -> Vec<String> {
    let own: Vec<String> = graph
        .dependencies
        .iter()
        .enumerate()
        .map(|(i, dep)| {
            let mut parts: Vec<String> = vec![
                env!("CARGO_PKG_VERSION").to_string(),
                dep.id.clone(),
                dep.version.clone(),
                dep.features.join(","),
                config.to_string(),
            ];
            if dep.source == SourceKind::Path {
                let manifest = dep.dir.join("Cargo.toml");
                let files = path_files(i).unwrap_or_default();
                for file in files.iter().chain([&manifest]) {
                    parts.push(format!("{}={}", file.display(), mtime_nanos(file)));
                }
            }
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            cache_key(&parts)
        })
        .collect();
    let mut keys: Vec<Option<String>> = vec![None; own.len()];
    for i in 0..own.len() {
        key_with_externs(graph, &own, &mut keys, i);
    }
    keys.into_iter().flatten().collect()
}

/// The key of dependency `i` with its externs' keys, memoized in `keys`. A cycle (which
/// cargo refuses for the normal dependencies followed here) meets the own key of the
/// crate in progress instead of recursing without end.
fn key_with_externs(
    graph: &DependencyGraph,
    own: &[String],
    keys: &mut [Option<String>],
    i: usize,
) -> String {
    if let Some(k) = &keys[i] {
        return k.clone();
    }
    keys[i] = Some(own[i].clone());
    let mut parts: Vec<String> = vec![own[i].clone()];
    for (name, to) in &graph.dependencies[i].externs {
        parts.push(name.clone());
        parts.push(key_with_externs(graph, own, keys, *to));
    }
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let key = cache_key(&parts);
    keys[i] = Some(key.clone());
    key
}

/// A file's modification time in nanoseconds since the epoch, 0 when unknown.
fn mtime_nanos(path: &Path) -> u128 {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}
