//! Dependency summaries: the crates a workspace depends on are read from source (found
//! through `cargo metadata`, never built) and calls into them that block are reported
//! at the workspace's call, with the chain into each crate.

mod common;

use std::fs;
use std::path::Path;

use common::{json_in, run_in, Scratch};
use serde_json::Value;

/// `(line, resolved, message)` of every finding.
fn findings(report: &Value) -> Vec<(u64, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["resolved"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn calls_into_dependencies_are_reported_with_the_chain_into_each_crate() {
    let scratch = Scratch::copy_of("deps");
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["dependencies_analysed"], 8);
    assert_eq!(report["summary"]["files_scanned"], 1);
    let expected: Vec<(u64, &str, &str)> = vec![
        // Two calls down, across a module of the dependency.
        (
            4,
            "store::load_settings",
            "`store::load_settings()` blocks the executor thread in async fn `settings`: \
             calls `raw::read_raw` at crates/store/src/lib.rs:4 (in store 0.3.1): calls \
             `std::fs::read_to_string` at crates/store/src/raw.rs:2 (in store 0.3.1)",
        ),
        // Feature `sync` is enabled: its blocking variant is the one compiled. Feature
        // `extra` is not: `gated::read_extra()` (line 9) is the empty variant.
        (
            8,
            "gated::read_sync",
            "`gated::read_sync()` blocks the executor thread in async fn `gated_calls`: \
             calls `std::fs::read` at crates/gated/src/lib.rs:3 (in gated 1.0.0)",
        ),
        // `io = { package = "disk-io" }`: the code's name for the crate.
        (
            13,
            "io::slurp",
            "`io::slurp(..)` blocks the executor thread in async fn `renamed`: calls \
             `std::fs::read` at crates/disk-io/src/lib.rs:2 (in disk-io 2.1.0)",
        ),
        // Through two dependencies, chain-a naming chain-b `blob`.
        (
            17,
            "chain_a::open_archive",
            "`chain_a::open_archive()` blocks the executor thread in async fn \
             `two_crates_down`: calls `blob::read_blob` at crates/chain-a/src/lib.rs:2 \
             (in chain-a 0.1.0): calls `std::fs::read` at crates/chain-b/src/lib.rs:2 \
             (in chain-b 0.2.0)",
        ),
        // A trait impl of a dependency, called by path.
        (
            21,
            "loaders::DiskLoader::load_blob",
            "`loaders::DiskLoader::load_blob(..)` blocks the executor thread in async fn \
             `trait_impl_by_path`: calls `std::fs::read` at crates/loaders/src/lib.rs:9 \
             (in loaders 0.1.0)",
        ),
        // Called through a generic `L: Loader` (line 25): the only impl of the trait.
        (
            29,
            "through_generic",
            "`through_generic(..)` blocks the executor thread in async fn \
             `trait_impl_through_generic`: calls `loaders::DiskLoader::load_blob` at \
             app/src/main.rs:25: calls `std::fs::read` at crates/loaders/src/lib.rs:9 \
             (in loaders 0.1.0)",
        ),
        // A dependency's async fn that blocks inside: reported at the await.
        (
            33,
            "asyncdep::fetch_config",
            "`asyncdep::fetch_config()` blocks the executor thread in async fn \
             `awaits_a_blocking_dependency_fn`: calls `read_now` at \
             crates/asyncdep/src/lib.rs:2 (in asyncdep 0.4.0): calls \
             `std::fs::read_to_string` at crates/asyncdep/src/lib.rs:6 (in asyncdep 0.4.0)",
        ),
        // The workspace's own async fn that blocks: once, at its blocking line, not at
        // its await (line 41). The closure given to `offload::in_background` (line 45),
        // which hands it to `std::thread::spawn`, is off the executor: no finding.
        (
            37,
            "std::thread::sleep",
            "blocking call `std::thread::sleep(..)` in async fn `own_blocking_async_fn`",
        ),
    ];
    let expected: Vec<(u64, String, String)> = expected
        .into_iter()
        .map(|(l, r, m)| (l, r.to_string(), m.to_string()))
        .collect();
    assert_eq!(findings(&report), expected);
    let chain = &report["findings"][0]["chain"];
    assert_eq!(chain[0]["crate"], "store 0.3.1");
    assert_eq!(chain[1]["file"], "crates/store/src/raw.rs");
}

#[test]
fn no_deps_turns_dependency_analysis_off() {
    let scratch = Scratch::copy_of("deps");
    let (code, report) = json_in(scratch.path(), &["--no-deps"]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["dependencies_analysed"], 0);
    let lines: Vec<u64> = findings(&report).iter().map(|f| f.0).collect();
    // Only the direct findings: the sleep, and the read inside the closure that only
    // the dependency's source shows is offloaded.
    assert_eq!(lines, [37, 46]);
    assert!(
        !scratch.path().join("target").exists(),
        "no cache without dependencies"
    );
}

#[test]
fn the_summary_line_counts_the_dependencies() {
    let scratch = Scratch::copy_of("deps");
    let summary = |run: common::Run| run.stdout.lines().last().unwrap_or_default().to_string();
    let cold = summary(run_in(scratch.path(), &["--color", "never"]));
    assert_eq!(
        cold,
        "blockwatch: 8 findings in 1 file scanned (fs: 7, sleep: 1), 8 dependencies analysed (0 from cache)"
    );
    let warm = summary(run_in(scratch.path(), &["--color", "never"]));
    assert_eq!(
        warm,
        "blockwatch: 8 findings in 1 file scanned (fs: 7, sleep: 1), 8 dependencies analysed (8 from cache)"
    );
}

/// Summaries are cached under target/blockwatch/deps/: a warm scan reports exactly what
/// the cold one did; a changed path dependency, a corrupt, truncated or foreign file is
/// not trusted and is rewritten.
#[test]
fn the_cache_gives_the_same_findings_and_distrusts_what_changed() {
    let scratch = Scratch::copy_of("deps");
    let (_, cold) = json_in(scratch.path(), &[]);
    let (_, warm) = json_in(scratch.path(), &[]);
    assert_eq!(cold["findings"], warm["findings"]);
    assert_eq!(cold["summary"]["dependencies_from_cache"], 0);
    assert_eq!(warm["summary"]["dependencies_from_cache"], 8);

    let dir = scratch.path().join("target/blockwatch/deps");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        8,
        "one file per dependency, no temporary file left"
    );
    let text = fs::read_to_string(&files[0]).unwrap();
    fs::write(&files[0], &text[..text.len() / 2]).unwrap();
    fs::write(
        &files[1],
        "{\"format\": \"something-else\", \"version\": 1}",
    )
    .unwrap();
    fs::write(&files[2], b"\xff\xfe not json").unwrap();
    // A path dependency's source changed: its mtime is in the key.
    let raw = scratch.path().join("crates/store/src/raw.rs");
    let source = fs::read_to_string(&raw).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(&raw, source.replace("settings.toml", "other.toml")).unwrap();
    let (_, after) = json_in(scratch.path(), &[]);
    assert_eq!(after["summary"]["dependencies_from_cache"], 4);
    assert_eq!(after["findings"], cold["findings"]);
    let (_, again) = json_in(scratch.path(), &[]);
    assert_eq!(again["summary"]["dependencies_from_cache"], 8, "rewritten");
}

