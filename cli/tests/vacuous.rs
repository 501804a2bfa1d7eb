//! A scan with nothing to scan exits 2 and says why; a directory without a Cargo.toml
//! scans the packages and workspaces nested in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-blockwatch");

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("vacuous-tests")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
    std::fs::write(path, text).expect("write a file");
}

fn blockwatch(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cargo-blockwatch")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_empty_directory_is_an_error() {
    let dir = scratch("empty");
    let out = blockwatch(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no Rust file to scan in .: the directory is empty\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_directory_of_other_files_is_an_error() {
    let dir = scratch("other_files");
    write(&dir, "README.md", "# not Rust\n");
    write(&dir, "scripts/build.sh", "echo hi\n");
    let out = blockwatch(&dir, &["."]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no Rust file to scan in .: no `.rs` file outside `target/` and git-ignored paths, and no Cargo.toml in it or below it\n"
    );
}

#[test]
fn excludes_that_leave_nothing_are_an_error() {
    let dir = scratch("all_excluded");
    write(
        &dir,
        "src/lib.rs",
        "async fn f() { std::thread::sleep(d); }\n",
    );
    let out = blockwatch(&dir, &["--exclude", "src/**", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no Rust file to scan in .: no `.rs` file outside `target/`, git-ignored paths and the --exclude globs\n"
    );
}

#[test]
fn only_nested_packages_are_scanned_as_the_workspaces_they_are() {
    let dir = scratch("nested");
    write(&dir, "README.md", "the workspace lives in rust/\n");
    write(
        &dir,
        "rust/Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n",
    );
    write(
        &dir,
        "rust/crates/core/Cargo.toml",
        "[package]\nname = \"core-lib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        &dir,
        "rust/crates/core/src/lib.rs",
        "pub fn load() -> String {\n    std::fs::read_to_string(\"a\").unwrap()\n}\n",
    );
    write(
        &dir,
        "rust/crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        &dir,
        "rust/crates/app/src/main.rs",
        "async fn run() {\n    core_lib::load();\n}\nfn main() {}\n",
    );
    write(
        &dir,
        "tools/gen/Cargo.toml",
        "[package]\nname = \"gen\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        &dir,
        "tools/gen/src/main.rs",
        "async fn go() {\n    std::thread::sleep(d);\n}\nfn main() {}\n",
    );
    let out = blockwatch(&dir, &["--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
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
