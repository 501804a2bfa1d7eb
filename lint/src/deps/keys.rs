//! Where a dependency's summaries are cached and under which key: the file name, and a
//! key that changes whenever anything the summaries depend on does.

use std::path::PathBuf;

use super::cache::cache_key;
use super::graph_cache::file_stamp;
use super::metadata::{Dependency, DependencyGraph, SourceKind};

/// The name of a dependency's summary file in the cache directory
/// (`<target dir>/blockwatch/deps/`): readable, and unique per package id.
///
/// ```
/// let json = r#"{"workspace_members": ["a"], "packages": [
///   {"id": "a", "name": "a", "version": "0.1.0", "source": null, "manifest_path": "/w/a/Cargo.toml", "targets": []},
///   {"id": "registry+x#glob@0.3.3", "name": "glob", "version": "0.3.3", "source": "registry+x",
///    "manifest_path": "/r/glob-0.3.3/Cargo.toml", "targets": [{"kind": ["lib"], "src_path": "/r/glob-0.3.3/src/lib.rs"}]}],
///   "resolve": {"nodes": [{"id": "a", "features": [], "deps": [{"name": "glob", "pkg": "registry+x#glob@0.3.3",
///     "dep_kinds": [{"kind": null, "target": null}]}]}]}}"#;
/// let graph = blockwatch_lint::deps::parse_metadata(json, None).unwrap();
/// let name = blockwatch_lint::deps::summary_file_name(&graph.dependencies[0]);
/// assert!(name.starts_with("glob-0.3.3-") && name.ends_with(".json"));
/// let keys = blockwatch_lint::deps::summary_keys(&graph, "config", |_| None);
/// assert_eq!(keys.len(), 1);
/// assert_ne!(keys, blockwatch_lint::deps::summary_keys(&graph, "other config", |_| None));
/// ```
pub fn summary_file_name(dep: &Dependency) -> String {
    format!(
        "{}-{}-{}.json",
        dep.name,
        dep.version,
        cache_key(&[&dep.id])
    )
}

/// The cache key of every dependency's summaries, by index in `graph.dependencies`: the
/// engine version, the package id and version, its features, the configuration
/// (`config`, as text), for a path dependency every file's path, mtime and
/// length (`path_files(i)`, and its `Cargo.toml`), and the keys of the dependencies it names,
/// since its summaries hold what their fns do (a chain into them, an offloader they
/// define). A registry or git source is named by its id: its contents never change.
/// Both front ends compute keys here, so they read each other's files.
pub fn summary_keys<'a>(
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
                    parts.push(format!("{}={}", file.display(), file_stamp(file)));
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
