//! Writes the caches `cargo blockwatch` would leave for the UI tests' project, through the
//! engine's public API: the dependency graph (the project depends on the two fixture
//! crates under `tests/dependency_cache/`) and the summary of `blockwatch-fixture-store`
//! only, so a call into `blockwatch_fixture_uncached` has no cache to find.

use std::path::{Path, PathBuf};

use blockwatch_lint::deps::{
    encode, encode_graph, parse_metadata, store, summary_file_name, summary_keys,
};
use blockwatch_lint::{summarize_file, Config};

/// Writes the caches under `project`'s own `target/` (the first place the attribute
/// looks), for the UI tests' project directory `project`.
pub fn write(project: &Path) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dependency_cache");
    let store_dir = fixtures.join("store");
    let uncached_dir = fixtures.join("uncached");
    let package = |id: &str, dir: &Path| {
        format!(
            r#"{{"id": "{id}", "name": "{id}", "version": "0.1.0", "source": null,
              "manifest_path": "{d}/Cargo.toml", "targets": [{{"kind": ["lib"], "src_path": "{d}/src/lib.rs"}}]}}"#,
            d = dir.display()
        )
    };
    let json = format!(
        r#"{{"workspace_members": ["ui"], "packages": [
          {{"id": "ui", "name": "ui", "version": "0.0.0", "source": null, "manifest_path": "{p}/Cargo.toml", "targets": []}},
          {store}, {uncached}],
          "resolve": {{"nodes": [
            {{"id": "ui", "features": [], "deps": [
              {{"name": "blockwatch_fixture_store", "pkg": "blockwatch-fixture-store", "dep_kinds": [{{"kind": null, "target": null}}]}},
              {{"name": "blockwatch_fixture_uncached", "pkg": "blockwatch-fixture-uncached", "dep_kinds": [{{"kind": null, "target": null}}]}}]}},
            {{"id": "blockwatch-fixture-store", "features": [], "deps": []}},
            {{"id": "blockwatch-fixture-uncached", "features": [], "deps": []}}]}}}}"#,
        p = project.display(),
        store = package("blockwatch-fixture-store", &store_dir),
        uncached = package("blockwatch-fixture-uncached", &uncached_dir),
    );
    let graph = parse_metadata(&json, None).expect("the fixture graph is cargo metadata's shape");
    let cache = project.join("target/blockwatch");
    // No inputs recorded: the fixture graph holds however the project's manifest changes.
    store(
        &cache.join("dependency-graph.json"),
        &encode_graph(&graph, "ui tests", &[]),
    )
    .expect("the UI project's target directory is writable");
    let lib = store_dir.join("src/lib.rs");
    let files: [PathBuf; 1] = [lib.clone()];
    let uncached_files: [PathBuf; 1] = [uncached_dir.join("src/lib.rs")];
    let keys = summary_keys(&graph, &format!("{:?}", Config::default().catalog), |i| {
        Some(if i == 0 {
            &files[..]
        } else {
            &uncached_files[..]
        })
    });
    let text = std::fs::read_to_string(&lib).expect("the fixture crate is readable");
    let syntax: syn::File = syn::parse_str(&text).expect("the fixture crate parses");
    let summary = summarize_file(&syntax, "store/src/lib.rs", &[], false, &Config::default());
    let index = graph
        .dependencies
        .iter()
        .position(|d| d.name == "blockwatch-fixture-store")
        .expect("the fixture graph names the store");
    store(
        &cache
            .join("deps")
            .join(summary_file_name(&graph.dependencies[index])),
        &encode(&[summary], &keys[index], "blockwatch-fixture-store 0.1.0"),
    )
    .expect("the UI project's target directory is writable");
}
