//! Which dependencies a scanned cargo workspace has, from `cargo metadata` (run offline,
//! never building anything: no build script or proc macro of the scanned code runs).
//! The scan summarizes their sources next to the workspace's (scan.rs).

use std::fs;
use std::path::Path;

use blockwatch_lint::deps::{metadata_command, parse_metadata, DependencyGraph};

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
