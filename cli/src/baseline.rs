//! Baselines: adopting the gate on a codebase that already has findings.
//!
//! `--write-baseline FILE` records today's findings by their line-insensitive
//! fingerprints (the SARIF `partialFingerprints`, see `fingerprint.rs`); `--baseline
//! FILE` then files the findings it records under `allowed` (reason: "in the baseline
//! FILE"), so only new findings fail the run, and lists the entries no finding matches
//! any more (fixed or gone: rewrite the baseline to drop them). A file that is not a
//! baseline of this tool is an error, never an empty baseline.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};

use crate::diagnostic::{Allowed, Report};

/// The `kind` a baseline document declares.
const KIND: &str = "cargo-blockwatch-baseline";
/// The version of the baseline document this build reads and writes.
const VERSION: u64 = 1;

/// A baseline entry: the fingerprint, and what it stood for when written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) fingerprint: String,
    /// `file:line: call in context`, as written, for the stale list.
    pub(crate) shown: String,
}

/// The entries that record the findings of `report`.
pub(crate) fn entries(report: &Report) -> Vec<Entry> {
    let (fingerprints, _) = crate::fingerprint::of_report(report);
    report
        .findings
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| Entry {
            fingerprint,
            shown: format!("{}:{}: `{}` in {}", d.file, d.line, d.call, d.context),
        })
        .collect()
}

/// The baseline document for the findings of `report`.
pub(crate) fn document(report: &Report) -> String {
    let (fingerprints, _) = crate::fingerprint::of_report(report);
    let findings: Vec<Value> = report
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(d, fp)| {
            json!({
                "fingerprint": fp,
                "file": d.file,
                "line": d.line,
                "rule": format!("blockwatch/{}", report.category_name(d)),
                "call": d.call,
                "context": d.context,
            })
        })
        .collect();
    let doc = json!({
        "kind": KIND,
        "version": VERSION,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// Reads a baseline; the error names the file and what is wrong with it.
pub(crate) fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("--baseline {shown}: {e}"))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("--baseline {shown}: not a baseline (invalid JSON: {e})"))?;
    if doc.get("kind").and_then(Value::as_str) != Some(KIND) {
        return Err(format!(
            "--baseline {shown}: not a cargo-blockwatch baseline (no \"kind\": \"{KIND}\"); write one with --write-baseline"
        ));
    }
    match doc.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        other => {
            return Err(format!(
                "--baseline {shown}: baseline version {} is not supported (this cargo-blockwatch reads version {VERSION})",
                other.map_or("(missing)".to_string(), |v| v.to_string())
            ))
        }
    }
    let findings = doc
        .get("findings")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("--baseline {shown}: `findings` is missing or not a list"))?;
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let fingerprint = f
                .get("fingerprint")
                .and_then(Value::as_str)
                .filter(|fp| fp.len() == 16 && fp.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| {
                    format!("--baseline {shown}: findings[{i}]: `fingerprint` is not 16 hex digits")
                })?;
            let field = |k: &str| {
                f.get(k)
                    .map(|v| v.as_str().map_or(v.to_string(), str::to_string))
            };
            let shown = format!(
                "{}:{}: `{}` in {}",
                field("file").unwrap_or_default(),
                field("line").unwrap_or_default(),
                field("call").unwrap_or_default(),
                field("context").unwrap_or_default()
            );
            Ok(Entry {
                fingerprint: fingerprint.to_string(),
                shown,
            })
        })
        .collect()
}

/// Moves the findings of `report` that `entries` record to `allowed`, and returns the
/// entries no finding (allowed or not) matches.
pub(crate) fn apply(report: &mut Report, entries: &[Entry], path: &Path) -> Vec<Entry> {
    let (finding_fps, allowed_fps) = crate::fingerprint::of_report(report);
    let recorded: BTreeSet<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let reason = format!("in the baseline {}", path.display());
    let findings = std::mem::take(&mut report.findings);
    for (d, fp) in findings.into_iter().zip(&finding_fps) {
        if recorded.contains(fp.as_str()) {
            report.allowed.push(Allowed {
                diagnostic: d,
                reason: reason.clone(),
            });
        } else {
            report.findings.push(d);
        }
    }
    let key = |a: &Allowed| {
        (
            a.diagnostic.file.clone(),
            a.diagnostic.line,
            a.diagnostic.column,
        )
    };
    report.allowed.sort_by_key(key);
    let found: BTreeSet<&str> = finding_fps
        .iter()
        .chain(&allowed_fps)
        .map(String::as_str)
        .collect();
    entries
        .iter()
        .filter(|e| !found.contains(e.fingerprint.as_str()))
        .cloned()
        .collect()
}

/// The note listing stale entries, for stderr.
pub(crate) fn stale_note(stale: &[Entry], path: &Path) -> String {
    if stale.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "blockwatch: {} {} of the baseline {} no longer found (fixed or removed; --write-baseline drops {}):\n",
        stale.len(),
        if stale.len() == 1 { "entry" } else { "entries" },
        path.display(),
        if stale.len() == 1 { "it" } else { "them" },
    );
    for e in stale {
        text.push_str(&format!("  {}\n", e.shown));
    }
    text
}
