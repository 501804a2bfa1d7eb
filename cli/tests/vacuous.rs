//! A scan with nothing to scan exits 2 and says why; a directory without a Cargo.toml
//! scans the packages and workspaces nested in it.

mod common;

use common::{run_in, write, Scratch};
use serde_json::Value;

#[test]
fn an_empty_directory_is_an_error() {
    let dir = Scratch::new("empty");
    let out = run_in(dir.path(), &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no Rust file to scan in .: the directory is empty\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_directory_of_other_files_is_an_error() {
    let dir = Scratch::new("other_files");
    write(dir.path(), "README.md", "# not Rust\n");
    write(dir.path(), "scripts/build.sh", "echo hi\n");
    let out = run_in(dir.path(), &["."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no Rust file to scan in .: no `.rs` file outside `target/` and git-ignored paths, and no Cargo.toml in it or below it\n"
    );
}

#[test]
fn excludes_that_leave_nothing_are_an_error() {
    let dir = Scratch::new("all_excluded");
    write(
        dir.path(),
        "src/lib.rs",
        "async fn f() { std::thread::sleep(d); }\n",
    );
    let out = run_in(dir.path(), &["--exclude", "src/**", "."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no Rust file to scan in .: no `.rs` file outside `target/`, git-ignored paths and the --exclude globs\n"
    );
}

#[test]
fn only_nested_packages_are_scanned_as_the_workspaces_they_are() {
    let dir = Scratch::new("nested");
    write(dir.path(), "README.md", "the workspace lives in rust/\n");
    write(
        dir.path(),
        "rust/Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n",
    );
    write(
        dir.path(),
        "rust/crates/core/Cargo.toml",
        "[package]\nname = \"core-lib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir.path(),
        "rust/crates/core/src/lib.rs",
        "pub fn load() -> String {\n    std::fs::read_to_string(\"a\").unwrap()\n}\n",
    );
    write(
        dir.path(),
        "rust/crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir.path(),
        "rust/crates/app/src/main.rs",
        "async fn run() {\n    core_lib::load();\n}\nfn main() {}\n",
    );
    write(
        dir.path(),
        "tools/gen/Cargo.toml",
        "[package]\nname = \"gen\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir.path(),
        "tools/gen/src/main.rs",
        "async fn go() {\n    std::thread::sleep(d);\n}\nfn main() {}\n",
    );
    let out = run_in(dir.path(), &["--format", "json", "."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["summary"]["files_scanned"], 3);
    let found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["certainty"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("rust/crates/app/src/main.rs", "transitive"),
            ("tools/gen/src/main.rs", "resolved"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}
