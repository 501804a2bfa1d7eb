//! `--fix` and `--diff`: rewriting the calls whose fix is machine-applicable.
//!
//! The engine attaches the fixes (`blockwatch_lint::Fix`, from the catalog's fix rules);
//! this module decides which ones to apply and applies them: only machine-applicable
//! fixes of reported findings (not allowed ones), only where the package depends on the
//! crate and feature the new code needs, all of a file's fixes or none of them
//! ([`apply`]), then removing the imports they left unused ([`imports`]).

mod apply;
mod deps;
mod diff;
mod imports;
mod vcs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use blockwatch_lint::Applicability;

use crate::args::Options;
use crate::diagnostic::{Diagnostic, Report};

/// What `--fix` / `--diff` will do to one file.
struct FilePlan<'r> {
    rel: String,
    findings: Vec<&'r Diagnostic>,
}

/// One file's outcome.
struct FileResult<'r> {
    rel: String,
    path: PathBuf,
    old: String,
    new: String,
    removed_lines: BTreeSet<usize>,
    removed_imports: Vec<String>,
    findings: Vec<&'r Diagnostic>,
}

/// The fixable findings by file, and notes on the machine-applicable ones left out.
fn plan<'r>(report: &'r Report, root: &Path) -> (Vec<FilePlan<'r>>, Vec<String>) {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut packages: BTreeMap<PathBuf, Option<(PathBuf, deps::Dependencies)>> = BTreeMap::new();
    for d in &report.findings {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability != Applicability::MachineApplicable {
            continue;
        }
        let abs = root.join(&d.file);
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let package = packages
            .entry(dir)
            .or_insert_with(|| deps::package_of(&abs));
        let location = format!("{}:{}:{}", d.file, d.line, d.column);
        let Some((package_dir, dependencies)) = package else {
            notes.push(format!(
                "not fixed: {location}: no Cargo.toml with [package] above the file"
            ));
            continue;
        };
        let in_package = abs.strip_prefix(&*package_dir).unwrap_or(&abs);
        let dev = d.in_test
            || ["tests", "examples", "benches"]
                .iter()
                .any(|dir| in_package.starts_with(dir));
        if !dependencies.satisfy(&fix.requires, dev) {
            notes.push(format!(
                "not fixed: {location}: `{}` needs the `{}` crate with feature `{}` as a dependency of {}",
                fix.code,
                fix.requires.krate,
                fix.requires.feature,
                package_dir.join("Cargo.toml").display()
            ));
            continue;
        }
        by_file.entry(&d.file).or_default().push(d);
    }
    let plans = by_file
        .into_iter()
        .map(|(rel, findings)| FilePlan {
            rel: rel.to_string(),
            findings,
        })
        .collect();
    (plans, notes)
}

/// The line the human format prints before its summary when `--fix` would change
/// something: how many findings it fixes. Empty when there are none.
pub(crate) fn note(report: &Report, root: &Path) -> String {
    let (plans, _) = plan(report, root);
    let n: usize = plans.iter().map(|p| p.findings.len()).sum();
    match n {
        0 => String::new(),
        1 => "blockwatch: 1 finding has a fix that `cargo blockwatch --fix` applies (`--diff` shows it)\n".to_string(),
        n => format!("blockwatch: {n} findings have a fix that `cargo blockwatch --fix` applies (`--diff` shows them)\n"),
    }
}

/// Applies one file's plan in memory.
fn fix_file<'r>(root: &Path, plan: FilePlan<'r>) -> Result<FileResult<'r>, String> {
    let path = root.join(&plan.rel);
    let old = std::fs::read_to_string(&path).map_err(|e| format!("cannot read it: {e}"))?;
    let planned: Vec<apply::Planned<'_>> = plan
        .findings
        .iter()
        .enumerate()
        .filter_map(|(id, d)| {
            d.fix.as_ref().map(|f| apply::Planned {
                id,
                edits: &f.edits,
            })
        })
        .collect();
    let fixed = apply::apply(&old, &planned)?;
    // The first segment of each replaced path, as written, is what a `use` imported.
    let names: BTreeSet<String> = plan
        .findings
        .iter()
        .filter_map(|d| d.fix.as_ref()?.edits.first())
        .filter(|e| e.line == e.end_line && e.column < e.end_column)
        .filter_map(|e| {
            let line = old.split('\n').nth(e.line - 1)?;
            let written: String = line
                .chars()
                .skip(e.column - 1)
                .take(e.end_column - e.column)
                .collect();
            written.split("::").next().map(str::to_string)
        })
        .filter(|first| !first.is_empty() && first != "std")
        .collect();
    let (new, removed_lines, removed_imports) = imports::remove_unused(&fixed.text, &names);
    Ok(FileResult {
        rel: plan.rel,
        path,
        old,
        new,
        removed_lines,
        removed_imports,
        findings: plan.findings,
    })
}

/// Runs `--fix` or `--diff`. Returns the exit code when the run ends here (`--diff`, or
/// an error), `None` when the caller should scan again and report what is left.
pub(crate) fn run(opts: &Options) -> Option<u8> {
    let (report, root) = match crate::scan::run(opts) {
        Ok(done) => done,
        Err(crate::scan::Fatal(message)) => {
            crate::print_err(&format!("error: {message}\n"));
            return Some(crate::EXIT_USAGE);
        }
    };
    let (plans, mut notes) = plan(&report, &root);
    let mut results = Vec::new();
    for p in plans {
        let rel = p.rel.clone();
        match fix_file(&root, p) {
            Ok(r) => results.push(r),
            Err(why) => notes.push(format!("not fixed: {rel}: left as it is: {why}")),
        }
    }
    let mut err = String::new();
    for n in &notes {
        err.push_str(&format!("blockwatch: {n}\n"));
    }
    if opts.fix.diff {
        let patch: String = results
            .iter()
            .map(|r| diff::unified(&r.rel, &r.old, &r.new, &r.removed_lines))
            .collect();
        crate::print_err(&err);
        crate::print(&patch);
        return Some(report.exit_code());
    }
    if !opts.fix.allow_dirty && !results.is_empty() {
        let files: Vec<&Path> = results.iter().map(|r| r.path.as_path()).collect();
        if let Some(why) = vcs::refuse(&root, &files) {
            crate::print_err(&format!("{err}error: --fix: {why}\n"));
            return Some(crate::EXIT_USAGE);
        }
    }
    let mut fixes = 0;
    for r in &results {
        if let Err(e) = std::fs::write(&r.path, &r.new) {
            err.push_str(&format!(
                "blockwatch: not fixed: {}: cannot write it: {e}\n",
                r.rel
            ));
            continue;
        }
        for d in &r.findings {
            if let Some(fix) = &d.fix {
                fixes += 1;
                err.push_str(&format!(
                    "blockwatch: fixed {}:{}:{}: `{}` -> `{}`\n",
                    r.rel, d.line, d.column, d.call, fix.code
                ));
            }
        }
        for name in &r.removed_imports {
            err.push_str(&format!(
                "blockwatch: removed the unused `use` of `{name}` in {}\n",
                r.rel
            ));
        }
    }
    err.push_str(&format!(
        "blockwatch: {fixes} {} applied in {} {}\n",
        if fixes == 1 { "fix" } else { "fixes" },
        results.len(),
        if results.len() == 1 { "file" } else { "files" }
    ));
    crate::print_err(&err);
    None
}
