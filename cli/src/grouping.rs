//! Grouping findings by their blocking leaf, so that thousands of findings read as a
//! short list: the async call sites that reach one blocking call in a sync helper are
//! one entry, with the chain, how many sites reach it, the first few of them and the
//! one fix that clears them all.
//!
//! A group's key is line-insensitive like a fingerprint: the leaf's file, the fn that
//! makes the blocking call and the blocking API (for a direct finding, the finding's own
//! fingerprint: a group of one). Entries are ordered by what their leaf costs the
//! executor: processes, network, databases and executor waits first, file reads after,
//! `metadata`/`exists` checks last.

use std::collections::HashMap;
use std::path::Path;

use blockwatch_lint::{Category, ChainLink};

use crate::diagnostic::{Diagnostic, Report};
use crate::fingerprint::fnv1a;

/// How many call sites a group lists before "and N more".
const SITES_SHOWN: usize = 3;

/// Cheap filesystem checks: ranked after the reads.
const FS_CHECKS: &[&str] = &[
    "std::fs::metadata",
    "std::fs::symlink_metadata",
    "std::fs::exists",
    "std::path::Path::exists",
    "std::path::Path::try_exists",
    "std::path::Path::is_file",
    "std::path::Path::is_dir",
    "std::path::Path::is_symlink",
    "std::path::Path::metadata",
    "std::path::Path::symlink_metadata",
];

/// The order of a finding's blocking API: lower first.
pub(crate) fn cost_rank(d: &Diagnostic) -> u8 {
    match d.category {
        Category::Process => 0,
        Category::Net | Category::Dns | Category::Http | Category::Db => 1,
        Category::Executor | Category::Sync | Category::Thread | Category::TokioBlocking => 2,
        Category::Fs if FS_CHECKS.contains(&d.blocking_api()) => 5,
        Category::Fs => 4,
        _ => 3,
    }
}

/// The leaf of a transitive finding: the blocking call, and the fn that makes it.
fn leaf(d: &Diagnostic) -> Option<(&ChainLink, &str)> {
    if !d.is_transitive() {
        return None;
    }
    let last = d.chain().last()?;
    let container = match d.chain().len() {
        1 => d.resolved.as_str(),
        n => d.chain()[n - 2].callee.as_str(),
    };
    Some((last, container))
}

/// The group key of a finding whose fingerprint is `fingerprint`.
pub(crate) fn key(d: &Diagnostic, fingerprint: &str) -> String {
    match leaf(d) {
        Some((link, container)) => fnv1a(&["leaf", &link.file, container, &link.callee]),
        None => fingerprint.to_string(),
    }
}

/// The group keys of `report.findings` and `report.allowed`, index for index.
pub(crate) fn keys(report: &Report) -> (Vec<String>, Vec<String>) {
    let (findings, allowed) = crate::fingerprint::of_report(report);
    (
        report
            .findings
            .iter()
            .zip(&findings)
            .map(|(d, fp)| key(d, fp))
            .collect(),
        report
            .allowed
            .iter()
            .zip(&allowed)
            .map(|(a, fp)| key(&a.diagnostic, fp))
            .collect(),
    )
}

