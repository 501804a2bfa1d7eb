//! Grouping by blocking leaf: the async call sites that reach one blocking call read as
//! one entry in the human and GitHub formats, and share one group key in JSON and SARIF.

use std::collections::BTreeSet;
mod common;

use common::{run_in, write, Scratch};
use serde_json::Value;

/// A crate whose one blocking helper is reached from 50 async fns, plus a direct
/// process wait (ranked first) and a `metadata` check (ranked last).
fn fifty_callers(test: &str) -> Scratch {
    let dir = Scratch::new(test);
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"fifty\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    let mut src = String::from(
        "pub async fn meta() {\n    std::fs::metadata(\"a\").ok();\n}\n\
         fn read() -> String {\n    std::fs::read_to_string(\"settings.toml\").unwrap()\n}\n\
         pub fn settings() -> String {\n    read()\n}\n",
    );
    for i in 0..50 {
        src.push_str(&format!(
            "pub async fn handler_{i}() -> String {{\n    settings()\n}}\n"
        ));
    }
    src.push_str(
        "pub async fn run() {\n    std::process::Command::new(\"ls\").output().ok();\n}\n",
    );
    write(dir.path(), "src/lib.rs", &src);
    dir
}

#[test]
fn human_format_prints_one_entry_per_leaf_ordered_by_cost() {
    let dir = fifty_callers("human");
    let out = run_in(dir.path(), &["."]);
    assert_eq!(out.code, 1);
    let text = out.stdout;
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("warning[")).collect();
    assert_eq!(
        headers,
        [
            "warning[blockwatch/process]: blocking call `.output()` in async fn `run`",
            "warning[blockwatch/fs]: `std::fs::read_to_string` in `read` blocks the executor thread at 50 async call sites",
            "warning[blockwatch/fs]: blocking call `std::fs::metadata(..)` in async fn `meta`",
        ]
    );
    let group = "warning[blockwatch/fs]: `std::fs::read_to_string` in `read` blocks the executor thread at 50 async call sites\n  \
         --> src/lib.rs:5:5\n   |\n   \
         = note: call chain (first site): `settings()` at src/lib.rs:11 -> `read` at src/lib.rs:8 -> `std::fs::read_to_string` at src/lib.rs:5\n   \
         = note: reached from src/lib.rs:11:5 (async fn `handler_0`), src/lib.rs:14:5 (async fn `handler_1`), src/lib.rs:17:5 (async fn `handler_2`), and 47 more\n   \
         = note: a synchronous filesystem call holds the executor thread until the disk answers\n   \
         = help: one fix clears all 50: make `read` async and use `tokio::fs::read_to_string(..).await` instead of `std::fs::read_to_string` at src/lib.rs:5 (its callers up the chain become async), or call `read` through `tokio::task::spawn_blocking(move || ..).await`\n\n";
    assert!(text.contains(group), "{text}");
    assert!(
        text.ends_with("blockwatch: 52 findings in 1 file scanned (fs: 51, process: 1)\n"),
        "{text}"
    );

    let by_site = run_in(dir.path(), &["--group", "site", "."]).stdout;
    assert_eq!(
        by_site
            .lines()
            .filter(|l| l.starts_with("warning["))
            .count(),
        52
    );
}

#[test]
fn sarif_and_json_keep_one_result_per_site_sharing_a_group_key() {
    let dir = fifty_callers("sarif");
    let out = run_in(dir.path(), &["--format", "sarif", "."]);
    let doc: Value = serde_json::from_str(&out.stdout).expect("SARIF parses");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 52);
    let transitive: Vec<&Value> = results
        .iter()
        .filter(|r| r["properties"]["certainty"] == "transitive")
        .collect();
    assert_eq!(transitive.len(), 50);
    let groups: BTreeSet<&str> = transitive
        .iter()
        .map(|r| {
            r["partialFingerprints"]["blockwatchGroup/v1"]
                .as_str()
                .expect("a group key")
        })
        .collect();
    assert_eq!(groups.len(), 1);
    let findings: BTreeSet<&str> = transitive
        .iter()
        .map(|r| {
            r["partialFingerprints"]["blockwatchFinding/v1"]
                .as_str()
                .expect("a fingerprint")
        })
        .collect();
    assert_eq!(findings.len(), 50);
    let all_groups: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["blockwatchGroup/v1"]
                .as_str()
                .expect("a group key")
        })
        .collect();
    assert_eq!(all_groups.len(), 3);

    let json: Value =
        serde_json::from_str(&run_in(dir.path(), &["--format", "json", "."]).stdout).expect("JSON");
    let json_groups: BTreeSet<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["certainty"] == "transitive")
        .map(|f| f["group"].as_str().expect("group"))
        .collect();
    assert_eq!(json_groups, groups);
}

#[test]
fn github_format_annotates_the_leaf_once() {
    let dir = fifty_callers("github");
    let text = run_in(dir.path(), &["--format", "github", "-q", "."]).stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("::warning file=src/lib.rs,line=161,endLine=161,col=38,endColumn=46,title=blockwatch/process::"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "::error file=src/lib.rs,line=5,col=5,title=blockwatch/fs::`std::fs::read_to_string` in `read` blocks the executor thread at 50 async call sites%0A\
         a synchronous filesystem call holds the executor thread until the disk answers%0A\
         chain (first site): `settings()` at src/lib.rs:11 -> `read` at src/lib.rs:8 -> `std::fs::read_to_string` at src/lib.rs:5%0A\
         reached from src/lib.rs:11:5 (async fn `handler_0`), src/lib.rs:14:5 (async fn `handler_1`), src/lib.rs:17:5 (async fn `handler_2`), and 47 more%0A\
         one fix clears all 50: make `read` async and use `tokio::fs::read_to_string(..).await` instead of `std::fs::read_to_string` at src/lib.rs:5 (its callers up the chain become async), or call `read` through `tokio::task::spawn_blocking(move || ..).await`"
    );
    assert!(
        lines[2].starts_with("::error file=src/lib.rs,line=2,"),
        "{}",
        lines[2]
    );
}
