//! The crate view with the dependency caches `cargo blockwatch` leaves under the target
//! directory: a call into a dependency fn that blocks is a finding with the CLI's chain
//! when the caches are present and current, and the view is crate-only otherwise.

use std::path::{Path, PathBuf};

use blockwatch_lint::deps::{
    encode, encode_graph, file_stamp, parse_metadata, store, summary_file_name, summary_keys,
};
use blockwatch_lint::{summarize_file, Config, CrateView};

const APP_MAIN: &str = "async fn run() {\n    store::load();\n}\nfn main() {}\n";
const STORE_LIB: &str = "pub fn load() {\n    std::fs::read(\"a\").unwrap();\n}\n";

/// A workspace `w` with package `app` depending on the path package `store`.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "blockwatch-view-deps-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let files = [
        (
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
        ),
        ("app/src/main.rs", APP_MAIN),
        (
            "store/Cargo.toml",
            "[package]\nname = \"store\"\nversion = \"0.3.1\"\n",
        ),
        ("store/src/lib.rs", STORE_LIB),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Writes the caches as `cargo blockwatch` does, through the engine's public API: the
/// graph file under `app/target/blockwatch/`, and `store`'s summaries under its key.
fn write_caches(dir: &Path, config: &str) -> PathBuf {
    let (app, st) = (dir.join("app"), dir.join("store"));
    let json = format!(
        r#"{{"workspace_members": ["app"], "target_directory": "{t}", "packages": [
  {{"id": "app", "name": "app", "version": "0.1.0", "source": null, "manifest_path": "{a}/Cargo.toml", "targets": []}},
  {{"id": "store", "name": "store", "version": "0.3.1", "source": null, "manifest_path": "{s}/Cargo.toml",
    "targets": [{{"kind": ["lib"], "src_path": "{s}/src/lib.rs"}}]}}],
  "resolve": {{"nodes": [{{"id": "app", "features": [], "deps": [{{"name": "store", "pkg": "store",
    "dep_kinds": [{{"kind": null, "target": null}}]}}]}}, {{"id": "store", "features": [], "deps": []}}]}}}}"#,
        t = app.join("target").display(),
        a = app.display(),
        s = st.display(),
    );
    let graph = parse_metadata(&json, None).unwrap();
    let blockwatch = app.join("target/blockwatch");
    let manifest = app.join("Cargo.toml");
    let inputs = vec![(manifest.clone(), file_stamp(&manifest))];
    store(
        &blockwatch.join("dependency-graph.json"),
        &encode_graph(&graph, "cli key", &inputs),
    )
    .unwrap();
    let lib = st.join("src/lib.rs");
    let files = [lib.clone()];
    let keys = summary_keys(&graph, config, |_| Some(&files[..]));
    let syntax: syn::File = syn::parse_str(STORE_LIB).unwrap();
    let summary = summarize_file(
        &syntax,
        "../store/src/lib.rs",
        &[],
        false,
        &Config::default(),
    );
    let cache = blockwatch
        .join("deps")
        .join(summary_file_name(&graph.dependencies[0]));
    store(&cache, &encode(&[summary], &keys[0], "store 0.3.1")).unwrap();
    cache
}

fn chains(dir: &Path) -> Vec<(usize, String, Option<String>)> {
    let app = dir.join("app");
    let main = app.join("src/main.rs");
    let view = CrateView::load(&app, "app", &main, &Config::default()).unwrap();
    view.findings_in(&main, 1..=4, &Config::default())
        .iter()
        .map(|f| (f.line, f.chain()[0].to_string(), f.chain()[0].krate.clone()))
        .collect()
}

#[test]
fn a_cached_blocking_dependency_fn_is_a_finding_with_its_chain() {
    let dir = workspace("present");
    write_caches(&dir, &format!("{:?}", Config::default().catalog));
    assert_eq!(
        chains(&dir),
        [(
            2,
            "`std::fs::read` at ../store/src/lib.rs:2 (in store 0.3.1)".to_string(),
            Some("store 0.3.1".to_string())
        )]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_the_caches_the_view_is_crate_only() {
    let dir = workspace("absent");
    assert_eq!(chains(&dir), []);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_summary_cache_under_another_key_is_ignored() {
    let dir = workspace("stale-key");
    write_caches(&dir, "another configuration");
    assert_eq!(chains(&dir), []);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_changed_input_of_the_graph_makes_it_stale() {
    let dir = workspace("stale-graph");
    write_caches(&dir, &format!("{:?}", Config::default().catalog));
    std::fs::write(
        dir.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.1\"\n",
    )
    .unwrap();
    assert_eq!(chains(&dir), []);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_summary_cache_is_ignored() {
    let dir = workspace("corrupt");
    let cache = write_caches(&dir, &format!("{:?}", Config::default().catalog));
    std::fs::write(&cache, "{\"format\": ").unwrap();
    assert_eq!(chains(&dir), []);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_view_without_caches_is_stale_once_cargo_blockwatch_writes_them() {
    let dir = workspace("appears");
    let app = dir.join("app");
    let main = app.join("src/main.rs");
    let view = CrateView::load(&app, "app", &main, &Config::default()).unwrap();
    assert!(!view.is_stale());
    write_caches(&dir, &format!("{:?}", Config::default().catalog));
    assert!(view.is_stale());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A `CARGO_TARGET_DIR` shared with another workspace holds that workspace's graph: the
/// view passes over it to the graph of its own workspace. (The variable is process-wide;
/// every other test here must pass with it set too, which is the point.)
#[test]
fn a_shared_target_directory_holding_another_workspace_graph_is_passed_over() {
    let dir = workspace("own");
    let foreign = workspace("foreign");
    write_caches(&dir, &format!("{:?}", Config::default().catalog));
    write_caches(&foreign, &format!("{:?}", Config::default().catalog));
    std::env::set_var("CARGO_TARGET_DIR", foreign.join("app/target"));
    let found = chains(&dir);
    std::env::remove_var("CARGO_TARGET_DIR");
    assert_eq!(
        found,
        [(
            2,
            "`std::fs::read` at ../store/src/lib.rs:2 (in store 0.3.1)".to_string(),
            Some("store 0.3.1".to_string())
        )]
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&foreign).unwrap();
}
