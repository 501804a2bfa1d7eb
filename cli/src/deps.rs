//! Which dependencies a scanned cargo workspace has, from `cargo metadata` (run offline,
//! never building anything: no build script or proc macro of the scanned code runs),
//! cached with the files it depends on. The scan
//! summarizes their sources next to the workspace's (scan.rs).

use std::fs;
use std::path::{Path, PathBuf};

use blockwatch_lint::deps::{
    cache_key, decode_graph, encode_graph, file_stamp, metadata_command, parse_metadata,
    scanned_platform, store, DependencyGraph, SourceKind,
};
use blockwatch_lint::workspace;

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
/// packages (`package_dirs`) declare dependencies: from the graph cache when nothing it
/// was computed from changed (then `true`), else from `cargo metadata` (then cached).
/// `Err` is a note for the user: the scan goes on without dependencies.
pub(crate) fn load(
    root: &Path,
    package_dirs: &[&Path],
    opts: &Options,
) -> Result<Option<(DependencyGraph, bool)>, String> {
    let manifest = root.join("Cargo.toml");
    if opts.no_deps || !manifest.is_file() {
        return Ok(None);
    }
    // A cached graph was written by a scan whose packages declared dependencies, and
    // every package's manifest is among its inputs: while it holds, they still do.
    let cache = GraphCache::new(root, package_dirs, opts.frozen);
    if let Some(graph) = cache.read() {
        return Ok(Some((graph, true)));
    }
    if !package_dirs.iter().any(|d| declares_dependencies(d)) {
        return Ok(None);
    }
    let graph = run_metadata(root, &manifest, package_dirs, opts)?;
    cache.write(&graph);
    Ok(Some((graph, false)))
}

fn run_metadata(
    root: &Path,
    manifest: &Path,
    package_dirs: &[&Path],
    opts: &Options,
) -> Result<DependencyGraph, String> {
    let output = metadata_command(manifest, opts.frozen)
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
            "dependencies not analysed: `cargo metadata --offline --locked --filter-platform {}` failed: {reason}; \
             {advice}",
            scanned_platform()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let scanned: Vec<PathBuf> = package_dirs.iter().map(|d| d.to_path_buf()).collect();
    parse_metadata(&text, Some(&scanned)).map_err(|e| format!("dependencies not analysed: {e}"))
}

/// Where the graph of this scan is cached, and under which key.
struct GraphCache {
    root: PathBuf,
    /// The manifests of the scanned packages (members or not).
    package_manifests: Vec<PathBuf>,
    /// The target directory cargo is expected to name; the cache lives there, and a
    /// graph naming another one is not cached.
    target: PathBuf,
    key: String,
}

/// The environment variables that change what `cargo metadata` answers. Which cargo
/// runs (`CARGO`) is not among them: format version 1 of its output is stable.
const CARGO_ENVIRONMENT: &[&str] = &[
    "CARGO_HOME",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "RUSTUP_TOOLCHAIN",
];

impl GraphCache {
    fn new(root: &Path, package_dirs: &[&Path], frozen: bool) -> GraphCache {
        let env: Vec<String> = CARGO_ENVIRONMENT
            .iter()
            .map(|v| format!("{v}={:?}", std::env::var_os(v)))
            .collect();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let mut parts: Vec<String> = vec![
            env!("CARGO_PKG_VERSION").to_string(),
            root.display().to_string(),
            frozen.to_string(),
        ];
        parts.extend(env);
        let mut dirs: Vec<String> = package_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        dirs.sort();
        parts.extend(dirs);
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        GraphCache {
            root: root.to_path_buf(),
            package_manifests: package_dirs.iter().map(|d| d.join("Cargo.toml")).collect(),
            target,
            key: cache_key(&parts),
        }
    }

    fn file(&self) -> PathBuf {
        self.target.join("blockwatch/dependency-graph.json")
    }

    /// The cached graph, if its file is whole, has this key, and every input is as it
    /// was (no manifest, lock file or cargo configuration changed, appeared or went).
    fn read(&self) -> Option<DependencyGraph> {
        let text = fs::read_to_string(self.file()).ok()?;
        let (graph, inputs) = decode_graph(&text, &self.key)?;
        inputs
            .iter()
            .all(|(path, stamp)| file_stamp(path) == *stamp)
            .then_some(graph)
    }

    /// Caches `graph`, when cargo put the target directory where the cache looks. The
    /// cache is an optimisation: failing to write it changes nothing else.
    fn write(&self, graph: &DependencyGraph) {
        let expected = graph
            .target_directory
            .as_deref()
            .is_some_and(|t| workspace::normalize(t) == workspace::normalize(&self.target));
        if !expected {
            return;
        }
        let mut inputs = graph_inputs(&self.root, graph);
        inputs.extend(self.package_manifests.iter().cloned());
        inputs.sort();
        inputs.dedup();
        let inputs: Vec<(PathBuf, String)> = inputs
            .into_iter()
            .map(|p| {
                let stamp = file_stamp(&p);
                (p, stamp)
            })
            .collect();
        let _ = store(&self.file(), &encode_graph(graph, &self.key, &inputs));
    }
}

/// The files `cargo metadata`'s answer depends on: every manifest, lock file and cargo
/// configuration from `root` up to the file system's root and in cargo's home, and the
/// manifest of every member and path dependency.
fn graph_inputs(root: &Path, graph: &DependencyGraph) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = Vec::new();
    for dir in root.ancestors() {
        for name in [
            "Cargo.toml",
            "Cargo.lock",
            ".cargo/config",
            ".cargo/config.toml",
        ] {
            inputs.push(dir.join(name));
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    if let Some(home) = home {
        inputs.push(home.join("config"));
        inputs.push(home.join("config.toml"));
    }
    inputs.extend(graph.members.iter().map(|m| m.dir.join("Cargo.toml")));
    inputs.extend(
        graph
            .dependencies
            .iter()
            .filter(|d| d.source == SourceKind::Path)
            .map(|d| d.dir.join("Cargo.toml")),
    );
    inputs.sort();
    inputs.dedup();
    inputs
}
