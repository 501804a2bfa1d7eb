//! `cargo blockwatch --fix` and `--diff` on fixture crates: what the fixed files read,
//! that they still build (`cargo check`, offline, with the tokio of the local registry),
//! and that a second scan finds nothing machine-fixable.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;

use common::{
    copy_dir, fixture, json_in, run_in, run_with_timeout, run_with_timeout_of, write, Scratch,
};

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// A scratch directory under `target/`, which this repository's git ignores (one test
/// depends on that).
fn scratch(test: &str) -> Scratch {
    Scratch::new_in(Path::new(env!("CARGO_TARGET_TMPDIR")), test)
}

/// A copy of fixture `name` in `<scratch>/<name>`, and that directory's path.
fn fixture_copy(name: &str, test: &str) -> (Scratch, PathBuf) {
    let scratch = scratch(test);
    let dir = scratch.path().join(name);
    copy_dir(&fixture(name), &dir);
    // Pin the dependencies to the versions this repository already resolved.
    std::fs::copy(Path::new(REPO).join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("copy Cargo.lock");
    (scratch, dir)
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).expect("read a fixed file")
}

/// `cargo check` of the package in `dir`, offline, in one target directory shared by
/// these tests (tokio is built once). Returns cargo's stderr.
fn cargo_check(dir: &Path, args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut check = Command::new(cargo);
    check
        .arg("check")
        .args(args)
        .args(["--offline", "--quiet", "--message-format=short"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-check-target"),
        )
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    // The first check builds tokio (and, for the examples, axum and blockwatch).
    let out = run_with_timeout_of(check, Duration::from_secs(1200));
    let stderr = out.stderr;
    assert!(
        out.code == 0,
        "cargo check failed in {}:\n{stderr}",
        dir.display()
    );
    stderr
}

/// The machine-applicable fixes a JSON scan of `dir` still finds.
fn machine_fixable(dir: &Path) -> Vec<String> {
    let (_, doc) = json_in(dir, &["."]);
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["fix"]["applicability"] == "MachineApplicable")
        .map(|f| format!("{}:{}", f["file"], f["line"]))
        .collect()
}

fn to_crlf(path: &Path) {
    let lf = read(path);
    std::fs::write(path, lf.replace('\n', "\r\n")).expect("write the CRLF file");
}

#[test]
fn fix_rewrites_the_fixture_crate_and_it_still_builds() {
    let (_scratch, dir) = fixture_copy("fixable", "fixture_crate");
    to_crlf(&dir.join("src/crlf.rs"));
    let before = cargo_check(&dir, &[]);
    assert_eq!(before, "", "the fixture builds cleanly before the fix");

    let out = run_in(&dir, &["--fix", "--allow-dirty", "."]);
    let fixes = "blockwatch: fixed src/crlf.rs:4:5: `std::fs::create_dir_all(..)` -> `tokio::fs::create_dir_all(\"scratch/a\").await`\n\
         blockwatch: fixed src/crlf.rs:5:5: `std::fs::remove_dir_all(..)` -> `tokio::fs::remove_dir_all(\"scratch\").await`\n\
         blockwatch: fixed src/main.rs:13:5: `thread::sleep(..)` -> `tokio::time::sleep(\n        Duration::from_millis(1), // a comment that stays\n    ).await`\n\
         blockwatch: fixed src/main.rs:17:5: `fs::write(..)` -> `tokio::fs::write(\"copy.txt\", fs::read_to_string(\"Cargo.toml\")?).await`\n\
         blockwatch: fixed src/main.rs:17:27: `fs::read_to_string(..)` -> `tokio::fs::read_to_string(\"Cargo.toml\").await`\n\
         blockwatch: fixed src/main.rs:23:10: `.output()` -> `tokio::process::Command::new(\"true\").arg(\"x\").output().await`\n\
         blockwatch: removed the unused `use` of `fs` in src/main.rs\n\
         blockwatch: removed the unused `use` of `Command` in src/main.rs\n\
         blockwatch: removed the unused `use` of `thread` in src/main.rs\n\
         blockwatch: 6 fixes applied in 2 files\n";
    assert!(out.stderr.starts_with(fixes), "{}", out.stderr);
    // Then the notes of the scan of what is left, on dependencies only (tokio's `signal`
    // brings in signal-hook-registry, whose edition-2015 items syn cannot read): each at
    // a file of the registry, outside the fixture.
    for line in out.stderr[fixes.len()..].lines() {
        assert!(
            line.starts_with("note: ") || line.starts_with("--> /"),
            "{}",
            out.stderr
        );
    }
    // What is left: the call inside `println!`, reported, not rewritten.
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("src/main.rs:16:20"), "{}", out.stdout);

    assert_eq!(
        read(dir.join("src/main.rs")),
        r#"//! Calls `cargo blockwatch --fix` rewrites, and one it must leave alone.

use std::time::Duration;

mod crlf;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    // A call over several lines.
    tokio::time::sleep(
        Duration::from_millis(1), // a comment that stays
    ).await;
    // Nested calls.
    tokio::fs::write("copy.txt", tokio::fs::read_to_string("Cargo.toml").await?).await?;
    // Inside a macro: reported, never rewritten.
    println!("{}", std::fs::read_to_string("copy.txt")?.len());
    // A process builder over several lines.
    let out = tokio::process::Command::new("true")
        .arg("x")
        .output().await?;
    assert!(out.status.success());
    crlf::tidy().await?;
    Ok(())
}
"#
    );
    assert_eq!(
        read(dir.join("src/crlf.rs")),
        "//! The test writes this file with CRLF line endings before fixing it.\r\n\r\n\
         pub async fn tidy() -> std::io::Result<()> {\r\n    \
         tokio::fs::create_dir_all(\"scratch/a\").await?;\r\n    \
         tokio::fs::remove_dir_all(\"scratch\").await?;\r\n    Ok(())\r\n}\r\n"
    );
    let after = cargo_check(&dir, &[]);
    assert_eq!(after, "", "the fixed crate builds without a warning");
    assert_eq!(machine_fixable(&dir), Vec::<String>::new());
}

