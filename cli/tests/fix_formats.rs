//! The fixes in the machine formats: `--format github` (workflow commands),
//! `--message-format json` (rustc diagnostics that rustfix applies) and SARIF `fixes`.

mod common;

use std::collections::HashSet;

use common::{fixture, run_in, write, Scratch};
use serde_json::{json, Value};

/// A workflow command's name, properties and data.
type WorkflowCommand = (String, Vec<(String, String)>, String);

/// A workflow command as the Actions runner parses it: `::name k=v,k=v::data`, with the
/// escapes undone. `None` when the line is not a well-formed command.
fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let unescape = |s: &str, property: bool| {
        let mut out = s.replace("%0D", "\r").replace("%0A", "\n");
        if property {
            out = out.replace("%3A", ":").replace("%2C", ",");
        }
        out.replace("%25", "%")
    };
    let rest = line.strip_prefix("::")?;
    let (head, data) = rest.split_once("::")?;
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut properties = Vec::new();
    for prop in props.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = prop.split_once('=')?;
        // Unescaped `:` or `,` would have ended the command or the property early.
        if v.contains(':') || k.is_empty() {
            return None;
        }
        properties.push((k.to_string(), unescape(v, true)));
    }
    if data.contains('\n') || data.contains('\r') {
        return None;
    }
    Some((name.to_string(), properties, unescape(data, false)))
}