#[test]
fn sarif_related_locations_name_the_crate() {
    let scratch = Scratch::copy_of("deps");
    let run = run_in(scratch.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"];
    assert_eq!(
        related[0]["message"]["text"],
        "calls `raw::read_raw` (in store 0.3.1)"
    );
    assert_eq!(
        related[1]["physicalLocation"]["artifactLocation"]["uri"],
        "crates/store/src/raw.rs"
    );
}

/// The fixture's `store` has a build script that writes a file: cargo metadata lists
/// packages without building them, and the scanner reads sources as text.
#[test]
fn scanning_never_runs_a_build_script() {
    let scratch = Scratch::copy_of("deps");
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["dependencies_analysed"], 8);
    assert!(scratch.path().join("crates/store/build.rs").is_file());
    assert!(!scratch
        .path()
        .join("crates/store/build-script-ran")
        .exists());
    assert!(
        !scratch.path().join("target/debug").exists(),
        "nothing was built"
    );
}

/// What the user does before scanning a fresh tree: the scan itself never writes it.
fn generate_lockfile(dir: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["generate-lockfile", "--offline"])
        .current_dir(dir)
        .status()
        .expect("cargo runs");
    assert!(status.success());
}

fn write(root: &Path, rel: &str, text: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A workspace whose `app` depends on `broken` (a file that does not parse, one that is
/// not UTF-8, one over the size limit, and `slow()`, which reads a file) and on `gone`
/// (whose library file is missing), with `main` as app's main.rs.
/// A workspace of one package, `app`, with `main` as its main.rs and `dependencies` as
/// its `[dependencies]` table.
fn app_workspace(root: &Path, dependencies: &str, main: &[u8]) {
    write(
        root,
        "Cargo.toml",
        b"[workspace]\nmembers = [\"app\"]\nresolver = \"2\"\n",
    );
    write(
        root,
        "app/Cargo.toml",
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n{dependencies}"
        )
        .as_bytes(),
    );
    write(root, "app/src/main.rs", main);
}

fn broken_workspace(root: &Path, main: &[u8]) {
    app_workspace(
        root,
        "broken = { path = \"../broken\" }\ngone = { path = \"../gone\" }\n",
        main,
    );
    write(
        root,
        "broken/Cargo.toml",
        b"[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "broken/src/lib.rs",
        b"mod bad;\nmod latin1;\nmod generated;\npub fn fine() {}\n\
          pub fn slow() {\n    std::fs::read(\"a\").unwrap();\n}\n",
    );
    write(root, "broken/src/bad.rs", b"pub fn f( {\n");
    write(root, "broken/src/latin1.rs", b"// caf\xe9\npub fn g() {}\n");
    let mut huge = Vec::with_capacity(17 << 20);
    while huge.len() < (17 << 20) {
        huge.extend_from_slice(b"pub const C: u32 = 0;\n");
    }
    write(root, "broken/src/generated.rs", &huge);
    write(
        root,
        "gone/Cargo.toml",
        b"[package]\nname = \"gone\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
          [lib]\npath = \"src/nowhere.rs\"\n",
    );
    generate_lockfile(root);
}

/// `(path, message)` of every note.
fn notes(report: &Value) -> Vec<(String, String)> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["path"].as_str().unwrap().to_string(),
                n["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// What `broken_workspace` notes on a scan that parses its dependencies.
fn broken_workspace_notes() -> Vec<(String, String)> {
    [
        ("broken/src/bad.rs", "syntax error: cannot parse string into token stream"),
        ("broken/src/generated.rs", "17.0 MiB, larger than the 16 MiB limit for one file: not analysed"),
        ("broken/src/latin1.rs", "not valid UTF-8 (invalid byte at offset 6)"),
        ("gone", "dependency gone 0.1.0: its source is missing (run `cargo fetch`); calls into it are not analysed"),
    ]
    .iter()
    .map(|(p, m)| (p.to_string(), m.to_string()))
    .collect()
}

/// A dependency that fails to parse, one whose source is missing, a non-UTF-8 file and
/// a huge generated file: a note each, the rest is analysed, and the exit code is the
/// workspace's own (clean: 0).
#[test]
fn broken_dependencies_are_notes_and_the_scan_goes_on() {
    let s = Scratch::new("deps-bad");
    let root = s.path();
    broken_workspace(root, b"async fn run() { broken::fine(); }\nfn main() {}\n");
    let (code, report) = json_in(root, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(report["summary"]["dependencies_analysed"], 2);
    assert_eq!(notes(&report), broken_workspace_notes());
}

/// Past the dependency's broken files, its good code is analysed: a call into it that
/// blocks is a finding with the chain into the crate (exit 1). The exit code follows the
/// workspace's own input only: a non-UTF-8 file of the workspace is an input error (exit
/// 2 once nothing is found), the dependency's problems stay notes in every run.
#[test]
fn dependency_notes_never_change_the_exit_code() {
    let s = Scratch::new("deps-bad-exit");
    let root = s.path();
    broken_workspace(
        root,
        b"mod latin1;\nasync fn run() {\n    broken::slow();\n}\nfn main() {}\n",
    );
    write(root, "app/src/latin1.rs", b"// \xff\n");
    let own_error = serde_json::json!([{
        "path": "app/src/latin1.rs", "line": 1, "column": 4,
        "message": "not valid UTF-8 (invalid byte at offset 3)"
    }]);
    let (code, report) = json_in(root, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        [(
            3,
            "broken::slow".to_string(),
            "`broken::slow()` blocks the executor thread in async fn `run`: calls \
             `std::fs::read` at broken/src/lib.rs:6 (in broken 0.1.0)"
                .to_string()
        )]
    );
    assert_eq!(report["errors"], own_error);
    assert_eq!(notes(&report), broken_workspace_notes());

    write(
        root,
        "app/src/main.rs",
        b"mod latin1;\nasync fn run() {\n    broken::fine();\n}\nfn main() {}\n",
    );
    // From the summary cache, then from the reached set that scan wrote: the same notes
    // as the scan that parsed the dependencies, the unreached one's missing source too.
    for run in ["summary cache", "reached set"] {
        let (code, report) = json_in(root, &[]);
        assert_eq!(code, 2, "{run}: {report}");
        assert_eq!(report["errors"], own_error);
        assert_eq!(report["findings"], serde_json::json!([]));
        assert_eq!(
            report["summary"]["dependencies_from_cache"], 1,
            "{run}: {report}"
        );
        assert_eq!(notes(&report), broken_workspace_notes(), "{run}");
    }
}

/// An edition-2015 dependency writes trait objects without `dyn`, which rustc accepts
/// and syn does not (signal-hook-registry does, under tokio's `signal`): the items syn
/// cannot read are one note, and the blocking fn after them in the same file is still
/// found through the chain.
#[test]
fn a_dependency_item_syn_cannot_read_costs_that_item_not_the_file() {
    let s = Scratch::new("deps-old-syntax");
    let root = s.path();
    app_workspace(
        root,
        "oldstyle = { path = \"../oldstyle\" }\n",
        b"async fn run() {\n    oldstyle::register(1);\n}\nfn main() {}\n",
    );
    write(
        root,
        "oldstyle/Cargo.toml",
        b"[package]\nname = \"oldstyle\"\nversion = \"1.4.8\"\nedition = \"2015\"\n",
    );
    write(
        root,
        "oldstyle/src/lib.rs",
        b"#![allow(bare_trait_objects)]\n\
          type Action = Fn(&u8) + Send + Sync;\n\
          pub fn boxed(f: Box<Fn(&u8) + Send>) {}\n\
          pub fn register(n: u8) {\n    save(n);\n}\n\
          fn save(n: u8) {\n    std::fs::write(\"actions\", [n]).unwrap();\n}\n",
    );
    generate_lockfile(root);
    let (code, report) = json_in(root, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        [(
            2,
            "oldstyle::register".to_string(),
            "`oldstyle::register(..)` blocks the executor thread in async fn `run`: calls \
             `save` at oldstyle/src/lib.rs:5 (in oldstyle 1.4.8): calls `std::fs::write` at \
             oldstyle/src/lib.rs:8 (in oldstyle 1.4.8)"
                .to_string()
        )]
    );
    assert_eq!(
        report["notes"],
        serde_json::json!([{
            "path": "oldstyle/src/lib.rs", "line": 2, "column": 17,
            "message": "syntax error: expected `;` (this item and 1 more left out; the rest \
                        of the file is analysed)"
        }])
    );
}

/// A path dependency's directory that disappears after a scan: cargo cannot resolve the
/// graph any more, which is a note naming the problem; the workspace's own code is still
/// scanned and decides the exit code.
#[test]
fn a_dependency_directory_that_is_gone_is_a_note() {
    let s = Scratch::new("deps-dir-gone");
    let root = s.path();
    write(
        root,
        "Cargo.toml",
        b"[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
          [dependencies]\nlib-a = { path = \"lib-a\" }\n\n[workspace]\n",
    );
    write(
        root,
        "src/main.rs",
        b"async fn run() {\n    lib_a::load();\n    std::thread::sleep(std::time::Duration::ZERO);\n}\nfn main() {}\n",
    );
    write(
        root,
        "lib-a/Cargo.toml",
        b"[package]\nname = \"lib-a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "lib-a/src/lib.rs",
        b"pub fn load() {\n    std::fs::read(\"a\").unwrap();\n}\n",
    );
    generate_lockfile(root);
    let lines = |report: &Value| -> Vec<u64> { findings(report).iter().map(|f| f.0).collect() };
    let (code, report) = json_in(root, &[]);
    assert_eq!((code, lines(&report)), (1, vec![2, 3]), "{report}");
    fs::remove_dir_all(root.join("lib-a")).unwrap();
    let (code, report) = json_in(root, &[]);
    assert_eq!((code, lines(&report)), (1, vec![3]), "{report}");
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(report["summary"]["dependencies_analysed"], 0);
    assert_eq!(
        notes(&report),
        [(
            ".".to_string(),
            format!(
                "dependencies not analysed: `cargo metadata --offline --locked --filter-platform \
                 {}` failed: failed to load manifest for dependency `lib-a`; if the sources are \
                 not downloaded yet, run `cargo fetch` (or pass --no-deps)",
                blockwatch_lint::deps::scanned_platform()
            )
        )]
    );
}

/// Dependencies whose source is missing are one note, not one each: with a single one it
/// names that dependency at its directory; with many (a tree whose sources were never
/// unpacked) it names the first five and counts the rest, at the scanned root. Both
/// cold and from the cache.
#[test]
fn missing_sources_are_said_once() {
    let s = Scratch::new("deps-missing-many");
    let root = s.path();
    let names: Vec<String> = (1..=7).map(|i| format!("gone-{i}")).collect();
    let dependencies: String = names
        .iter()
        .map(|n| format!("{n} = {{ path = \"../{n}\" }}\n"))
        .collect();
    app_workspace(root, &dependencies, b"async fn run() {}\nfn main() {}\n");
    for n in &names {
        write(
            root,
            &format!("{n}/Cargo.toml"),
            format!(
                "[package]\nname = \"{n}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [lib]\npath = \"src/nowhere.rs\"\n"
            )
            .as_bytes(),
        );
    }
    generate_lockfile(root);
    let expected = vec![(
        ".".to_string(),
        "7 dependencies have no source on disk (gone-1 0.1.0, gone-2 0.1.0, gone-3 0.1.0, \
         gone-4 0.1.0, gone-5 0.1.0, 2 more): run `cargo fetch`; calls into them are not \
         analysed"
            .to_string(),
    )];
    for run in ["cold", "warm"] {
        let (code, report) = json_in(root, &[]);
        assert_eq!(code, 0, "{run}: {report}");
        assert_eq!(notes(&report), expected, "{run}");
    }
}

/// A dependency cargo builds only for another platform is not in the graph of this one:
/// a call into it is no finding (the code that calls it does not build here either),
/// and, because cargo downloads only this platform's packages, an offline scan of a
/// fresh checkout does not fail on the other platforms' sources it never downloaded.
#[test]
fn a_dependency_for_another_platform_is_not_analysed() {
    let s = Scratch::new("deps-other-platform");
    let root = s.path();
    let (this_os, other_os) = if cfg!(windows) {
        ("windows", "unix")
    } else {
        ("unix", "windows")
    };
    write(
        root,
        "Cargo.toml",
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [target.'cfg({this_os})'.dependencies]\nhere = {{ path = \"here\" }}\n\n\
             [target.'cfg({other_os})'.dependencies]\nelsewhere = {{ path = \"elsewhere\" }}\n\n\
             [workspace]\n"
        )
        .as_bytes(),
    );
    write(
        root,
        "src/main.rs",
        b"async fn run() {\n    here::load();\n    elsewhere::load();\n}\nfn main() {}\n",
    );
    for name in ["here", "elsewhere"] {
        write(
            root,
            &format!("{name}/Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
                .as_bytes(),
        );
        write(
            root,
            &format!("{name}/src/lib.rs"),
            b"pub fn load() {\n    std::fs::read(\"a\").unwrap();\n}\n",
        );
    }
    generate_lockfile(root);
    let (code, report) = json_in(root, &[]);
    assert_eq!(code, 1, "{report}");
    let resolved: Vec<(u64, String)> = findings(&report)
        .into_iter()
        .map(|(line, resolved, _)| (line, resolved))
        .collect();
    assert_eq!(resolved, [(2, "here::load".to_string())], "{report}");
    assert_eq!(report["summary"]["dependencies_analysed"], 1, "{report}");
    assert_eq!(report["notes"], serde_json::json!([]), "{report}");
}

/// The version of `name` in this repository's Cargo.lock: the crate is in the local
/// registry once the workspace is built.
fn locked_version(name: &str) -> String {
    let lock = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .expect("Cargo.lock");
    let doc: toml::Table = lock.parse().expect("Cargo.lock is TOML");
    doc["package"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some(name))
        .and_then(|p| p["version"].as_str())
        .expect("in Cargo.lock")
        .to_string()
}

/// A one-package workspace in `root` whose `src/main.rs` is `main`, depending on `name`
/// of the local registry at exactly `version`.
fn registry_crate_workspace(root: &Path, name: &str, version: &str, main: &[u8]) {
    write(
        root,
        "Cargo.toml",
        format!(
            "[package]\nname = \"uses-{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n{name} = \"={version}\"\n\n[workspace]\n"
        )
        .as_bytes(),
    );
    write(root, "src/main.rs", main);
}

/// A finding's chain as `(callee, "file:line (crate version)")`, files of the registry
/// package `package` (`glob-0.3.3`) shown from inside it.
fn chain_in_package(finding: &Value, package: &str) -> Vec<(String, String)> {
    finding["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let file = l["file"].as_str().unwrap();
            let in_crate = file
                .rsplit_once(&format!("{package}/"))
                .map_or(file, |(_, rel)| rel);
            (
                l["callee"].as_str().unwrap().to_string(),
                format!(
                    "{in_crate}:{} ({})",
                    l["line"],
                    l["crate"].as_str().unwrap()
                ),
            )
        })
        .collect()
}

/// `glob::glob` stats the pattern's root directory before it returns its iterator.
#[test]
fn a_registry_crates_sync_api_that_reads_the_file_system_is_found_by_its_chain() {
    let version = locked_version("glob");
    let s = Scratch::new("deps-registry");
    registry_crate_workspace(
        s.path(),
        "glob",
        &version,
        b"async fn sources() -> usize {\n    glob::glob(\"src/*.rs\").map(|g| g.count()).unwrap_or(0)\n}\nfn main() {}\n",
    );
    // The scan never writes Cargo.lock: the user (here the test) makes it.
    let (code, report) = json_in(s.path(), &[]);
    assert_eq!(code, 0);
    assert!(
        report["notes"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("run `cargo generate-lockfile` (or pass --no-deps)"),
        "{report}"
    );
    assert!(!s.path().join("Cargo.lock").exists());
    generate_lockfile(s.path());
    let (code, report) = json_in(s.path(), &[]);
    assert_eq!(code, 1, "{report}");
    let f = &report["findings"][0];
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(
        (f["line"].as_u64(), f["resolved"].as_str()),
        (Some(2), Some("glob::glob"))
    );
    let chain = chain_in_package(f, &format!("glob-{version}"));
    let krate = format!("glob {version}");
    assert_eq!(
        chain,
        [
            ("glob_with".to_string(), format!("src/lib.rs:162 ({krate})")),
            (
                "PathWrapper::from_path".to_string(),
                format!("src/lib.rs:244 ({krate})")
            ),
            (
                "std::fs::metadata".to_string(),
                format!("src/lib.rs:359 ({krate})")
            ),
        ]
    );
}

/// A method called on the value of a chain of calls into a dependency
/// (`Walk::new(d).max_depth(1).into_iter()`, or the hidden `into_iter` and `next` of a
/// `for` loop) reaches the method of the type the chain's last step returns, by the
/// signatures of the dependency's methods; an iterator of the same crate whose `next`
/// does not block is not it. The same from the summary cache.
#[test]
fn a_method_on_the_value_a_dependency_method_returned_reaches_that_types_method() {
    let scratch = Scratch::copy_of("deps-returned");
    let next = |line: u64, call: &str, context: &str| {
        (
            line,
            "walker::iter::Iter::next".to_string(),
            format!(
                "`{call}` blocks the executor thread in async fn `{context}`: calls \
                 `std::fs::read_dir` at crates/walker/src/iter.rs:14 (in walker 0.3.0)"
            ),
        )
    };
    let expected = vec![
        next(5, "for .. in ..", "for_loop_over_a_builder"),
        next(13, ".next()", "next_after_a_builder_chain"),
        next(17, ".count()", "consumed_in_one_chain"),
    ];
    for run in ["cold", "warm"] {
        let (code, report) = json_in(scratch.path(), &[]);
        assert_eq!(code, 1, "{run}: {report}");
        assert_eq!(findings(&report), expected, "{run}");
        let from_cache = u64::from(run == "warm");
        assert_eq!(
            report["summary"]["dependencies_from_cache"], from_cache,
            "{run}"
        );
    }
}

/// walkdir's `WalkDir` does no I/O until its iterator's `next` reads the root's
/// metadata: a `for` loop over it, and `next` after a builder chain, are found through
/// the return types of `into_iter` and `min_depth`, with the exact chain in the crate.
#[test]
fn a_registry_crates_iterator_that_reads_directories_is_found_through_its_builder() {
    let version = locked_version("walkdir");
    let s = Scratch::new("deps-registry-walkdir");
    registry_crate_workspace(
        s.path(),
        "walkdir",
        &version,
        b"async fn sources(dir: &str) -> usize {\n    let mut n = 0;\n    \
          for entry in walkdir::WalkDir::new(dir) {\n        n += entry.is_ok() as usize;\n    }\n    n\n}\n\
          async fn first(dir: &str) -> bool {\n    \
          walkdir::WalkDir::new(dir).min_depth(1).into_iter().next().is_some()\n}\nfn main() {}\n",
    );
    generate_lockfile(s.path());
    let (code, report) = json_in(s.path(), &[]);
    assert_eq!(code, 1, "{report}");
    let lines: Vec<(u64, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["resolved"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [
            (3, "walkdir::IntoIter::next"),
            (9, "walkdir::IntoIter::next")
        ]
    );
    let krate = format!("walkdir {version}");
    for f in report["findings"].as_array().unwrap() {
        let chain = chain_in_package(f, &format!("walkdir-{version}"));
        assert_eq!(
            chain,
            [
                (
                    "dent::DirEntry::from_path".to_string(),
                    format!("src/lib.rs:694 ({krate})")
                ),
                (
                    "std::fs::metadata".to_string(),
                    format!("src/dent.rs:260 ({krate})")
                ),
            ]
        );
    }
}

/// A method called on a dependency's type (typed by a parameter, a `let` annotation or
/// its constructor) reaches that type's method in the dependency, inherent or of a
/// trait impl, with the chain into the crate. A workspace type's method of the same name
/// and an async method of the same name on another dependency type are not it.
#[test]
fn methods_on_dependency_types_reach_the_dependencys_code() {
    let scratch = Scratch::copy_of("deps-methods");
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["dependencies_analysed"], 1);
    let fetch_sync = |line: u64, context: &str| {
        (
            line,
            "netclient::client::Client::fetch_sync".to_string(),
            format!(
                "`.fetch_sync()` blocks the executor thread in async fn `{context}`: \
                 calls `std::fs::read` at crates/netclient/src/client.rs:9 (in netclient 0.2.0)"
            ),
        )
    };
    let expected = vec![
        fetch_sync(4, "by_parameter"),
        fetch_sync(9, "by_annotation"),
        fetch_sync(14, "by_constructor"),
        (
            18,
            "netclient::Client::fetch_all".to_string(),
            "`.fetch_all()` blocks the executor thread in async fn \
             `through_a_trait_impl`: calls `std::fs::read` at crates/netclient/src/lib.rs:11 \
             (in netclient 0.2.0)"
                .to_string(),
        ),
        (
            22,
            "netclient::client::Client::fetch_config".to_string(),
            "`.fetch_config()` blocks the executor thread in async fn \
             `awaits_an_async_method_that_blocks`: calls `std::fs::read_to_string` at \
             crates/netclient/src/client.rs:13 (in netclient 0.2.0)"
                .to_string(),
        ),
    ];
    assert_eq!(findings(&report), expected);
    let chain = &report["findings"][0]["chain"];
    assert_eq!(chain[0]["crate"], "netclient 0.2.0");
    assert_eq!(chain[0]["file"], "crates/netclient/src/client.rs");
}

/// Two dependency types of one name, as reqwest has: the crate root re-exports the async
/// `ClientBuilder`, whose `build` does not block; `blocking::ClientBuilder::build`
/// sleeps. A method call on a receiver typed by a path reaches the method of the type
/// that path names, through the crate's re-exports; only where the path reaches no
/// method (an impl written in another module) is the type matched by its name. The
/// dependency's cached essentials keep the quiet `build` as a stub for this.
#[test]
fn a_dependency_type_is_the_one_its_path_names_not_any_of_that_name() {
    let scratch = Scratch::copy_of("deps-same-name");
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["dependencies_analysed"], 1);
    let expected = vec![
        (
            8,
            "reqwest_like::blocking::ClientBuilder::build".to_string(),
            "`.build()` blocks the executor thread in async fn `blocking_builder`: calls \
             `std::thread::sleep` at crates/reqwest-like/src/lib.rs:10 (in reqwest-like 0.1.0)"
                .to_string(),
        ),
        (
            12,
            "reqwest_like::pool::drain::Pool::drain".to_string(),
            "`.drain()` blocks the executor thread in async fn `impl_in_another_module`: \
             calls `std::fs::read` at crates/reqwest-like/src/pool.rs:8 (in reqwest-like 0.1.0)"
                .to_string(),
        ),
    ];
    assert_eq!(findings(&report), expected);
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["app/src/main.rs", "app/src/main.rs"]);
    let chain: Vec<(String, String, u64)> = report["findings"][0]["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["callee"].as_str().unwrap().to_string(),
                l["file"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [(
            "std::thread::sleep".to_string(),
            "crates/reqwest-like/src/lib.rs".to_string(),
            10
        )]
    );
    // From the cache, which keeps the quiet `build` as a stub: the same findings.
    let (_, warm) = json_in(scratch.path(), &[]);
    assert_eq!(warm["summary"]["dependencies_from_cache"], 1);
    assert_eq!(warm["findings"], report["findings"]);
}

/// reqwest 0.11's shape: `mod async_impl;` and the root's re-export of its
/// `ClientBuilder` are written inside a forwarding `if_hyper! { .. }` invocation. The
/// scanner reads the invocation as its items, so the root's `ClientBuilder` is the quiet
/// async one (both through a typed receiver and a path call), and only
/// `blocking::ClientBuilder::build` blocks, cold and from the cache.
#[test]
fn items_inside_a_forwarding_macro_are_the_crates_items() {
    let scratch = Scratch::copy_of("deps-macro-items");
    let (code, cold) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{cold}");
    let expected = vec![(
        8,
        "reqwest_like::blocking::ClientBuilder::build".to_string(),
        "`.build()` blocks the executor thread in async fn `blocking_builder`: calls \
         `std::thread::sleep` at crates/reqwest-like/src/blocking.rs:13 (in reqwest-like 0.1.0)"
            .to_string(),
    )];
    assert_eq!(findings(&cold), expected);
    let (_, warm) = json_in(scratch.path(), &[]);
    assert_eq!(warm["summary"]["dependencies_from_cache"], 1);
    assert_eq!(warm["findings"], cold["findings"]);
}

/// redb's shape: `Database::drop` waits on a condvar. `drop(tab)` of a table opened from
/// a transaction begun on the database is a different type, made by dependency methods
/// whose return types the workspace does not see: no finding, from a `let` or an
/// `if let`. Dropping the database
/// itself is one, explicitly and (past the `?` before it) at the end of its scope.
#[test]
fn dropping_a_value_a_dependency_method_made_is_not_its_receivers_drop() {
    let scratch = Scratch::copy_of("deps-drop");
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{report}");
    let found: Vec<(u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["call"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (21, "drop(db) at the end of its scope".to_string()),
            (23, "drop(..)".to_string())
        ]
    );
    assert_eq!(
        report["findings"][1]["chain"][0]["callee"],
        "std::sync::Condvar::wait"
    );
}

/// `runner::run(f)` hands `f` to `pool::detach`, which hands it to `std::thread::spawn`:
/// both are inferred offloaders, so the closure given to `runner::run` is not async
/// context, cold or from the cache. `runner::inline` runs its closure in place.
#[test]
fn an_offloader_wrapping_another_dependencys_offloader_is_one() {
    let scratch = Scratch::copy_of("deps-offload");
    let lines = |report: &Value| -> Vec<u64> { findings(report).iter().map(|f| f.0).collect() };
    let (code, cold) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{cold}");
    assert_eq!(cold["summary"]["dependencies_analysed"], 2);
    assert_eq!(lines(&cold), [9]);
    let (_, warm) = json_in(scratch.path(), &[]);
    // What runner learnt from pool is in runner's summaries: pool is not read again.
    assert_eq!(warm["summary"]["dependencies_from_cache"], 1);
    assert_eq!(warm["summary"]["dependencies_not_reached"], 1);
    assert_eq!(warm["findings"], cold["findings"]);
    let (_, without) = json_in(scratch.path(), &["--no-deps"]);
    assert_eq!(lines(&without), [3, 9]);

    // runner's summaries hold what it learnt from pool: a changed pool invalidates both.
    let pool = scratch.path().join("crates/pool/src/lib.rs");
    let source = fs::read_to_string(&pool).unwrap();
    fs::write(&pool, source.replace("std::thread::spawn(job);", "job();")).unwrap();
    let (_, changed) = json_in(scratch.path(), &[]);
    assert_eq!(changed["summary"]["dependencies_from_cache"], 0);
    assert_eq!(lines(&changed), [3, 9]);
}

/// conn's async `Connection::open` hands `move || std::fs::read(path)` to its own private
/// `start`, which calls it inside `std::thread::spawn` (tokio-rusqlite's shape): awaiting
/// `open` blocks nothing, cold or from the cache; `open_here` reads the file in its body.
#[test]
fn a_dependencys_async_fn_that_offloads_through_its_own_helper_is_not_blocking() {
    let scratch = Scratch::copy_of("deps-own-offloader");
    let expected = [(
        3,
        "conn::Connection::open_here".to_string(),
        "std::fs::read at crates/conn/src/lib.rs:11 (conn 0.2.0)".to_string(),
    )];
    let found = |report: &Value| -> Vec<(u64, String, String)> {
        findings(report)
            .into_iter()
            .map(|(line, call, _)| (line, call, chain_end(report, line)))
            .collect()
    };
    let (code, cold) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{cold}");
    assert_eq!(cold["summary"]["dependencies_from_cache"], 0);
    assert_eq!(found(&cold), expected, "{cold}");
    let (_, warm) = json_in(scratch.path(), &[]);
    assert_eq!(warm["summary"]["dependencies_from_cache"], 1);
    assert_eq!(warm["findings"], cold["findings"]);
}

/// The last step of the chain of the finding at `line`: `callee at file:line (crate)`.
fn chain_end(report: &Value, line: u64) -> String {
    let finding = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["line"] == line)
        .unwrap_or_else(|| panic!("no finding at line {line}: {report}"));
    let step = finding["chain"]
        .as_array()
        .and_then(|chain| chain.last())
        .unwrap_or_else(|| panic!("no chain at line {line}: {report}"));
    format!(
        "{} at {}:{} ({})",
        step["callee"].as_str().unwrap_or_default(),
        step["file"].as_str().unwrap_or_default(),
        step["line"],
        step["crate"].as_str().unwrap_or_default()
    )
}

/// When every dependency the workspace reaches is cached, only those are read: app calls
/// runner, whose summaries already say that `run` offloads (learnt from pool), so pool's
/// cache file is not opened, and a corrupt one changes nothing. A corrupt file of a
/// reached dependency is not trusted: every dependency is parsed again and cached.
#[test]
fn a_dependency_the_workspace_does_not_reach_is_not_read() {
    let scratch = Scratch::copy_of("deps-offload");
    let root = scratch.path();
    let (_, cold) = json_in(root, &[]);
    let cache = |name: &str| {
        fs::read_dir(root.join("target/blockwatch/deps"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
            .unwrap()
    };
    fs::write(cache("pool-"), "{\"format\": \"blockwatch-dep").unwrap();
    let line = |run: common::Run| run.stdout.lines().last().unwrap_or_default().to_string();
    assert_eq!(
        line(run_in(root, &["--color", "never"])),
        "blockwatch: 1 finding in 1 file scanned (fs: 1), 2 dependencies analysed (1 from \
         cache, 1 not reached)"
    );
    let (_, warm) = json_in(root, &[]);
    assert_eq!(warm["findings"], cold["findings"]);

    // The reached set (written by the scans above) holds for this workspace: the
    // summary files are not opened at all. Without it, runner's corrupt file is read.
    fs::write(cache("runner-"), "not json").unwrap();
    let (_, from_reached_set) = json_in(root, &[]);
    assert_eq!(from_reached_set["summary"]["dependencies_from_cache"], 1);
    assert_eq!(from_reached_set["findings"], cold["findings"]);
    remove_reached_sets(root);
    let (_, again) = json_in(root, &[]);
    assert_eq!(again["summary"]["dependencies_from_cache"], 0);
    assert_eq!(again["summary"]["dependencies_not_reached"], 0);
    assert_eq!(again["findings"], cold["findings"]);
    let (_, rewritten) = json_in(root, &[]);
    assert_eq!(rewritten["summary"]["dependencies_from_cache"], 1);
    assert_eq!(rewritten["findings"], cold["findings"]);
    assert!(fs::read_to_string(cache("pool-")).unwrap().ends_with("]}"));
}

/// The reached-set files of the cache under `root` (`target/blockwatch/reached-*.json`).
fn reached_sets(root: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = fs::read_dir(root.join("target/blockwatch"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.retain(|p: &std::path::PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("reached-"))
    });
    found
}

fn remove_reached_sets(root: &Path) {
    for file in reached_sets(root) {
        fs::remove_file(file).unwrap();
    }
}

/// A scan with `cargo` replaced by a program that does not exist: it succeeds with the
/// dependencies only if it did not need `cargo metadata`.
fn json_without_cargo(dir: &Path) -> (i32, Value) {
    let root = common::config_root(dir);
    let root = root.to_str().expect("UTF-8 test paths");
    let mut command = common::command_in(dir, &["--config-root", root, "--format", "json"]);
    command.env("CARGO", dir.join("no-such-cargo"));
    let run = common::run_with_timeout(command);
    (run.code, run.json())
}

/// What `cargo metadata` said is cached with the manifests, lock file and cargo
/// configuration it came from: a warm scan does not run cargo; a changed lock file or
/// manifest, or a corrupt, truncated or foreign graph file, makes it run again.
#[test]
fn the_dependency_graph_is_cached_until_a_manifest_or_the_lock_file_changes() {
    let scratch = Scratch::copy_of("deps-offload");
    let root = scratch.path();
    let (_, cold) = json_in(root, &[]);
    assert_eq!(cold["summary"]["dependencies_analysed"], 2);
    let (code, warm) = json_without_cargo(root);
    assert_eq!(code, 1, "{warm}");
    assert_eq!(warm["summary"]["dependencies_analysed"], 2);
    assert_eq!(warm["findings"], cold["findings"]);
    let cargo_is_needed = |(code, report): (i32, Value)| {
        assert_eq!(code, 1, "{report}");
        assert_eq!(report["summary"]["dependencies_analysed"], 0);
        let note = report["notes"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            note.starts_with("dependencies not analysed: cannot run `cargo metadata`"),
            "{note}"
        );
    };

    let graph = root.join("target/blockwatch/dependency-graph.json");
    let text = fs::read_to_string(&graph).unwrap();
    for broken in [
        text[..text.len() / 2].to_string(),
        text.replace("blockwatch-dependency-graph", "another-format"),
        "\u{feff}not json".to_string(),
    ] {
        fs::write(&graph, broken).unwrap();
        cargo_is_needed(json_without_cargo(root));
    }
    json_in(root, &[]);
    assert_eq!(
        json_without_cargo(root).1["summary"]["dependencies_analysed"],
        2,
        "rewritten"
    );

    for changed in ["Cargo.lock", "crates/runner/Cargo.toml"] {
        let path = root.join(changed);
        let before = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{before}\n# edited\n")).unwrap();
        cargo_is_needed(json_without_cargo(root));
        json_in(root, &[]);
        assert_eq!(
            json_without_cargo(root).1["summary"]["dependencies_analysed"],
            2
        );
    }
    // A cargo configuration that appears is an input too.
    write(root, ".cargo/config.toml", b"[net]\noffline = true\n");
    cargo_is_needed(json_without_cargo(root));
}

/// A trait of a dependency called through a generic bound and a trait object: the only
/// impls are the dependency's, and both block two calls down, so the workspace's call is
/// a finding with the chain into the crate; cold and from the cache alike. The other
/// trait's impls are one that blocks and one that does not: no finding.
#[test]
fn a_dependency_trait_called_through_a_generic_reaches_its_impls() {
    let scratch = Scratch::copy_of("deps-traits");
    let (code, cold) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "{cold}");
    let through = |line: u64, context: &str| {
        (
            line,
            "storekit::disk::DiskStore::load".to_string(),
            format!(
                "`.load()` blocks the executor thread in async fn `{context}`: calls \
                 `disk::read_blob` at crates/storekit/src/disk.rs:8 (in storekit 0.4.0): calls \
                 `std::fs::read` at crates/storekit/src/disk.rs:31 (in storekit 0.4.0)"
            ),
        )
    };
    assert_eq!(
        findings(&cold),
        [
            through(4, "through_a_generic"),
            through(8, "through_a_trait_object")
        ]
    );
    assert_eq!(cold["findings"][0]["certainty"], "transitive");
    let (_, warm) = json_in(scratch.path(), &[]);
    assert_eq!(warm["summary"]["dependencies_from_cache"], 1);
    assert_eq!(warm["findings"], cold["findings"]);
}

/// The reached set: after a scan, one file holds only the dependency items the
/// workspace's code can reach, and a later scan whose words it covers reads it instead of
/// the summaries, with the same report. A workspace that calls something new (a word
/// the set does not hold) is scanned from the summaries and the set written again; a
/// corrupt, truncated or foreign set file is ignored and rewritten.
#[test]
fn the_reached_set_gives_the_same_report_and_falls_back_when_it_does_not_cover() {
    let scratch = Scratch::copy_of("deps");
    let root = scratch.path();
    let (_, cold) = json_in(root, &[]);
    let sets = reached_sets(root);
    assert_eq!(sets.len(), 1, "one reached set per scanned root");
    let set = &sets[0];
    let written = fs::read_to_string(set).unwrap();
    let summaries: u64 = fs::read_dir(root.join("target/blockwatch/deps"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(
        (written.len() as u64) < summaries,
        "{} bytes against {summaries}",
        written.len()
    );
    // A warm scan from the summaries (no set), then one from the set: the same report.
    remove_reached_sets(root);
    let (_, from_summaries) = json_in(root, &[]);
    assert_eq!(fs::read_to_string(set).unwrap(), written);
    // The summaries are not needed while the set holds.
    for entry in fs::read_dir(root.join("target/blockwatch/deps")).unwrap() {
        fs::write(entry.unwrap().path(), "not json").unwrap();
    }
    let (_, from_set) = json_in(root, &[]);
    assert_eq!(from_set, from_summaries);
    assert_eq!(from_set["findings"], cold["findings"]);
    assert_eq!(from_set["summary"]["dependencies_from_cache"], 8);

    // A call the set's words do not cover: the summaries are read (parsed again, as
    // they were spoiled above), the new finding is there, and the set is rewritten.
    let main = root.join("app/src/main.rs");
    let source = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        format!("{source}\nasync fn calls_more() {{\n    store::not_called().await;\n}}\n"),
    )
    .unwrap();
    let (_, uncovered) = json_in(root, &[]);
    let lines: Vec<u64> = findings(&uncovered).iter().map(|f| f.0).collect();
    assert_eq!(lines, [4, 8, 13, 17, 21, 29, 33, 37, 53]);
    assert_ne!(fs::read_to_string(set).unwrap(), written);
    assert_eq!(uncovered["summary"]["dependencies_from_cache"], 0);
    let (_, covered) = json_in(root, &[]);
    assert_eq!(covered["findings"], uncovered["findings"]);
    assert_eq!(covered["summary"]["dependencies_from_cache"], 8);

    // Spoilt set files are ignored, never trusted, and rewritten.
    let good = fs::read_to_string(set).unwrap();
    let spoilt = [
        good[..good.len() / 2].to_string(),
        "{\"format\": \"blockwatch-reached-dependencies\", \"version\": 999}".to_string(),
        "{\"format\": \"something-else\"}".to_string(),
        good.replace("\"words\":[", "\"words\":[\"zz\","),
    ];
    for text in spoilt {
        fs::write(set, &text).unwrap();
        let (_, again) = json_in(root, &[]);
        assert_eq!(again, covered, "{text}");
        assert_eq!(fs::read_to_string(set).unwrap(), good, "rewritten");
    }
}