#[test]
fn fix_on_copies_of_the_examples_compiles() {
    let scratch = scratch("examples");
    let dir = scratch.path().join("examples-copy");
    copy_dir(&Path::new(REPO).join("examples"), &dir.join("examples"));
    write(&dir, "src/lib.rs", "//! Copies of blockwatch's examples.\n");
    let repo = std::fs::canonicalize(REPO).expect("the repository's path");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"examples-copy\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nblockwatch = {{ path = {:?}, features = [\"axum\"] }}\ntokio = {{ version = \"1\", features = [\"full\"] }}\n\
             axum = {{ version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\", \"matched-path\"] }}\n\
             tonic = {{ version = \"0.14\", default-features = false, features = [\"router\", \"transport\"] }}\n\
             hyper = \"1\"\nbytes = \"1\"\ntower-service = \"0.3\"\n\n[workspace]\n",
            repo.display().to_string()
        ),
    )
    .expect("write Cargo.toml");
    std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");

    // The copied Cargo.lock is not this package's: dependency analysis (which never
    // rewrites a lock file) is beside the point here.
    let out = run_in(&dir, &["--fix", "--allow-dirty", "--no-deps", "."]);
    assert_eq!(
        out.stderr,
        "blockwatch: fixed examples/factorial.rs:22:5: `std::thread::sleep(..)` -> `tokio::time::sleep(Duration::from_secs(1)).await`\n\
         blockwatch: fixed examples/spinner.rs:33:5: `std::thread::sleep(..)` -> `tokio::time::sleep(Duration::from_secs(3)).await`\n\
         blockwatch: 2 fixes applied in 2 files\n"
    );
    // What is left is the sync helpers of the axum, one-line and tonic demos (they sleep)
    // and of the helper-chain demo (it reads a file): chains, which only a person can
    // rewrite (they carry advice, no fix), so the gate still fails.
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(read(dir.join("examples/spinner.rs"))
        .contains("    tokio::time::sleep(Duration::from_secs(3)).await;\n    42\n"));
    cargo_check(&dir, &["--examples"]);
    assert_eq!(machine_fixable(&dir), Vec::<String>::new());
    assert_eq!(
        remaining(&dir),
        [
            "examples/axum_server.rs:29 render_invoice(..) none",
            "examples/helper_chain.rs:21 settings::greeting() none",
            "examples/tokio_main.rs:22 load_settings() none",
            "examples/tonic_server.rs:50 render_invoice(..) none"
        ]
    );
}

/// Every finding a scan of `dir` still reports: place, call and how its fix applies.
fn remaining(dir: &Path) -> Vec<String> {
    let (_, doc) = json_in(dir, &["."]);
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"].as_str().unwrap_or("?"),
                f["line"],
                f["call"].as_str().unwrap_or("?"),
                f["fix"]["applicability"].as_str().unwrap_or("none")
            )
        })
        .collect()
}

