//! Where a dependency's summaries are cached and under which key: the file name, and a
//! key that changes whenever anything the summaries depend on does.

use std::cell::{Cell, OnceCell};
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
/// Both front ends compute keys here, so they read each other's files; a scan that needs
/// only some keys computes them with [`SummaryKeys`].
pub fn summary_keys<'a>(
    graph: &DependencyGraph,
    config: &str,
    path_files: impl Fn(usize) -> Option<&'a [PathBuf]>,
) -> Vec<String> {
    let files: Vec<Option<Vec<PathBuf>>> = (0..graph.dependencies.len())
        .map(|i| path_files(i).map(<[PathBuf]>::to_vec))
        .collect();
    let keys = SummaryKeys::new(graph, config, files);
    (0..graph.dependencies.len())
        .map(|i| keys.key(graph, i).to_string())
        .collect()
}

/// The keys of [`summary_keys`], each computed when first asked for (with those of the
/// dependencies it names): a warm scan reads the summaries of the dependencies its code
/// reaches and needs no other key. Asked in index order it gives exactly
/// [`summary_keys`]'s keys.
///
/// ```
/// # let json = r#"{"workspace_members": ["a"], "packages": [
/// #   {"id": "a", "name": "a", "version": "0.1.0", "source": null, "manifest_path": "/w/a/Cargo.toml", "targets": []},
/// #   {"id": "registry+x#glob@0.3.3", "name": "glob", "version": "0.3.3", "source": "registry+x",
/// #    "manifest_path": "/r/glob-0.3.3/Cargo.toml", "targets": [{"kind": ["lib"], "src_path": "/r/glob-0.3.3/src/lib.rs"}]}],
/// #   "resolve": {"nodes": [{"id": "a", "features": [], "deps": [{"name": "glob", "pkg": "registry+x#glob@0.3.3",
/// #     "dep_kinds": [{"kind": null, "target": null}]}]}]}}"#;
/// let graph = blockwatch_lint::deps::parse_metadata(json, None).unwrap();
/// let keys = blockwatch_lint::deps::SummaryKeys::new(&graph, "config", vec![None]);
/// assert_eq!(keys.key(&graph, 0), blockwatch_lint::deps::summary_keys(&graph, "config", |_| None)[0]);
/// ```
#[derive(Debug)]
pub struct SummaryKeys {
    config: String,
    path_files: Vec<Option<Vec<PathBuf>>>,
    keys: Vec<OnceCell<String>>,
    in_progress: Vec<Cell<bool>>,
}

impl SummaryKeys {
    /// The keys of `graph`'s dependencies under configuration `config`, with each path
    /// dependency's files (`path_files`, by index; `None` for the others).
    pub fn new(
        graph: &DependencyGraph,
        config: &str,
        path_files: Vec<Option<Vec<PathBuf>>>,
    ) -> SummaryKeys {
        let n = graph.dependencies.len();
        SummaryKeys {
            config: config.to_string(),
            path_files,
            keys: (0..n).map(|_| OnceCell::new()).collect(),
            in_progress: (0..n).map(|_| Cell::new(false)).collect(),
        }
    }

    /// The key of dependency `i` of `graph` (the graph these keys were made for).
    pub fn key(&self, graph: &DependencyGraph, i: usize) -> &str {
        if let Some(key) = self.keys[i].get() {
            return key;
        }
        self.in_progress[i].set(true);
        let own = self.own_key(graph, i);
        let mut parts: Vec<String> = vec![own.clone()];
        for (name, to) in &graph.dependencies[i].externs {
            parts.push(name.clone());
            // A cycle (which cargo refuses for the normal dependencies followed here)
            // meets the own key of the crate in progress instead of recursing without end.
            if self.in_progress[*to].get() && self.keys[*to].get().is_none() {
                parts.push(self.own_key(graph, *to));
            } else {
                parts.push(self.key(graph, *to).to_string());
            }
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let key = cache_key(&parts);
        self.in_progress[i].set(false);
        self.keys[i].get_or_init(|| key)
    }

    /// The key of dependency `i`'s own sources and settings, without its externs'.
    fn own_key(&self, graph: &DependencyGraph, i: usize) -> String {
        let dep = &graph.dependencies[i];
        let mut parts: Vec<String> = vec![
            env!("CARGO_PKG_VERSION").to_string(),
            dep.id.clone(),
            dep.version.clone(),
            dep.features.join(","),
            self.config.clone(),
        ];
        if dep.source == SourceKind::Path {
            let manifest = dep.dir.join("Cargo.toml");
            let files = self
                .path_files
                .get(i)
                .and_then(Option::as_deref)
                .unwrap_or_default();
            for file in files.iter().chain([&manifest]) {
                parts.push(format!("{}={}", file.display(), file_stamp(file)));
            }
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        cache_key(&parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::metadata::Member;

    fn dep(name: &str, externs: &[(&str, usize)]) -> Dependency {
        crate::deps::metadata::registry_dependency(name, externs)
    }

    /// a names b, b names c: asked in any order, each lazy key is the one
    /// `summary_keys` computes, and a change in c changes the keys of all three.
    #[test]
    fn lazy_keys_equal_the_eager_ones_in_any_order() {
        let mut graph = DependencyGraph {
            members: vec![Member {
                name: "app".to_string(),
                dir: "/w".into(),
                externs: vec![("a".to_string(), 0)],
            }],
            dependencies: vec![dep("a", &[("b", 1)]), dep("b", &[("c", 2)]), dep("c", &[])],
            target_directory: None,
        };
        let eager = summary_keys(&graph, "config", |_| None);
        let lazy = SummaryKeys::new(&graph, "config", vec![None; 3]);
        let asked: Vec<String> = [2, 0, 1]
            .iter()
            .map(|&i| lazy.key(&graph, i).to_string())
            .collect();
        assert_eq!(
            asked,
            [eager[2].clone(), eager[0].clone(), eager[1].clone()]
        );
        let only_a = SummaryKeys::new(&graph, "config", vec![None; 3]);
        assert_eq!(only_a.key(&graph, 0), eager[0]);
        graph.dependencies[2].version = "1.0.1".to_string();
        let changed = summary_keys(&graph, "config", |_| None);
        assert!(changed.iter().zip(&eager).all(|(c, e)| c != e));
    }
}
