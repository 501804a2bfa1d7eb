//! Configuration parsing, discovery and errors.

use std::path::{Path, PathBuf};

use blockwatch_lint::{AllowEntry, CatalogConfig, Category, Config, ExtraEntry};

fn parse(text: &str) -> Result<Config, String> {
    Config::from_toml_str(text, Path::new("blockwatch.toml")).map_err(|e| e.to_string())
}

#[test]
fn all_keys_of_blockwatch_toml() {
    let c = parse(
        r#"
        extra = [{ path = "my_crate::db::query_sync", replacement = "my_crate::db::query(..).await", why = "runs SQL" }]
        exempt = ["std::fs::metadata", "std::os::unix::fs::"]
        enable = ["lock"]
        disable = ["fs"]
        allow = [{ file = "examples/spinner.rs", path = "std::thread::sleep", reason = "the demo blocks on purpose" }]
        "#,
    )
    .unwrap();
    assert_eq!(
        c.catalog.extra,
        [ExtraEntry {
            path: "my_crate::db::query_sync".into(),
            replacement: "my_crate::db::query(..).await".into(),
            why: Some("runs SQL".into()),
        }]
    );
    assert_eq!(
        c.catalog.exempt,
        ["std::fs::metadata", "std::os::unix::fs::"]
    );
    assert_eq!(c.catalog.enable, [Category::Lock]);
    assert_eq!(c.catalog.disable, [Category::Fs]);
    assert_eq!(
        c.allow,
        [AllowEntry {
            file: "examples/spinner.rs".into(),
            path: Some("std::thread::sleep".into()),
            reason: "the demo blocks on purpose".into(),
        }]
    );
    assert!(c.is_category_enabled(Category::Lock));
    assert!(!c.is_category_enabled(Category::Fs));
}

#[test]
fn categories_table_form() {
    let c = parse("[categories]\nenable = [\"lock\"]\ndisable = [\"net\", \"dns\"]").unwrap();
    assert_eq!(c.catalog.enable, [Category::Lock]);
    assert_eq!(c.catalog.disable, [Category::Net, Category::Dns]);
}

#[test]
fn errors_name_file_line_key_and_problem() {
    let cases = [
        ("\n\n[categories]\nenable = [\"locks\"]", "blockwatch.toml:4: `categories.enable`: unknown category `locks`; expected one of: sleep, fs,"),
        ("enable = [\"locks\"]", "blockwatch.toml:1: `enable`: unknown category `locks`"),
        ("frobnicate = 1", "blockwatch.toml:1: `frobnicate`: unknown key `frobnicate`; expected one of: extra, exempt, enable, disable, allow, offload, categories"),
        ("exempt = \"std::fs::read\"", "blockwatch.toml:1: `exempt`: expected an array, found string"),
        ("exempt = [1]", "blockwatch.toml:1: `exempt[0]`: expected a string, found integer"),
        ("exempt = [\"not a path\"]", "blockwatch.toml:1: `exempt[0]`: `not a path` is not a path"),
        ("extra = [{ path = \"a::b\" }]", "blockwatch.toml:1: `extra[0]`: missing `replacement`"),
        ("extra = [{ path = \"a::b\", replacement = \"c\", color = \"red\" }]", "blockwatch.toml:1: `extra[0].color`: unknown key `color`; expected one of: path, replacement, why"),
        ("\nallow = [{ file = \"examples/**\", reason = \"\" }]", "blockwatch.toml:2: `allow[0].reason`: must not be empty"),
        ("allow = [{ file = \"[\", reason = \"x\" }]", "blockwatch.toml:1: `allow[0].file`: invalid glob `[`"),
        ("enable = [", "blockwatch.toml:1: invalid TOML"),
        ("offload = [\"pool::\"]", "blockwatch.toml:1: `offload[0]`: `pool::` is a prefix"),
    ];
    for (text, want) in cases {
        let got = parse(text).unwrap_err();
        assert!(
            got.starts_with(want),
            "for {text:?}:\n got: {got}\nwant: {want}"
        );
    }
}