#[test]
fn only_fixes_whose_crate_feature_is_a_dependency_are_applied() {
    let (_scratch, dir) = fixture_copy("fixable-without-fs", "without_fs");
    let out = run_in(&dir, &["--diff", "."]);
    let manifest = dir.join("Cargo.toml");
    assert_eq!(
        out.stderr,
        format!(
            "blockwatch: not fixed: src/lib.rs:5:5: `tokio::fs::read_to_string(\"settings.toml\").await` needs the `tokio` crate with feature `fs` as a dependency of {}\n",
            manifest.display()
        )
    );
    assert_eq!(
        out.stdout,
        "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,6 +1,6 @@\n \
         //! tokio is a dependency, but without its `fs` feature: only the sleep can be fixed.\n \n \
         pub async fn load() -> std::io::Result<String> {\n\
         -    std::thread::sleep(std::time::Duration::from_millis(1));\n\
         +    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n     \
         std::fs::read_to_string(\"settings.toml\")\n }\n"
    );
    assert_eq!(out.code, 1);
    // --diff writes nothing.
    assert_eq!(
        read(dir.join("src/lib.rs")),
        read(fixture("fixable-without-fs/src/lib.rs"))
    );
}

fn git(dir: &Path, args: &[&str]) {
    let mut git = Command::new("git");
    git.args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(dir);
    let out = run_with_timeout(git);
    assert!(out.code == 0, "git {args:?}: {}", out.stderr);
}

#[test]
fn fix_refuses_uncommitted_changes_and_files_outside_git() {
    // Outside this repository's work tree, which is a git repository itself.
    let scratch = Scratch::new("fix-dirty");
    let dir = scratch.path().to_path_buf();
    copy_dir(&fixture("fixable-without-fs"), &dir);
    let original = read(dir.join("src/lib.rs"));

    let out = run_in(&dir, &["--fix", "."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.lines().last(),
        Some(
            format!(
                "error: --fix: {} is not in a git repository, so the fixes could not be undone; pass --allow-dirty to fix anyway",
                dir.display()
            )
            .as_str()
        )
    );

    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "fixture"]);
    std::fs::write(dir.join("src/lib.rs"), format!("{original}// edited\n")).expect("edit");
    let out = run_in(&dir, &["--fix", "."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.lines().last(),
        Some("error: --fix: files to fix have uncommitted changes or are not tracked by git: src/lib.rs; commit or stash them, or pass --allow-dirty")
    );
    assert_eq!(
        read(dir.join("src/lib.rs")),
        format!("{original}// edited\n")
    );

    git(&dir, &["commit", "-q", "-am", "edit"]);
    let out = run_in(&dir, &["--fix", "."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(read(dir.join("src/lib.rs"))
        .contains("tokio::time::sleep(std::time::Duration::from_millis(1)).await;"));
}

#[test]
fn fix_refuses_files_git_ignores() {
    // This test's scratch space lies under `target/`, which the repository ignores.
    let (_scratch, dir) = fixture_copy("fixable-without-fs", "ignored");
    let out = run_in(&dir, &["--fix", "."]);
    assert_eq!(out.code, 2);
    let last = out.stderr.lines().last().unwrap_or_default().to_string();
    assert!(
        last.starts_with(
            "error: --fix: files to fix have uncommitted changes or are not tracked by git: "
        ) && last.ends_with(
            "fixable-without-fs/src/lib.rs; commit or stash them, or pass --allow-dirty"
        ),
        "{last}"
    );
}

#[test]
fn diff_of_nested_calls_on_one_line() {
    let scratch = scratch("nested");
    let dir = scratch.path().join("pkg");
    write(
        &dir,
        "Cargo.toml",
        "[package]\nname = \"pkg\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }\n\n[workspace]\n",
    );
    let src = "pub async fn f() {\n    let _ = std::fs::read(std::fs::read_to_string(\"p\").unwrap());\n}\n";
    write(&dir, "src/lib.rs", src);
    let out = run_in(&dir, &["--diff", "."]);
    assert_eq!(
        out.stdout,
        "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,3 +1,3 @@\n pub async fn f() {\n\
         -    let _ = std::fs::read(std::fs::read_to_string(\"p\").unwrap());\n\
         +    let _ = tokio::fs::read(tokio::fs::read_to_string(\"p\").await.unwrap()).await;\n }\n"
    );
}