#[test]
fn github_annotations_follow_the_workflow_command_syntax() {
    let dir = Scratch::new("github");
    write(
        dir.path(),
        "odd,name:50%.rs",
        "async fn slow() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
    );
    let out = run_in(dir.path(), &["--format", "github", "odd,name:50%.rs"]);
    assert_eq!(out.code, 1);
    let text = out.stdout;
    assert_eq!(
        text,
        "::error file=odd%2Cname%3A50%25.rs,line=2,endLine=2,col=5,endColumn=58,title=blockwatch/sleep::\
         blocking call `std::thread::sleep(..)` in async fn `slow`%0A\
         puts the whole executor thread to sleep, so no other task on it runs%0A\
         fix (cargo blockwatch --fix applies it): tokio::time::sleep(std::time::Duration::from_secs(1)).await\n\
         blockwatch: 1 finding in 1 file scanned (sleep: 1)\n"
    );
    let first = text.lines().next().expect("one annotation");
    let (name, properties, message) = parse_command(first).expect("a well-formed command");
    assert_eq!(name, "error");
    assert_eq!(
        properties,
        [
            ("file", "odd,name:50%.rs"),
            ("line", "2"),
            ("endLine", "2"),
            ("col", "5"),
            ("endColumn", "58"),
            ("title", "blockwatch/sleep"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(
        message.lines().next(),
        Some("blocking call `std::thread::sleep(..)` in async fn `slow`")
    );
}

#[test]
fn github_annotations_of_the_fixture_all_parse() {
    let out = run_in(&fixture("fixable"), &["--format", "github", "-q", "."]);
    let text = out.stdout;
    let commands: Vec<_> = text.lines().map(parse_command).collect();
    assert_eq!(commands.len(), 7, "{text}");
    for (line, c) in text.lines().zip(&commands) {
        let (name, properties, _) = c.as_ref().unwrap_or_else(|| panic!("malformed: {line}"));
        assert!(name == "error" || name == "warning", "{line}");
        let keys: Vec<&str> = properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["file", "line", "endLine", "col", "endColumn", "title"]
        );
    }
    // The multi-line call keeps its line breaks in the message, escaped.
    assert!(text.contains("tokio::time::sleep(%0A        Duration::from_millis(1), // a comment that stays%0A    ).await\n"));
}

#[test]
fn rustfix_applies_the_machine_applicable_suggestions() {
    let dir = fixture("fixable");
    let out = run_in(&dir, &["--message-format", "json", "."]);
    assert_eq!(out.code, 1);
    let text = out.stdout;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("one JSON diagnostic per line");
        assert_eq!(v["$message_type"], "diagnostic");
    }
    let suggestions = rustfix::get_suggestions_from_json(
        &text,
        &HashSet::new(),
        rustfix::Filter::MachineApplicableOnly,
    )
    .expect("rustfix reads the diagnostics");
    assert_eq!(suggestions.len(), 6);
    let for_file = |name: &str| -> Vec<rustfix::Suggestion> {
        suggestions
            .iter()
            .filter(|s| s.solutions[0].replacements[0].snippet.file_name == name)
            .cloned()
            .collect()
    };
    let source = std::fs::read_to_string(dir.join("src/crlf.rs")).expect("read crlf.rs");
    let fixed = rustfix::apply_suggestions(&source, &for_file("src/crlf.rs"))
        .expect("rustfix applies the suggestions");
    assert_eq!(
        fixed,
        "//! The test writes this file with CRLF line endings before fixing it.\n\n\
         pub async fn tidy() -> std::io::Result<()> {\n    \
         tokio::fs::create_dir_all(\"scratch/a\").await?;\n    \
         tokio::fs::remove_dir_all(\"scratch\").await?;\n    Ok(())\n}\n"
    );
    let source = std::fs::read_to_string(dir.join("src/main.rs")).expect("read main.rs");
    let fixed = rustfix::apply_suggestions(&source, &for_file("src/main.rs"))
        .expect("rustfix applies the suggestions");
    for line in [
        "    tokio::time::sleep(\n        Duration::from_millis(1), // a comment that stays\n    ).await;\n",
        "    tokio::fs::write(\"copy.txt\", tokio::fs::read_to_string(\"Cargo.toml\").await?).await?;\n",
        "    println!(\"{}\", std::fs::read_to_string(\"copy.txt\")?.len());\n",
        "    let out = tokio::process::Command::new(\"true\")\n        .arg(\"x\")\n        .output().await?;\n",
    ] {
        assert!(fixed.contains(line), "{line}\nnot in\n{fixed}");
    }
}

#[test]
fn sarif_results_carry_their_fix() {
    let out = run_in(&fixture("fixable"), &["--format", "sarif", "."]);
    let doc: Value = serde_json::from_str(&out.stdout).expect("SARIF parses");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let sleep = results
        .iter()
        .find(|r| r["ruleId"] == "blockwatch/sleep")
        .expect("the sleep finding");
    assert_eq!(sleep["properties"]["fixApplicability"], "MachineApplicable");
    assert_eq!(
        sleep["fixes"],
        json!([{
            "description": {"text": "Use `tokio::time::sleep(\n        Duration::from_millis(1), // a comment that stays\n    ).await` (applied by `cargo blockwatch --fix`)."},
            "artifactChanges": [{
                "artifactLocation": {"uri": "src/main.rs", "uriBaseId": "%SRCROOT%"},
                "replacements": [
                    {"deletedRegion": {"startLine": 13, "startColumn": 5, "endLine": 13, "endColumn": 18},
                     "insertedContent": {"text": "tokio::time::sleep"}},
                    {"deletedRegion": {"startLine": 15, "startColumn": 6, "endLine": 15, "endColumn": 6},
                     "insertedContent": {"text": ".await"}},
                ],
            }],
        }])
    );
    let in_macro = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] == 19)
        .expect("the finding inside println!");
    assert_eq!(in_macro["properties"]["fixApplicability"], "MaybeIncorrect");
}

#[test]
fn human_format_says_how_many_findings_fix_would_rewrite() {
    let out = run_in(&fixture("fixable"), &["."]);
    let text = out.stdout;
    assert!(
        text.ends_with(
            "blockwatch: 6 findings have a fix that `cargo blockwatch --fix` applies (`--diff` shows them)\n\
             blockwatch: 7 findings in 2 files scanned (fs: 5, process: 1, sleep: 1)\n"
        ),
        "{text}"
    );
    let quiet = run_in(&fixture("fixable"), &["-q", "."]).stdout;
    assert!(!quiet.contains("cargo blockwatch --fix"), "{quiet}");
}
