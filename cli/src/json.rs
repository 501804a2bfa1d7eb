//! The JSON format: one document, versioned by `schema_version` (see README.md).
//!
//! Version 1 is additive-only: new fields may appear, existing fields keep their name,
//! type and meaning. A breaking change bumps `schema_version`.

use blockwatch_lint::{Certainty, ChainLink, LocatedFix};
use serde_json::{json, Map, Value};

use crate::diagnostic::{Diagnostic, InputError, Report};

/// The version of the JSON document's schema.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The certainty's name in JSON and SARIF properties.
pub(crate) fn certainty_name(c: Certainty) -> &'static str {
    match c {
        Certainty::Resolved => "resolved",
        Certainty::Unresolved => "unresolved",
        Certainty::MethodShape => "method-shape",
        Certainty::Transitive => "transitive",
        Certainty::Once => "once",
        _ => "other",
    }
}

/// One chain: its steps, from the reported call down to the blocking API.
fn chain(links: &[ChainLink]) -> Value {
    links
        .iter()
        .map(|l| {
            json!({"callee": l.callee, "file": l.file, "line": l.line, "column": l.column,
                   "crate": l.krate})
        })
        .collect()
}

pub(crate) fn finding(report: &Report, d: &Diagnostic) -> Map<String, Value> {
    let chains: Vec<Value> = d.chains.iter().map(|c| chain(c)).collect();
    let value = json!({
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "category": report.category_name(d),
        "api_category": d.category.name(),
        "in_test": d.in_test,
        "certainty": certainty_name(d.certainty),
        "call": d.call,
        "resolved": d.resolved,
        "message": d.message(),
        "why": d.why,
        "replacement": d.replacement,
        "context": d.context,
        "chain": chain(d.chain()),
        "chains": chains,
        "fix": d.fix.as_ref().map(fix),
        "once_reach": d.once_reach,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A finding's fix: its applicability, the code after it, what it needs and its edits.
pub(crate) fn fix(f: &LocatedFix) -> Value {
    let edits: Vec<Value> = f
        .edits
        .iter()
        .map(|e| {
            json!({"line": e.line, "column": e.column, "end_line": e.end_line,
                   "end_column": e.end_column, "text": e.text})
        })
        .collect();
    json!({
        "applicability": f.applicability.name(),
        "code": f.code,
        "requires": {"crate": f.requires.krate, "feature": f.requires.feature},
        "edits": edits,
    })
}

fn error(e: &InputError) -> Value {
    json!({"path": e.path, "line": e.line, "column": e.column, "message": e.message})
}

/// Renders the report as the version-1 JSON document. `root` is the absolute scanned
/// root that relative `file` paths start from.
pub(crate) fn render(report: &Report, root: &std::path::Path) -> String {
    let mut by_category: Map<String, Value> = Map::new();
    for d in &report.findings {
        let entry = by_category
            .entry(report.category_name(d).to_string())
            .or_insert(json!(0));
        *entry = json!(entry.as_u64().unwrap_or(0) + 1);
    }
    // The key shared by the findings that one blocking leaf causes (see grouping.rs).
    let (finding_groups, allowed_groups) = crate::grouping::keys(report);
    let findings: Vec<Value> = report
        .findings
        .iter()
        .zip(finding_groups)
        .map(|(d, group)| {
            let mut map = finding(report, d);
            map.insert("group".into(), json!(group));
            Value::Object(map)
        })
        .collect();
    let allowed: Vec<Value> = report
        .allowed
        .iter()
        .zip(allowed_groups)
        .map(|(a, group)| {
            let mut map = finding(report, &a.diagnostic);
            map.insert("group".into(), json!(group));
            map.insert("reason".into(), json!(a.reason));
            Value::Object(map)
        })
        .collect();
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "root": root.to_string_lossy(),
        "summary": {
            "files_scanned": report.files_scanned,
            "findings": report.findings.len(),
            "allowed": report.allowed.len(),
            "errors": report.errors.len(),
            "dependencies_analysed": report.dependencies,
            "dependencies_from_cache": report.dependencies_cached,
            "dependencies_not_reached": report.dependencies_not_reached,
            "by_category": by_category,
            "exit_code": report.exit_code(),
        },
        "findings": findings,
        "allowed": allowed,
        "errors": report.errors.iter().map(error).collect::<Vec<_>>(),
        "notes": report.notes.iter().map(error).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