#[test]
fn cargo_toml_metadata_tables_merge() {
    let text = r#"
        [package]
        name = "app"

        [workspace]
        members = []

        [workspace.metadata.blockwatch]
        disable = ["fs"]
        exempt = ["std::thread::park"]

        [package.metadata.blockwatch]
        enable = ["fs", "lock"]
        allow = [{ file = "examples/**", reason = "demos" }]

        [dependencies]
        tokio = "1"
    "#;
    let c = Config::from_toml_str(text, Path::new("some/dir/Cargo.toml")).unwrap();
    assert!(
        c.is_category_enabled(Category::Fs),
        "package enable wins over workspace disable"
    );
    assert!(c.is_category_enabled(Category::Lock));
    assert_eq!(c.catalog.exempt, ["std::thread::park"]);
    assert_eq!(c.allow.len(), 1);
    assert!(c.allows("examples/a/b.rs", "std::fs::read").is_some());
    assert!(c.allows("src/main.rs", "std::fs::read").is_none());

    let err = Config::from_toml_str(
        "[package]\nname = \"x\"\n[package.metadata.blockwatch]\nenabled = [\"fs\"]",
        Path::new("Cargo.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("Cargo.toml:4: `package.metadata.blockwatch.enabled`: unknown key"),
        "{err}"
    );
    // A Cargo.toml without blockwatch metadata is an empty configuration.
    assert_eq!(
        Config::from_toml_str("[package]\nname = \"x\"", Path::new("Cargo.toml")).unwrap(),
        Config::default()
    );
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("blockwatch-lint-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn discover_merges_workspace_package_and_blockwatch_toml() {
    let s = Scratch::new("discover");
    let root = s.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/app\"]\n[workspace.metadata.blockwatch]\ndisable = [\"net\"]\nexempt = [\"std::fs::metadata\"]\n",
    );
    let pkg = s.write(
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\n[package.metadata.blockwatch]\nenable = [\"lock\"]\n",
    );
    let own = s.write(
        "crates/app/blockwatch.toml",
        "disable = [\"lock\"]\nexempt = [\"std::fs::read\"]\n",
    );
    let d = Config::discover_within(&s.0.join("crates/app"), &s.0).unwrap();
    assert!(!d.config.is_category_enabled(Category::Net));
    assert!(
        !d.config.is_category_enabled(Category::Lock),
        "blockwatch.toml refines Cargo.toml"
    );
    assert_eq!(
        d.config.catalog.exempt,
        ["std::fs::metadata", "std::fs::read"]
    );
    assert_eq!(d.files, [pkg, root, own], "every file read, in order");
}

#[test]
fn discover_reports_bad_files_and_tolerates_missing_ones() {
    let s = Scratch::new("discover-bad");
    let own = s.write("Cargo.toml", "[package]\nname = \"solo\"\n");
    let d = Config::discover_within(&s.0, &s.0).unwrap();
    assert_eq!(d.config, Config::default());
    assert_eq!(d.files, [own]);
    s.write("blockwatch.toml", "\nenable = [\"nope\"]\n");
    let err = Config::discover_within(&s.0, &s.0).unwrap_err();
    assert!(err.file.ends_with("blockwatch.toml"));
    assert_eq!(err.line, Some(2));
    assert!(err.to_string().contains("unknown category `nope`"));
}

#[test]
fn catalog_honours_disable_exempt_and_extra() {
    let c = parse(
        r#"
        disable = ["sleep"]
        exempt = ["std::fs::", "reqwest::blocking::Client::new"]
        extra = [{ path = "app::slow", replacement = "app::fast(..).await" }]
        "#,
    )
    .unwrap();
    let src = r#"async fn f() {
        std::thread::sleep(d);
        std::fs::read("x");
        reqwest::blocking::Client::new();
        reqwest::blocking::get("u");
        app::slow();
    }"#;
    let file: syn::File = syn::parse_str(src).unwrap();
    let got: Vec<String> = blockwatch_lint::check_file(&file, &c)
        .into_iter()
        .map(|f| f.resolved)
        .collect();
    assert_eq!(got, ["reqwest::blocking::get", "app::slow"]);
}

#[test]
fn offload_names_the_projects_own_offloaders() {
    let c = parse("offload = [\"my_crate::pool::run_blocking\"]").unwrap();
    assert_eq!(c.catalog.offload, ["my_crate::pool::run_blocking"]);
    let src = r#"use my_crate::pool::run_blocking;
        async fn f() {
            run_blocking(|| std::fs::read("x")).await;
            other(|| std::fs::read("y"));
        }"#;
    let file: syn::File = syn::parse_str(src).unwrap();
    let got: Vec<(usize, String)> = blockwatch_lint::check_file(&file, &c)
        .into_iter()
        .map(|f| (f.start().0, f.resolved))
        .collect();
    assert_eq!(got, [(4, "std::fs::read".to_string())]);
}

#[test]
fn discover_from_a_relative_directory_walks_above_it() {
    // The test runs in lint/: the workspace root is one level up, and a `[workspace]`
    // stops the walk there.
    let lint = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = Config::discover(Path::new(".")).unwrap();
    assert_eq!(
        d.files,
        [
            Path::new("./Cargo.toml").to_path_buf(),
            lint.parent().unwrap().join("Cargo.toml")
        ]
    );
}

#[test]
fn the_ceiling_keeps_a_foreign_workspace_out() {
    // A package with no `[workspace]` of its own, checked out under someone else's
    // workspace, as a scratch directory under a `$TMPDIR` inside a repository is.
    let s = Scratch::new("ceiling");
    let foreign = s.write(
        "Cargo.toml",
        "[workspace]\n[workspace.metadata.blockwatch]\ndisable = [\"fs\"]\n",
    );
    let own = s.write("scratch/crate/Cargo.toml", "[package]\nname = \"mine\"\n");
    let dir = s.0.join("scratch/crate");

    let unbounded = Config::discover(&dir).unwrap();
    assert_eq!(unbounded.files, [own.clone(), foreign]);
    assert!(!unbounded.config.is_category_enabled(Category::Fs));

    for ceiling in [
        dir.clone(),
        s.0.join("scratch"),
        s.0.join("scratch/crate/../."),
    ] {
        let bounded = Config::discover_within(&dir, &ceiling).unwrap();
        assert_eq!(
            bounded.files,
            std::slice::from_ref(&own),
            "ceiling {}",
            ceiling.display()
        );
        assert_eq!(bounded.config, Config::default());
    }
    // A directory outside the ceiling reads its own files only.
    let elsewhere = Config::discover_within(&dir, &s.0.join("other")).unwrap();
    assert_eq!(elsewhere.files, [own]);
    // The ceiling itself is still read: a workspace root at the ceiling applies.
    let at_root = Config::discover_within(&dir, &s.0).unwrap();
    assert_eq!(at_root.files.len(), 2);
    assert!(!at_root.config.is_category_enabled(Category::Fs));
}

#[test]
fn the_fuzz_seeds_are_valid_configurations() {
    // `.ci/run` starts the `config` fuzz target from these: they must stay accepted, so
    // the fuzzer begins inside the grammar, not at its first error.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/config");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/config") {
        let path = entry.expect("a seed").path();
        let text = std::fs::read_to_string(&path).expect("a UTF-8 seed");
        Config::from_toml_str(&text, Path::new("blockwatch.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    names.sort();
    assert_eq!(
        names,
        ["categories_table.toml", "empty.toml", "every_key.toml"]
    );
}

#[test]
fn allow_entries_match_prefixes_and_globs_that_do_not_cross_directories() {
    let c = parse(
        r#"allow = [
            { file = "src/*.rs", path = "std::fs::", reason = "fs at the top of src" },
            { file = "tools/**", reason = "every finding under tools" },
            { file = "build.rs", path = "std::process::Command::output", reason = "the build script" },
        ]"#,
    )
    .unwrap();
    let reason = |file: &str, api: &str| c.allows(file, api).map(|a| a.reason.as_str());
    // A path ending `::` is a prefix of the resolved API.
    assert_eq!(
        reason("src/db.rs", "std::fs::read"),
        Some("fs at the top of src")
    );
    assert_eq!(
        reason("src/db.rs", "std::fs::OpenOptions::open"),
        Some("fs at the top of src")
    );
    assert_eq!(reason("src/db.rs", "std::thread::sleep"), None);
    // `*` does not cross `/`; `**` does.
    assert_eq!(reason("src/store/db.rs", "std::fs::read"), None);
    assert_eq!(
        reason("tools/gen/main.rs", "std::thread::sleep"),
        Some("every finding under tools")
    );
    // An exact path matches only itself, and a plain file name only that file.
    assert_eq!(
        reason("build.rs", "std::process::Command::output"),
        Some("the build script")
    );
    assert_eq!(reason("build.rs", "std::process::Command::status"), None);
    assert_eq!(
        reason("sub/build.rs", "std::process::Command::output"),
        None
    );
}

/// Two configurations that differ in one catalog setting only, checked one after the
/// other (the second through the engine's matcher cache): each finds what its own
/// setting says. A setting left out of the cache key would give the second the first's
/// findings.
#[test]
fn each_catalog_setting_changes_the_findings_of_the_next_check() {
    let src = "use my::db; async fn f(m: std::sync::Mutex<u8>) { \
               std::fs::read(\"a\"); std::thread::sleep(d); db::query_sync(); \
               run_elsewhere(|| std::fs::write(\"b\", \"\")); m.lock(); }";
    let found = |catalog: CatalogConfig| -> Vec<String> {
        let config = Config {
            catalog,
            ..Config::default()
        };
        let file: syn::File = syn::parse_str(src).expect("parses");
        blockwatch_lint::check_file(&file, &config)
            .into_iter()
            .map(|f| f.resolved)
            .collect()
    };
    let base = found(CatalogConfig::default());
    assert_eq!(
        base,
        ["std::fs::read", "std::thread::sleep", "std::fs::write"]
    );
    let cases: [(&str, CatalogConfig, &[&str]); 5] = [
        (
            "extra",
            CatalogConfig {
                extra: vec![blockwatch_lint::ExtraEntry {
                    path: "my::db::query_sync".into(),
                    replacement: "my::db::query(..).await".into(),
                    why: None,
                }],
                ..CatalogConfig::default()
            },
            &[
                "std::fs::read",
                "std::thread::sleep",
                "my::db::query_sync",
                "std::fs::write",
            ],
        ),
        (
            "exempt",
            CatalogConfig {
                exempt: vec!["std::fs::".into()],
                ..CatalogConfig::default()
            },
            &["std::thread::sleep"],
        ),
        (
            "enable",
            CatalogConfig {
                enable: vec![Category::Lock],
                ..CatalogConfig::default()
            },
            &[
                "std::fs::read",
                "std::thread::sleep",
                "std::fs::write",
                "std::sync::Mutex::lock",
            ],
        ),
        (
            "disable",
            CatalogConfig {
                disable: vec![Category::Sleep],
                ..CatalogConfig::default()
            },
            &["std::fs::read", "std::fs::write"],
        ),
        (
            "offload",
            CatalogConfig {
                offload: vec!["my::pool::run_elsewhere".into()],
                ..CatalogConfig::default()
            },
            &["std::fs::read", "std::thread::sleep"],
        ),
    ];
    for (field, catalog, want) in cases {
        assert_eq!(found(catalog), want, "only `{field}` differs");
        assert_eq!(found(CatalogConfig::default()), base, "after `{field}`");
    }
}
