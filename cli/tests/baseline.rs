//! `--write-baseline` / `--baseline`: adopting the gate on code that already has findings.

mod common;

use std::path::Path;

use common::{run_in, Scratch};
use serde_json::Value;

/// (file, line, call) of the findings a JSON run with the baseline reports.
fn gate(dir: &Path) -> (i32, Vec<(String, u64, String)>, String) {
    let out = run_in(
        dir,
        &[
            "--baseline",
            "blockwatch-baseline.json",
            "--format",
            "json",
            ".",
        ],
    );
    let doc: Value = serde_json::from_str(&out.stdout).expect("the JSON report parses");
    let findings = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["call"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (out.code, findings, out.stderr)
}

fn edit(dir: &Path, f: impl FnOnce(String) -> String) {
    let path = dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&path).expect("read lib.rs");
    std::fs::write(&path, f(text)).expect("write lib.rs");
}

#[test]
fn round_trip_new_findings_moved_code_and_stale_entries() {
    let scratch = Scratch::copy_of("baseline");
    let dir = scratch.path();
    let out = run_in(
        dir,
        &["--write-baseline", "blockwatch-baseline.json", "-q", "."],
    );
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "blockwatch: wrote 2 findings to the baseline blockwatch-baseline.json\n"
    );
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("blockwatch-baseline.json")).expect("the baseline"),
    )
    .expect("the baseline is JSON");
    assert_eq!(doc["kind"], "cargo-blockwatch-baseline");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(2));

    assert_eq!(gate(dir), (0, Vec::new(), String::new()));

    // One new finding: the gate fails on exactly that one.
    edit(dir, |t| {
        format!("{t}\npub async fn more() {{\n    std::fs::remove_file(\"x\").ok();\n}}\n")
    });
    assert_eq!(
        gate(dir),
        (
            1,
            vec![("src/lib.rs".into(), 12, "std::fs::remove_file(..)".into())],
            String::new()
        )
    );

    // Code above the baselined findings moves them down: they keep their identity.
    edit(dir, |t| {
        t.replace("//! Two findings", "//! Moved.\n\n\n//! Two findings")
    });
    let (code, findings, _) = gate(dir);
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![("src/lib.rs".into(), 15, "std::fs::remove_file(..)".into())]
    );

    // A baselined finding fixed: its entry is stale, and listed.
    edit(dir, |t| {
        t.replace(
            "std::thread::sleep(std::time::Duration::from_millis(1));",
            "tokio::time::sleep(std::time::Duration::from_millis(1)).await;",
        )
        .replace("    std::fs::remove_file(\"x\").ok();\n", "")
    });
    assert_eq!(
        gate(dir),
        (
            0,
            Vec::new(),
            "blockwatch: 1 entry of the baseline blockwatch-baseline.json no longer found (fixed or removed; --write-baseline drops it):\n  \
             src/lib.rs:8: `std::thread::sleep(..)` in async fn `pause`\n"
                .to_string()
        )
    );
}

#[test]
fn a_corrupt_or_foreign_baseline_is_an_error_naming_the_file() {
    let scratch = Scratch::copy_of("baseline");
    let dir = scratch.path();
    let cases = [
        ("{ not json", "--baseline bad.json: not a baseline (invalid JSON: key must be a string at line 1 column 3)"),
        ("{}", "--baseline bad.json: not a cargo-blockwatch baseline (no \"kind\": \"cargo-blockwatch-baseline\"); write one with --write-baseline"),
        (
            "{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\", \"runs\": []}",
            "--baseline bad.json: not a cargo-blockwatch baseline (no \"kind\": \"cargo-blockwatch-baseline\"); write one with --write-baseline",
        ),
        (
            "{\"kind\": \"cargo-blockwatch-baseline\", \"version\": 7, \"findings\": []}",
            "--baseline bad.json: baseline version 7 is not supported (this cargo-blockwatch reads version 1)",
        ),
        (
            "{\"kind\": \"cargo-blockwatch-baseline\", \"version\": 1}",
            "--baseline bad.json: `findings` is missing or not a list",
        ),
        (
            "{\"kind\": \"cargo-blockwatch-baseline\", \"version\": 1, \"findings\": [{\"fingerprint\": \"xyz\"}]}",
            "--baseline bad.json: findings[0]: `fingerprint` is not 16 hex digits",
        ),
    ];
    for (text, message) in cases {
        std::fs::write(dir.join("bad.json"), text).expect("write the baseline");
        let out = run_in(dir, &["--baseline", "bad.json", "."]);
        assert_eq!(out.code, 2, "{text}");
        assert_eq!(out.stderr, format!("error: {message}\n"), "{text}");
    }
    let out = run_in(dir, &["--baseline", "missing.json", "."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .clone()
            .starts_with("error: --baseline missing.json: "),
        "{}",
        out.stderr
    );
}

#[test]
fn baselined_findings_are_suppressed_in_sarif_with_the_same_fingerprint() {
    let scratch = Scratch::copy_of("baseline");
    let dir = scratch.path();
    let out = run_in(dir, &["--write-baseline", "b.json", "-q", "."]);
    assert_eq!(out.code, 0);
    let out = run_in(dir, &["--baseline", "b.json", "--format", "sarif", "."]);
    assert_eq!(out.code, 0);
    let sarif: Value = serde_json::from_str(&out.stdout).expect("SARIF parses");
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("b.json")).expect("read b.json"))
            .expect("the baseline parses");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    for (r, b) in results
        .iter()
        .zip(baseline["findings"].as_array().expect("findings"))
    {
        assert_eq!(
            r["partialFingerprints"]["blockwatchFinding/v1"],
            b["fingerprint"]
        );
        assert_eq!(
            r["suppressions"][0]["justification"],
            "in the baseline b.json"
        );
    }
}
