//! The dependencies of a crate view, from the caches `cargo blockwatch` leaves under the
//! target directory: the dependency graph (`blockwatch/dependency-graph.json`) names the
//! package's dependencies, and each one's summary file (`blockwatch/deps/`) holds what
//! its fns do. The attribute never runs cargo: a cache that is absent, stale (an input
//! changed, a key differs), corrupt or of another version leaves the view crate-only.

use std::fs;
use std::path::{Path, PathBuf};

use crate::deps::{
    decode, decode_graph, file_stamp, summary_file_name, summary_keys, DependencyGraph,
    DependencyUnits, Member, SourceKind,
};
use crate::workspace::normalize;
use crate::{Config, FileSummary};

/// The dependency summaries the caches hold for the package in `manifest_dir`: each
/// dependency's unit label ("name version"), its summaries, and the names the crate's
/// code writes for it. Empty when no trustworthy cache is found.
pub(super) struct CachedDependencies {
    /// Per dependency (by index in the graph): its label and summaries, when cached.
    pub(super) units: Vec<Option<(String, Vec<FileSummary>)>>,
    /// The graph the summaries belong to.
    graph: Option<DependencyGraph>,
    /// The member's externs: the name its code writes, index into `units`.
    member_externs: Vec<(String, usize)>,
    /// The cache files whose change makes the view stale: the graph file (or, when none
    /// was found, where `cargo blockwatch` would first put it) and each summary read.
    pub(super) watched: Vec<PathBuf>,
}

impl CachedDependencies {
    /// Reads the caches of the package in `manifest_dir`, summarized with `config`.
    pub(super) fn read(manifest_dir: &Path, config: &Config) -> CachedDependencies {
        let none = |watched: PathBuf| CachedDependencies {
            units: Vec::new(),
            graph: None,
            member_externs: Vec::new(),
            watched: vec![watched],
        };
        let Some((graph, member, cache_dir)) = find_graph(manifest_dir) else {
            return none(manifest_dir.join(GRAPH_FILE));
        };
        let graph_file = cache_dir
            .parent()
            .map_or_else(PathBuf::new, |t| t.join("dependency-graph.json"));
        let member_externs = member.externs.clone();
        let walked: Vec<Option<Vec<PathBuf>>> = graph
            .dependencies
            .iter()
            .map(|dep| (dep.source == SourceKind::Path).then(|| dependency_files(&dep.lib_root)))
            .collect();
        let keys = summary_keys(&graph, &format!("{:?}", config.catalog), |i| {
            walked[i].as_deref()
        });
        let mut watched = vec![graph_file];
        let units = graph
            .dependencies
            .iter()
            .zip(&keys)
            .map(|(dep, key)| {
                let file = cache_dir.join(summary_file_name(dep));
                watched.push(file.clone());
                let text = fs::read_to_string(file).ok()?;
                let summaries = decode(&text, key)?;
                Some((format!("{} {}", dep.name, dep.version), summaries))
            })
            .collect();
        CachedDependencies {
            units,
            graph: Some(graph),
            member_externs,
            watched,
        }
    }

    /// Whether any dependency's summaries were found.
    pub(super) fn is_empty(&self) -> bool {
        self.units.iter().all(Option::is_none)
    }

    /// The call graph's view of the units: the crate is unit 0, dependency `i` is unit
    /// `i + 1`; externs link the crate and each dependency to the ones it names.
    pub(super) fn units_map(&self) -> DependencyUnits {
        let mut units = DependencyUnits::default();
        let Some(graph) = &self.graph else {
            return units;
        };
        for (i, cached) in self.units.iter().enumerate() {
            let label = cached.as_ref().map_or_else(
                || {
                    let dep = &graph.dependencies[i];
                    format!("{} {}", dep.name, dep.version)
                },
                |(label, _)| label.clone(),
            );
            units.add_dependency(i + 1, label);
        }
        for (name, to) in &self.member_externs {
            units.add_extern(0, name.clone(), to + 1);
        }
        for (i, dep) in graph.dependencies.iter().enumerate() {
            for (name, to) in &dep.externs {
                units.add_extern(i + 1, name.clone(), to + 1);
            }
        }
        units
    }
}

/// Where the graph file is, below a target directory.
const GRAPH_FILE: &str = "target/blockwatch/dependency-graph.json";

/// The cached dependency graph of the workspace that has the package in `manifest_dir` as
/// a member, and that graph's summary cache, when every input it was computed from is
/// unchanged. Looked for under `CARGO_TARGET_DIR`, then in the first target directory
/// above `manifest_dir` that has one: a target directory shared by several workspaces
/// holds the graph of whichever was scanned last, which says nothing about this package.
/// The graph's key names how cargo was invoked, which the attribute cannot know; the
/// inputs (manifests, lock file, cargo configuration) are what decide staleness.
fn find_graph(manifest_dir: &Path) -> Option<(DependencyGraph, Member, PathBuf)> {
    let from_env = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from);
    let above = manifest_dir
        .ancestors()
        .find(|d| d.join(GRAPH_FILE).is_file())
        .map(|d| d.join("target"));
    from_env
        .into_iter()
        .chain(above)
        .find_map(|target| graph_of_member(&target, manifest_dir))
}

/// The current graph under `target` in which `manifest_dir` is a member.
fn graph_of_member(
    target: &Path,
    manifest_dir: &Path,
) -> Option<(DependencyGraph, Member, PathBuf)> {
    let text = fs::read_to_string(target.join("blockwatch/dependency-graph.json")).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    let key = doc.get("key")?.as_str()?;
    let (graph, inputs) = decode_graph(&text, key)?;
    let member = graph
        .members
        .iter()
        .find(|m| normalize(&m.dir) == manifest_dir)?
        .clone();
    if !inputs
        .iter()
        .all(|(path, stamp)| file_stamp(path) == *stamp)
    {
        return None;
    }
    Some((graph, member, target.join("blockwatch/deps")))
}

/// The `.rs` files of a path dependency as `cargo blockwatch` lists them for its key:
/// below the library root's directory, sorted, without hidden entries, `target/`,
/// directories holding a `Cargo.toml` (packages of their own) or a `tests/` directly
/// below. A listing that differs (a gitignored file) only makes the key miss.
fn dependency_files(lib_root: &Path) -> Vec<PathBuf> {
    let Some(base) = lib_root.parent() else {
        return Vec::new();
    };
    let mut files = Vec::new();
    walk(base, base, &mut files);
    files.sort();
    files
}

fn walk(top: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            let skip = name == "target"
                || path.join("Cargo.toml").is_file()
                || (name == "tests" && dir == top);
            if !skip {
                walk(top, &path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}
