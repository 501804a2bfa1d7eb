//! SARIF 2.1.0, as GitHub code scanning accepts it.
//!
//! One run; one rule per category (`blockwatch/fs`, ..., `blockwatch/test`); one result
//! per finding, with a location relative to `%SRCROOT%` (the scanned root); allowed
//! findings are results with an external `suppressions` entry; input errors are
//! `toolExecutionNotifications`.

use std::path::Path;

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Report};
use crate::json::certainty_name;
use crate::rules::{self, Rule};

/// The SARIF schema the document declares.
pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// Percent-encodes a relative path for a URI: unreserved characters and `/` stay.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn artifact(file: &str) -> Value {
    if Path::new(file).is_absolute() {
        json!({"uri": format!("file://{}", uri_path(file))})
    } else {
        json!({"uri": uri_path(file), "uriBaseId": "%SRCROOT%"})
    }
}

/// A finding's fix as a SARIF `fix`: one artifact change with a replacement per edit
/// (an insertion deletes an empty region).
fn sarif_fix(file: &str, fix: &blockwatch_lint::LocatedFix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.line,
                    "startColumn": e.column,
                    "endLine": e.end_line,
                    "endColumn": e.end_column,
                },
                "insertedContent": {"text": e.text},
            })
        })
        .collect();
    let how = match fix.applicability {
        blockwatch_lint::Applicability::MachineApplicable => "applied by `cargo blockwatch --fix`",
        _ => "a suggestion to review",
    };
    json!({
        "description": {"text": format!("Use `{}` ({how}).", fix.code)},
        "artifactChanges": [{
            "artifactLocation": artifact(file),
            "replacements": replacements,
        }],
    })
}

fn result(
    report: &Report,
    rules: &[Rule],
    d: &Diagnostic,
    fingerprint: &str,
    group: &str,
    suppression: Option<&str>,
) -> Value {
    let category = report.category_name(d);
    let rule_index = rules
        .iter()
        .position(|r| r.category == category)
        .unwrap_or(0);
    let level = match d.certainty {
        blockwatch_lint::Certainty::Resolved | blockwatch_lint::Certainty::Transitive => "error",
        _ => "warning",
    };
    let related: Vec<Value> = d
        .chain
        .iter()
        .enumerate()
        .map(|(i, link)| {
            json!({
                "id": i + 1,
                "message": {"text": match &link.krate {
                    Some(krate) => format!("calls `{}` (in {krate})", link.callee),
                    None => format!("calls `{}`", link.callee),
                }},
                "physicalLocation": {
                    "artifactLocation": artifact(&link.file),
                    "region": {"startLine": link.line, "startColumn": link.column},
                },
            })
        })
        .collect();
    let mut value = json!({
        "ruleId": rules[rule_index].id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": format!("{}. {}", d.message, capitalized(&d.advice()))},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(&d.file),
                "region": {
                    "startLine": d.line,
                    "startColumn": d.column,
                    "endLine": d.end_line,
                    "endColumn": d.end_column,
                },
            },
        }],
        "partialFingerprints": {
            "blockwatchFinding/v1": fingerprint,
            "blockwatchGroup/v1": group,
        },
        "properties": {
            "category": category,
            "apiCategory": d.category.name(),
            "certainty": certainty_name(d.certainty),
            "resolved": d.resolved,
            "replacement": d.replacement,
            "inTest": d.in_test,
        },
    });
    if let Some(reach) = d.once_reach {
        value["properties"]["onceReach"] = json!(reach);
    }
    if !related.is_empty() {
        value["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = &d.fix {
        value["fixes"] = json!([sarif_fix(&d.file, fix)]);
        value["properties"]["fixApplicability"] = json!(fix.applicability.name());
    }
    if let Some(reason) = suppression {
        value["suppressions"] = json!([{"kind": "external", "justification": reason}]);
    }
    value
}

/// Renders the report as a SARIF 2.1.0 log. `root` is the absolute scanned root, the
/// base of every relative location.
pub(crate) fn render(report: &Report, root: &Path) -> String {
    let rules = rules::all();
    let rule_values: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.short},
                "fullDescription": {"text": r.full},
                "help": {"text": rules::HELP, "markdown": rules::HELP},
                "helpUri": INFORMATION_URI,
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["async", "blocking", "performance"]},
            })
        })
        .collect();

    // Line-insensitive identities (see fingerprint.rs): code scanning and baselines
    // match findings by them.
    // The group key is shared by the results one blocking leaf causes (grouping.rs).
    let (finding_fps, allowed_fps) = crate::fingerprint::of_report(report);
    let (finding_groups, allowed_groups) = crate::grouping::keys(report);
    let mut results: Vec<Value> = Vec::new();
    for ((d, fp), group) in report
        .findings
        .iter()
        .zip(&finding_fps)
        .zip(&finding_groups)
    {
        results.push(result(report, &rules, d, fp, group, None));
    }
    for ((a, fp), group) in report.allowed.iter().zip(&allowed_fps).zip(&allowed_groups) {
        results.push(result(
            report,
            &rules,
            &a.diagnostic,
            fp,
            group,
            Some(&a.reason),
        ));
    }

    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut region = json!({});
            if let Some(line) = e.line {
                region["startLine"] = json!(line);
            }
            if let Some(column) = e.column {
                region["startColumn"] = json!(column);
            }
            let mut location = json!({"physicalLocation": {"artifactLocation": artifact(&e.path)}});
            if e.line.is_some() {
                location["physicalLocation"]["region"] = region;
            }
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.location(), e.message)},
                "locations": [location],
            })
        })
        .collect();

    let mut root_uri = format!("file://{}", uri_path(&root.to_string_lossy()));
    if !root_uri.ends_with('/') {
        root_uri.push('/');
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "blockwatch",
                "fullName": "cargo-blockwatch",
                "informationUri": INFORMATION_URI,
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_values,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("src/a b/ü.rs"), "src/a%20b/%C3%BC.rs");
        assert_eq!(uri_path("src\\win.rs"), "src/win.rs");
    }
}