/// The findings of `report` as groups (indices into `report.findings`), in report order
/// within a group, groups ordered by cost, then by their first site.
pub(crate) fn groups(report: &Report) -> Vec<Vec<usize>> {
    let (keys, _) = keys(report);
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match index.get(k.as_str()) {
            Some(&g) => groups[g].push(i),
            None => {
                index.insert(k, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups.sort_by_key(|g| (cost_rank(&report.findings[g[0]]), g[0]));
    groups
}

/// The catalog's why and replacement of a leaf's blocking API (built-in entries).
fn leaf_entry(link: &ChainLink) -> Option<(String, String)> {
    blockwatch_lint::Catalog::builtin()
        .entries()
        .iter()
        .find(|e| e.key() == link.callee)
        .map(|e| (e.why.to_string(), e.replacement.to_string()))
}

/// Why a group's leaf blocks: the catalog's reason, else the first site's.
fn group_why(first: &Diagnostic, link: &ChainLink) -> String {
    leaf_entry(link).map_or_else(|| first.why.clone(), |(why, _)| why)
}

/// The advice that clears every site of a group at once: fix the leaf.
fn group_fix(link: &ChainLink, container: &str) -> String {
    let replacement = leaf_entry(link)
        .map(|(_, r)| format!("`{r}`"))
        .unwrap_or_else(|| "its async replacement".to_string());
    format!(
        "make `{container}` async and use {replacement} instead of `{}` at {}:{} (its callers up the chain become async), or call `{container}` through `tokio::task::spawn_blocking(move || ..).await`",
        link.callee, link.file, link.line
    )
}

/// The sites of a group, `file:line:col (context)`, the first few and a count.
fn sites(report: &Report, members: &[usize]) -> String {
    let mut shown: Vec<String> = members
        .iter()
        .take(SITES_SHOWN)
        .map(|&i| {
            let d = &report.findings[i];
            format!("{}:{}:{} ({})", d.file, d.line, d.column, d.context)
        })
        .collect();
    if members.len() > SITES_SHOWN {
        shown.push(format!("and {} more", members.len() - SITES_SHOWN));
    }
    shown.join(", ")
}

/// The headline of a group of transitive findings.
fn headline(report: &Report, members: &[usize], link: &ChainLink, container: &str) -> String {
    let test = if members.iter().all(|&i| report.findings[i].in_test) {
        " (test code)"
    } else {
        ""
    };
    format!(
        "`{}` in `{container}` blocks the executor thread at {} async call sites{test}",
        link.callee,
        members.len()
    )
}

/// The chain of the first site, one line.
fn chain_line(d: &Diagnostic) -> String {
    let mut parts = vec![format!("`{}` at {}:{}", d.call, d.file, d.line)];
    parts.extend(d.chain().iter().map(|l| l.to_string()));
    parts.join(" -> ")
}

/// The other blocking leaves the first site reaches, `api` at `file:line`, or `None`.
fn other_leaves(d: &Diagnostic) -> Option<String> {
    let leaves: Vec<String> = d
        .more_chains()
        .iter()
        .filter_map(|c| c.last())
        .map(|l| format!("`{}` at {}:{}", l.callee, l.file, l.line))
        .collect();
    (!leaves.is_empty()).then(|| leaves.join(", "))
}

/// A group of several transitive findings, in the human format.
fn human_group(report: &Report, members: &[usize]) -> Option<String> {
    let first = &report.findings[members[0]];
    let (link, container) = leaf(first)?;
    let rule = format!("blockwatch/{}", report.category_name(first));
    let also = other_leaves(first)
        .map(|l| format!("   = note: the first site also reaches {l}\n"))
        .unwrap_or_default();
    Some(format!(
        "warning[{rule}]: {}\n  --> {}:{}:{}\n   |\n   = note: call chain (first site): {}\n{also}   = note: reached from {}\n   = note: {}\n   = help: one fix clears all {}: {}\n\n",
        headline(report, members, link, container),
        link.file,
        link.line,
        link.column,
        chain_line(first),
        sites(report, members),
        group_why(first, link),
        members.len(),
        group_fix(link, container),
    ))
}

/// The human format, grouped by leaf: a group of one reads as `--group site` would.
pub(crate) fn render_human(report: &Report, root: &Path, color: bool, quiet: bool) -> String {
    let one = |findings: Vec<Diagnostic>| Report {
        findings,
        separate_tests: report.separate_tests,
        files_scanned: report.files_scanned,
        ..Report::default()
    };
    let mut out = String::new();
    for members in groups(report) {
        let grouped = (members.len() > 1)
            .then(|| human_group(report, &members))
            .flatten();
        match grouped {
            Some(text) => out.push_str(&text),
            None => {
                let part = one(members
                    .iter()
                    .map(|&i| report.findings[i].clone())
                    .collect());
                out.push_str(&crate::human::render(&part, root, color, true));
            }
        }
    }
    if !quiet {
        let mut tail = one(Vec::new());
        tail.allowed = report.allowed.clone();
        let rendered = crate::human::render(&tail, root, color, false);
        let summary_of_tail = crate::human::summary(&tail);
        out.push_str(rendered.strip_suffix(&summary_of_tail).unwrap_or(&rendered));
        out.push_str(&crate::human::summary(report));
    }
    out
}

/// The GitHub format, grouped by leaf: one annotation per group, at the leaf.
pub(crate) fn render_github(report: &Report, quiet: bool) -> String {
    let mut out = String::new();
    for members in groups(report) {
        let first = &report.findings[members[0]];
        match (members.len() > 1).then(|| leaf(first)).flatten() {
            Some((link, container)) => {
                let also = other_leaves(first)
                    .map(|l| format!("\nthe first site also reaches {l}"))
                    .unwrap_or_default();
                let message = format!(
                    "{}\n{}\nchain (first site): {}{also}\nreached from {}\none fix clears all {}: {}",
                    headline(report, &members, link, container),
                    group_why(first, link),
                    chain_line(first),
                    sites(report, &members),
                    members.len(),
                    group_fix(link, container)
                );
                let title = format!("blockwatch/{}", report.category_name(first));
                out.push_str(&crate::github::annotation(
                    "error",
                    &[
                        ("file", link.file.clone()),
                        ("line", link.line.to_string()),
                        ("col", link.column.to_string()),
                        ("title", title),
                    ],
                    &message,
                ));
            }
            None => {
                for &i in &members {
                    out.push_str(&crate::github::finding_annotation(
                        report,
                        &report.findings[i],
                    ));
                }
            }
        }
    }
    out.push_str(&crate::github::tail(report, quiet));
    out
}
