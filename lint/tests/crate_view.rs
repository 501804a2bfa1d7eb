//! The crate view on fixture trees: which target it reads, what it reports, when it is
//! stale, and the errors that make a front end fall back.

use std::path::{Path, PathBuf};

use blockwatch_lint::{Config, CrateView};

/// A fresh package `app` under the temp dir with `files` (path, text) written.
fn package(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("blockwatch-view-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n";

fn load(dir: &Path, file: &str) -> Result<CrateView, String> {
    CrateView::load(dir, "app", &dir.join(file), &Config::default()).map_err(|e| e.to_string())
}

#[test]
fn chain_through_nested_modules_and_mod_rs() {
    let dir = package(
        "chain",
        &[
            ("Cargo.toml", MANIFEST),
            (
                "src/main.rs",
                "mod store;\nasync fn run() {\n    store::open();\n}\nfn main() {}\n",
            ),
            (
                "src/store/mod.rs",
                "mod disk;\npub fn open() {\n    disk::read_all();\n}\n",
            ),
            (
                "src/store/disk.rs",
                "pub fn read_all() {\n    std::fs::read(\"db\").unwrap();\n}\n",
            ),
        ],
    );
    let view = load(&dir, "src/main.rs").unwrap();
    let main = dir.join("src/main.rs");
    let found = view.findings_in(&main, 1..=5, &Config::default());
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].line, found[0].column), (3, 5));
    assert_eq!(
        found[0].message(),
        "`store::open()` blocks the executor thread in async fn `run`: calls \
         `store::disk::read_all` at src/store/mod.rs:3: calls `std::fs::read` at \
         src/store/disk.rs:2"
    );
    assert!(view
        .findings_in(&main, 4..=5, &Config::default())
        .is_empty());
    assert!(view.contains(&dir.join("src/store/disk.rs")));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn configuration_filters_by_category_and_exempt_api() {
    let dir = package(
        "filter",
        &[
            ("Cargo.toml", MANIFEST),
            (
                "src/lib.rs",
                "fn load() { std::fs::read(\"a\").unwrap(); }\nasync fn run() { load(); }\n",
            ),
        ],
    );
    let view = load(&dir, "src/lib.rs").unwrap();
    let lib = dir.join("src/lib.rs");
    assert_eq!(view.findings_in(&lib, 1..=2, &Config::default()).len(), 1);
    let disabled = Config {
        catalog: blockwatch_lint::CatalogConfig {
            disable: vec![blockwatch_lint::Category::Fs],
            ..blockwatch_lint::CatalogConfig::default()
        },
        ..Config::default()
    };
    assert!(view.findings_in(&lib, 1..=2, &disabled).is_empty());
    let exempt = Config {
        catalog: blockwatch_lint::CatalogConfig {
            exempt: vec!["std::fs::".into()],
            ..blockwatch_lint::CatalogConfig::default()
        },
        ..Config::default()
    };
    assert!(view.findings_in(&lib, 1..=2, &exempt).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_target_that_reaches_the_file_is_chosen() {
    // A lib and a bin both named `app`; only the bin declares `mod cli;`.
    let dir = package(
        "targets",
        &[
            ("Cargo.toml", MANIFEST),
            ("src/lib.rs", "pub fn shared() {}\n"),
            ("src/main.rs", "mod cli;\nfn main() {}\n"),
            (
                "src/cli.rs",
                "fn wait() { std::thread::sleep(d); }\nasync fn go() { wait(); }\n",
            ),
        ],
    );
    let view = load(&dir, "src/cli.rs").unwrap();
    let found = view.findings_in(&dir.join("src/cli.rs"), 1..=2, &Config::default());
    assert_eq!(found[0].resolved, "cli::wait");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_changed_file_makes_the_view_stale() {
    let dir = package(
        "stale",
        &[
            ("Cargo.toml", MANIFEST),
            ("src/lib.rs", "mod a;\n"),
            ("src/a.rs", "fn f() {}\n"),
        ],
    );
    let view = load(&dir, "src/lib.rs").unwrap();
    assert!(!view.is_stale());
    std::fs::write(dir.join("src/a.rs"), "fn f() { g(); }\n").unwrap();
    assert!(view.is_stale());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_name_the_file_and_the_problem() {
    let dir = package(
        "errors",
        &[
            ("Cargo.toml", MANIFEST),
            ("src/lib.rs", "mod broken;\n"),
            ("src/broken.rs", "fn f( {\n"),
            // A file that blocks: the crate is read in full (see `a_crate_that_cannot_block..`).
            ("src/stray.rs", "fn g() { std::thread::sleep(d); }\n"),
        ],
    );
    let err = load(&dir, "src/lib.rs").unwrap_err();
    let broken = dir.join("src/broken.rs");
    assert!(
        err.starts_with(&format!("{}: cannot be parsed: ", broken.display())),
        "{err}"
    );
    std::fs::write(dir.join("src/broken.rs"), "fn f() {}\n").unwrap();
    let err = load(&dir, "src/stray.rs").unwrap_err();
    assert_eq!(
        err,
        format!(
            "{}: no `mod` declaration of crate `app` reaches this file",
            dir.join("src/stray.rs").display()
        )
    );
    let err = CrateView::load(&dir, "other", &dir.join("src/lib.rs"), &Config::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: {} declares no target named `other`",
            dir.join("src/lib.rs").display(),
            dir.join("Cargo.toml").display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_crate_that_cannot_block_is_viewed_without_a_parse() {
    // Nothing that can start a finding in any file (a catalog name in a string, a
    // comment, a macro name or an awaited call does not count), and one file that does
    // not even parse: the view is empty, covers every file below `src/`, and goes stale.
    let dir = package(
        "quiet",
        &[
            ("Cargo.toml", MANIFEST),
            (
                "src/lib.rs",
                "mod a;\n// std::thread::sleep(d)\nasync fn run() { a::f(); tokio::time::sleep(d).await; }\n",
            ),
            ("src/a.rs", "pub fn f() { let s = \"read_to_string(\"; write!(s, \"x\"); }\n"),
            ("src/unreached.rs", "fn g() -> { 1 }\n"),
        ],
    );
    let view = load(&dir, "src/lib.rs").unwrap();
    assert!(view
        .findings_in(&dir.join("src/lib.rs"), 1..=9, &Config::default())
        .is_empty());
    assert!(view.contains(&dir.join("src/unreached.rs")));
    assert!(!view.is_stale());
    // The same crate once a file blocks: read in full, and the chain is found.
    std::fs::write(
        dir.join("src/a.rs"),
        "pub fn f() { std::fs::read_to_string(\"x\").unwrap(); }\n",
    )
    .unwrap();
    assert!(view.is_stale());
    std::fs::write(dir.join("src/unreached.rs"), "fn g() -> u8 { 1 }\n").unwrap();
    let view = load(&dir, "src/lib.rs").unwrap();
    let found = view.findings_in(&dir.join("src/lib.rs"), 1..=9, &Config::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 3);
    assert!(!view.contains(&dir.join("src/unreached.rs")));
    // A `#[path]` may lead out of `src/`: read in full, even with nothing that blocks.
    std::fs::write(dir.join("src/a.rs"), "pub fn f() {}\n").unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "#[path = \"../other/b.rs\"]\nmod b;\nmod a;\nasync fn run() { b::f(); }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::write(
        dir.join("other/b.rs"),
        "pub fn f() { std::thread::sleep(d); }\n",
    )
    .unwrap();
    let view = load(&dir, "src/lib.rs").unwrap();
    let found = view.findings_in(&dir.join("src/lib.rs"), 1..=9, &Config::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].chain()[0].to_string(),
        "`std::thread::sleep` at other/b.rs:1"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_prefilter_passes_only_what_cannot_be_reported() {
    use blockwatch_lint::may_report;
    let check = |src: &str| may_report(&src.parse().unwrap(), &Config::default(), &[]);
    // Awaited calls of catalog names, and names that are nowhere in the catalog.
    assert!(!check(
        "async fn f() { tokio::time::sleep(d).await; g::<u8>(1).await; }"
    ));
    assert!(!check("async fn f() { sleep::<u8>(d).await; }"));
    // The body of the attribute_cost benchmark's fns: `write!` is a macro, not `fs::write`.
    assert!(!check(
        "pub async fn handler_1(id: u64, name: &str) -> Result<String, std::fmt::Error> {
            tokio::time::sleep(Duration::from_micros(id % 7)).await;
            let mut out = String::with_capacity(name.len() + 24);
            write!(out, \"{name}-{}\", id.wrapping_add(1))?;
            if out.len() > 64 { out.truncate(64); }
            tokio::task::yield_now().await;
            Ok(out)
        }"
    ));
    // A catalog leaf, a catalog prefix's last segment, a method shape, in a macro body.
    assert!(check("async fn f() { thread::sleep(d); }"));
    assert!(check("async fn f() { use std::fs::*; read_dir(p); }"));
    assert!(check("async fn f(c: C) { c.output(); }"));
    assert!(check(
        "async fn f() { println!(\"{}\", std::fs::read_to_string(p)?); }"
    ));
    // `extra` entries and a front end's own names count.
    let extra = Config {
        catalog: blockwatch_lint::CatalogConfig {
            extra: vec![blockwatch_lint::ExtraEntry {
                path: "my_db::query_sync".into(),
                replacement: "my_db::query(..).await".into(),
                why: None,
            }],
            ..blockwatch_lint::CatalogConfig::default()
        },
        ..Config::default()
    };
    let tokens = "async fn f() { query_sync(); }".parse().unwrap();
    assert!(may_report(&tokens, &extra, &[]));
    assert!(!may_report(&tokens, &Config::default(), &[]));
    assert!(may_report(&tokens, &Config::default(), &["query_sync"]));
}

/// The attribute's view of a crate reports calls through a trait, and chains that need a
/// name-only method hop as `method-shape`, as `cargo blockwatch` does.
#[test]
fn trait_calls_and_name_only_chains_reach_the_attribute() {
    let dir = package(
        "traits",
        &[
            ("Cargo.toml", MANIFEST),
            (
                "src/main.rs",
                "mod store;\nuse store::Store;\n\
                 async fn by_trait<S: Store>(s: &S) {\n    s.load();\n}\n\
                 async fn by_name(v: Unknown) {\n    v.get().fetch_rows();\n}\n\
                 fn main() {}\n",
            ),
            (
                "src/store.rs",
                "pub trait Store { fn load(&self); }\npub struct Disk;\n\
                 impl Store for Disk { fn load(&self) { std::fs::read(\"a\").unwrap(); } }\n\
                 impl Disk { pub fn fetch_rows(&self) { std::thread::sleep(d); } }\n",
            ),
        ],
    );
    let view = load(&dir, "src/main.rs").unwrap();
    let main = dir.join("src/main.rs");
    let found: Vec<(usize, String, blockwatch_lint::Certainty)> = view
        .findings_in(&main, 1..=9, &Config::default())
        .into_iter()
        .map(|f| (f.line, f.resolved.clone(), f.certainty))
        .collect();
    assert_eq!(
        found,
        [
            (
                4,
                "store::Disk::load".to_string(),
                blockwatch_lint::Certainty::Transitive
            ),
            (
                7,
                "store::Disk::fetch_rows".to_string(),
                blockwatch_lint::Certainty::MethodShape
            ),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
