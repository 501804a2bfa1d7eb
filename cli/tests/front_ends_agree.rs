//! `#[no_blocking]` and `cargo blockwatch` report the same findings (file, line, column
//! and message with its chain) on the same crate: the fixture `agree` is compiled with
//! the attribute in `warn` mode (every async fn annotated) and scanned by the CLI.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{copy_dir, fixture, json_in, Scratch};
use serde_json::Value;

/// (file, line, column, message)
type Reported = BTreeSet<(String, u64, u64, String)>;

/// A scratch copy of the fixture with a manifest naming the attribute by absolute path
/// and the repository's lock file (so the build resolves offline, as pinned).
fn fixture_crate() -> Scratch {
    let scratch = Scratch::new("agree");
    copy_dir(&fixture("agree"), scratch.path());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let manifest = format!(
        "[package]\nname = \"agree\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nblockwatch-macros = {{ path = {:?} }}\n\n[workspace]\n",
        repo.join("lint-macro").display().to_string()
    );
    std::fs::write(scratch.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(repo.join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    scratch
}

/// The attribute's warnings from `cargo check --message-format=json`.
fn attribute_findings(dir: &Path) -> Reported {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("front-ends-agree");
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-message" && m["message"]["code"]["code"] == "deprecated"
        })
        .map(|m| {
            let message = &m["message"];
            let text = message["message"].as_str().unwrap();
            let finding = text
                .split_once("`blocking_call`: ")
                .map(|(_, rest)| rest.lines().next().unwrap_or_default())
                .unwrap_or(text);
            let span = &message["spans"][0];
            (
                span["file_name"].as_str().unwrap().to_string(),
                span["line_start"].as_u64().unwrap(),
                span["column_start"].as_u64().unwrap(),
                finding.to_string(),
            )
        })
        .collect()
}

fn cli_findings(dir: &Path) -> Reported {
    let (_, report) = json_in(dir, &[]);
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn attribute_and_scanner_report_the_same_calls_and_chains() {
    let scratch = fixture_crate();
    let cli = cli_findings(scratch.path());
    let attribute = attribute_findings(scratch.path());
    assert_eq!(attribute, cli);
    let settings = "calls `std::fs::read_to_string` at src/config.rs:2";
    let expected: Reported = [
        (
            8,
            5,
            format!(
                "`config::settings()` blocks the executor thread in async fn `startup`: {settings}"
            ),
        ),
        (
            13,
            5,
            "blocking call `std::thread::sleep(..)` in async fn `nap`".to_string(),
        ),
        (
            30,
            24,
            format!(
                "`config::settings()` blocks the executor thread in async fn `refresh`: {settings}"
            ),
        ),
        (
            31,
            14,
            "`.reload_index()` blocks the executor thread in async fn `refresh`: calls \
             `store::load_all` at src/lib.rs:25: calls `store::disk::read_index` at \
             src/store/mod.rs:4: calls `std::fs::read` at src/store/disk.rs:2"
                .to_string(),
        ),
    ]
    .into_iter()
    .map(|(line, column, message)| ("src/lib.rs".to_string(), line, column, message))
    .collect();
    assert_eq!(cli, expected);
}
