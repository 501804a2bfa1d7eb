//! `--message-format json`: one rustc JSON diagnostic per line, the shape `cargo check
//! --message-format json` carries in its `message` field, so that editors (rust-analyzer
//! takes bare rustc diagnostics from a check command) and `rustfix` read the findings
//! and apply their fixes.
//!
//! Each fix is a `help` child whose spans carry `suggested_replacement` and
//! `suggestion_applicability` (`MachineApplicable` or `MaybeIncorrect`); an insertion is
//! an empty span. Spans have byte offsets, and the source lines they touch, as rustfix
//! needs them to apply a replacement; they are computed from the file as it is now.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, InputError, Report};
use crate::human::byte_offset;

/// One span: `file` lines and columns are 1-based, columns in characters, end exclusive.
struct Place<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn span(
    source: Option<&str>,
    place: &Place<'_>,
    primary: bool,
    label: Option<&str>,
    replacement: Option<(&str, &str)>,
) -> Value {
    let (byte_start, byte_end) = source
        .and_then(|s| {
            Some((
                byte_offset(s, place.line, place.column)?,
                byte_offset(s, place.end_line, place.end_column)?,
            ))
        })
        .unwrap_or((0, 0));
    let text: Vec<Value> = source
        .map(|s| {
            s.split('\n')
                .enumerate()
                .skip(place.line.saturating_sub(1))
                .take(place.end_line.saturating_sub(place.line) + 1)
                .map(|(i, l)| {
                    let l = l.strip_suffix('\r').unwrap_or(l);
                    let n = i + 1;
                    let start = if n == place.line { place.column } else { 1 };
                    let end = if n == place.end_line {
                        place.end_column
                    } else {
                        l.chars().count() + 1
                    };
                    json!({"text": l, "highlight_start": start, "highlight_end": end})
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "file_name": place.file,
        "byte_start": byte_start,
        "byte_end": byte_end,
        "line_start": place.line,
        "line_end": place.end_line,
        "column_start": place.column,
        "column_end": place.end_column,
        "is_primary": primary,
        "text": text,
        "label": label,
        "suggested_replacement": replacement.map(|(r, _)| r),
        "suggestion_applicability": replacement.map(|(_, a)| a),
        "expansion": null,
    })
}

fn child(level: &str, message: String, spans: Vec<Value>) -> Value {
    json!({
        "$message_type": "diagnostic",
        "message": message,
        "code": null,
        "level": level,
        "spans": spans,
        "children": [],
        "rendered": null,
    })
}

fn finding(report: &Report, d: &Diagnostic, source: Option<&str>, allowed: Option<&str>) -> Value {
    let level = match (allowed, d.certainty) {
        (Some(_), _) => "note",
        (None, blockwatch_lint::Certainty::Resolved | blockwatch_lint::Certainty::Transitive) => {
            "error"
        }
        (None, _) => "warning",
    };
    let primary = Place {
        file: &d.file,
        line: d.line,
        column: d.column,
        end_line: d.end_line,
        end_column: d.end_column,
    };
    let mut children = vec![child("note", d.why.clone(), Vec::new())];
    for link in d.chain() {
        children.push(child("note", format!("calls {link}"), Vec::new()));
    }
    for chain in d.more_chains() {
        let leaf = chain.last().map_or("", |l| l.callee.as_str());
        let steps: Vec<String> = chain.iter().map(|l| format!("calls {l}")).collect();
        let text = format!("also reaches `{leaf}`: {}", steps.join(": "));
        children.push(child("note", text, Vec::new()));
    }
    match &d.fix {
        Some(fix) => {
            let applicability = fix.applicability.name();
            let spans = fix
                .edits
                .iter()
                .map(|e| {
                    let place = Place {
                        file: &d.file,
                        line: e.line,
                        column: e.column,
                        end_line: e.end_line,
                        end_column: e.end_column,
                    };
                    span(source, &place, true, None, Some((&e.text, applicability)))
                })
                .collect();
            children.push(child("help", format!("use `{}`", fix.code), spans));
        }
        None => children.push(child("help", d.advice(), Vec::new())),
    }
    if let Some(reason) = allowed {
        children.push(child("note", format!("allowed: {reason}"), Vec::new()));
    }
    let rule = format!("blockwatch/{}", report.category_name(d));
    let rendered = format!(
        "{level}[{rule}]: {}\n  --> {}:{}:{}\n",
        d.headline(),
        d.file,
        d.line,
        d.column
    );
    json!({
        "$message_type": "diagnostic",
        "message": d.headline(),
        "code": {"code": rule, "explanation": null},
        "level": level,
        "spans": [span(source, &primary, true, Some("blocks the executor thread"), None)],
        "children": children,
        "rendered": rendered,
    })
}

fn error(e: &InputError) -> Value {
    let spans = match (e.line, e.column) {
        (Some(line), Some(column)) => vec![span(
            None,
            &Place {
                file: &e.path,
                line,
                column,
                end_line: line,
                end_column: column,
            },
            true,
            None,
            None,
        )],
        _ => Vec::new(),
    };
    json!({
        "$message_type": "diagnostic",
        "message": format!("{}: {}", e.path, e.message),
        "code": {"code": "blockwatch/input", "explanation": null},
        "level": "error",
        "spans": spans,
        "children": [],
        "rendered": format!("error: {}: {}\n", e.location(), e.message),
    })
}

/// Renders the report as JSON lines. `root` is the absolute scanned root (files are
/// read from it for byte offsets and source lines).
pub(crate) fn render(report: &Report, root: &Path) -> String {
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = String::new();
    let mut line = |value: Value| {
        out.push_str(&value.to_string());
        out.push('\n');
    };
    let all = report.findings.iter().map(|d| (d, None)).chain(
        report
            .allowed
            .iter()
            .map(|a| (&a.diagnostic, Some(a.reason.as_str()))),
    );
    for (d, allowed) in all {
        let source = sources
            .entry(&d.file)
            .or_insert_with(|| std::fs::read_to_string(root.join(&d.file)).ok());
        line(finding(report, d, source.as_deref(), allowed));
    }
    for e in &report.errors {
        line(error(e));
    }
    out
}
