//! The three report formats, checked on the same fixture.

mod common;

use common::{fixture, run_in, validate_sarif, Scratch};

#[test]
fn human_format_is_rustc_style_with_the_call_underlined() {
    let run = run_in(&fixture("aliases"), &[]);
    assert_eq!(run.code, 1);
    let out = &run.stdout;
    assert!(
        out.contains("warning[blockwatch/sleep]: blocking call `nap(..)` in async fn `naps`"),
        "{out}"
    );
    assert!(out.contains("--> src/lib.rs:8:5"), "{out}");
    assert!(out.contains("8 |     nap(d);"), "{out}");
    assert!(
        out.contains("  |     ^^^^^^ blocks the executor thread"),
        "{out}"
    );
    assert!(
        out.contains("help: use instead: tokio::time::sleep(d).await"),
        "{out}"
    );
    assert!(
        out.ends_with("blockwatch: 1 finding in 2 files scanned (sleep: 1)\n"),
        "{out}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "no colors when stdout is not a terminal"
    );

    let colored = run_in(&fixture("aliases"), &["--color", "always"]);
    assert!(colored.stdout.contains('\u{1b}'));
}

#[test]
fn human_format_shows_chains() {
    let run = run_in(&fixture("chains"), &["--color=never"]);
    assert!(run.stdout.contains("note: call chain:"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("calls `std::thread::sleep` at src/store.rs:17"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_format_follows_schema_version_1() {
    let run = run_in(&fixture("aliases"), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["tool"]["name"], "cargo-blockwatch");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let root = std::path::PathBuf::from(doc["root"].as_str().unwrap());
    assert!(
        root.is_absolute() && root.join("src/lib.rs").is_file(),
        "{root:?}"
    );
    let summary = &doc["summary"];
    assert_eq!(summary["findings"], 1);
    assert_eq!(summary["allowed"], 0);
    assert_eq!(summary["errors"], 0);
    assert_eq!(summary["by_category"]["sleep"], 1);
    assert_eq!(summary["exit_code"], 1);
    let f = &doc["findings"][0];
    for key in [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "category",
        "api_category",
        "in_test",
        "certainty",
        "call",
        "resolved",
        "message",
        "why",
        "replacement",
        "context",
        "chain",
    ] {
        assert!(!f[key].is_null(), "finding has `{key}`: {f}");
    }
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(8), Some(5))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(8), Some(11))
    );
    assert_eq!(f["context"], "async fn `naps`");
    assert!(doc["allowed"].as_array().unwrap().is_empty());
    assert!(doc["errors"].as_array().unwrap().is_empty());
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let run = run_in(&fixture("chains"), &["--format", "sarif"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    validate_sarif(&doc);
    let sarif_run = &doc["runs"][0];
    let results = sarif_run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let first = &results[0];
    assert_eq!(first["ruleId"], "blockwatch/fs");
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/main.rs"
    );
    assert_eq!(
        first["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    let text = first["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("Move the call into `tokio::task::spawn_blocking")
            && text.contains("tokio::fs::read_to_string(..).await"),
        "{text}"
    );
    assert_eq!(
        first["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
        "src/config.rs"
    );
    let base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "blockwatch/test"));

    // Fingerprints do not depend on line numbers: a line added above keeps them.
    let scratch = Scratch::copy_of("chains");
    let main = scratch.path().join("src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("// a new first line\n{text}")).unwrap();
    let moved = run_in(scratch.path(), &["--format", "sarif"]).json();
    let prints = |d: &serde_json::Value| -> Vec<serde_json::Value> {
        d["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&doc), prints(&moved));
    assert_eq!(
        moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        13
    );
}

#[test]
fn output_file_receives_the_report() {
    let scratch = Scratch::new("output");
    let out = scratch.path().join("report.sarif");
    let run = run_in(
        &fixture("aliases"),
        &["--format", "sarif", "--output", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("1 finding"),
        "summary on stderr: {}",
        run.stderr
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    validate_sarif(&doc);

    let quiet = run_in(
        &fixture("aliases"),
        &["-q", "-f", "sarif", "-o", out.to_str().unwrap()],
    );
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);

    let unwritable = run_in(&fixture("aliases"), &["-o", "/nonexistent-dir/report.txt"]);
    assert_eq!(unwritable.code, 2);
    assert!(
        unwritable.stderr.contains("/nonexistent-dir/report.txt"),
        "{}",
        unwritable.stderr
    );
}

#[test]
fn sarif_levels_follow_certainty_and_input_errors_are_notifications() {
    let scratch = Scratch::new("levels");
    std::fs::write(
        scratch.path().join("lib.rs"),
        "use std::time::Duration;\n\
         pub async fn resolved(d: Duration) {\n    std::thread::sleep(d);\n}\n\
         pub async fn shape(rx: Receiver) {\n    rx.blocking_recv();\n}\n",
    )
    .unwrap();
    std::fs::write(scratch.path().join("broken.rs"), "fn (\n").unwrap();
    let json = run_in(scratch.path(), &["--format", "json"]).json();
    let certainties: Vec<(u64, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["certainty"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(certainties, [(3, "resolved"), (6, "method-shape")]);

    let run = run_in(scratch.path(), &["--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    validate_sarif(&doc);
    let sarif_run = &doc["runs"][0];
    let levels: Vec<(u64, &str)> = sarif_run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [(3, "error"), (6, "warning")],
        "resolved calls are errors"
    );
    let invocation = &sarif_run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken.rs"
    );
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("broken.rs:1:"),
        "{}",
        notes[0]
    );
}

/// `(callee, line)` of each step of a JSON chain.
fn steps(chain: &serde_json::Value) -> Vec<(String, u64)> {
    chain
        .as_array()
        .expect("a chain is an array")
        .iter()
        .map(|l| {
            (
                l["callee"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The leaves fixture: `refresh` sleeps, and reads a file through `load`.
fn leaf_steps() -> Vec<Vec<(String, u64)>> {
    let s = |c: &str, l: u64| (c.to_string(), l);
    vec![
        vec![s("std::thread::sleep", 6)],
        vec![s("load", 7), s("std::fs::read", 11)],
    ]
}

#[test]
fn json_lists_a_chain_per_blocking_leaf() {
    let run = run_in(&fixture("leaves"), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    let chains: Vec<Vec<(String, u64)>> =
        f["chains"].as_array().unwrap().iter().map(steps).collect();
    assert_eq!(chains, leaf_steps());
    assert_eq!(steps(&f["chain"]), leaf_steps()[0], "`chain` is the first");
}

#[test]
fn sarif_has_a_code_flow_per_blocking_leaf() {
    let run = run_in(&fixture("leaves"), &["--format", "sarif"]);
    let doc = run.json();
    validate_sarif(&doc);
    let result = &doc["runs"][0]["results"][0];
    let flows: Vec<Vec<String>> = result["codeFlows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|flow| {
            flow["threadFlows"][0]["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let loc = &l["location"];
                    format!(
                        "{}@{}",
                        loc["message"]["text"].as_str().unwrap(),
                        loc["physicalLocation"]["region"]["startLine"]
                    )
                })
                .collect()
        })
        .collect();
    let start = "`refresh(..)` in async fn `main`@16".to_string();
    assert_eq!(
        flows,
        [
            vec![start.clone(), "calls `std::thread::sleep`@6".into()],
            vec![
                start,
                "calls `load`@7".into(),
                "calls `std::fs::read`@11".into()
            ],
        ]
    );
    let messages: Vec<&str> = result["codeFlows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "reaches the blocking `std::thread::sleep`",
            "reaches the blocking `std::fs::read`"
        ]
    );
    let related: Vec<(u64, u64)> = result["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_u64().unwrap(),
                r["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(related, [(1, 6), (2, 7), (3, 11)]);
}

#[test]
fn human_github_and_rustc_json_list_every_leaf() {
    let human = run_in(&fixture("leaves"), &["--color=never"]).stdout;
    assert!(
        human.contains(concat!(
            "   = note: call chain:\n",
            "             calls `std::thread::sleep` at src/main.rs:6\n",
            "   = note: also reaches `std::fs::read`:\n",
            "             calls `load` at src/main.rs:7\n",
            "             calls `std::fs::read` at src/main.rs:11\n",
        )),
        "{human}"
    );
    let github = run_in(&fixture("leaves"), &["--format", "github"]).stdout;
    assert!(
        github.contains(
            "calls `std::thread::sleep` at src/main.rs:6%0Aalso reaches `std::fs::read`:%0A\
             calls `load` at src/main.rs:7%0Acalls `std::fs::read` at src/main.rs:11%0A"
        ),
        "{github}"
    );
    let rustc = run_in(&fixture("leaves"), &["--message-format", "json"]).stdout;
    let diagnostic: serde_json::Value =
        serde_json::from_str(rustc.lines().next().unwrap()).unwrap();
    let notes: Vec<&str> = diagnostic["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "note")
        .map(|c| c["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes[1..],
        [
            "calls `std::thread::sleep` at src/main.rs:6",
            "also reaches `std::fs::read`: calls `load` at src/main.rs:7: calls \
             `std::fs::read` at src/main.rs:11",
        ]
    );
}

/// Grouped by leaf (the default), a group of several sites names the other leaves its
/// first site reaches.
#[test]
fn leaf_groups_name_the_other_leaves_of_their_first_site() {
    let scratch = Scratch::copy_of("leaves");
    let main = scratch.path().join("src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap().replace(
        "    let data = refresh(Duration::from_millis(5));\n",
        "    let data = refresh(Duration::from_millis(5));\n    refresh(Duration::ZERO);\n",
    );
    std::fs::write(&main, text).unwrap();
    let human = run_in(scratch.path(), &["--color=never"]).stdout;
    assert!(
        human.contains(
            "   = note: the first site also reaches `std::fs::read` at src/main.rs:11\n   \
             = note: reached from src/main.rs:16:16 (async fn `main`), src/main.rs:17:5 \
             (async fn `main`)\n"
        ),
        "{human}"
    );
    let github = run_in(scratch.path(), &["--format", "github"]).stdout;
    assert!(
        github.contains("%0Athe first site also reaches `std::fs::read` at src/main.rs:11%0A"),
        "{github}"
    );
}

/// A chain that needs a method matched by its name alone (the receiver's type unknown)
/// is `method-shape`, a warning where a typed chain is an error; its chain is shown as a
/// typed one's is.
#[test]
fn a_chain_through_a_name_only_method_is_method_shape_in_every_format() {
    let scratch = Scratch::new("shape-chain");
    std::fs::write(
        scratch.path().join("lib.rs"),
        "struct Store;\n\
         impl Store { fn fetch_rows(&self) { std::fs::read(\"db\").unwrap(); } }\n\
         pub async fn typed(s: Store) { s.fetch_rows(); }\n\
         pub async fn untyped(v: Unknown) { v.get().fetch_rows(); }\n",
    )
    .unwrap();
    let json = run_in(scratch.path(), &["--format", "json"]).json();
    let got: Vec<(u64, &str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["certainty"].as_str().unwrap(),
                f["chain"][0]["callee"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (3, "transitive", "std::fs::read"),
            (4, "method-shape", "std::fs::read")
        ]
    );

    let doc = run_in(scratch.path(), &["--format", "sarif"]).json();
    validate_sarif(&doc);
    let levels: Vec<(&str, &str)> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["level"].as_str().unwrap(),
                r["properties"]["certainty"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [("error", "transitive"), ("warning", "method-shape")]
    );

    // Grouped by leaf, both sites are one entry, as two transitive ones would be.
    let grouped = run_in(scratch.path(), &["--color=never"]).stdout;
    assert!(
        grouped.contains(
            "= note: reached from lib.rs:3:34 (async fn `typed`), lib.rs:4:44 (async fn `untyped`)"
        ),
        "{grouped}"
    );
    let human = run_in(scratch.path(), &["--color=never", "--group", "site"]).stdout;
    assert!(
        human.contains(
            "warning[blockwatch/fs]: `.fetch_rows()` blocks the executor thread in async fn `untyped`"
        ),
        "{human}"
    );
    assert_eq!(
        human
            .matches("= note: call chain:\n            calls `std::fs::read` at lib.rs:2")
            .count(),
        2,
        "{human}"
    );
}
