//! The GitHub format: one workflow command per finding, so that a plain `run:` step
//! annotates the pull request at the call (no code-scanning setup needed).
//!
//! `::error file=src/a.rs,line=3,endLine=3,col=5,endColumn=26,title=blockwatch/fs::message`.
//! The message escapes `%`, `\r` and `\n` (`%25`, `%0D`, `%0A`); property values
//! also escape `:` and `,` (`%3A`, `%2C`), as the runner's command parser expects.

use crate::diagnostic::{Diagnostic, InputError, Report};

/// Escapes the data (message) of a workflow command.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command: `::level k=v,..::message`, escaped.
pub(crate) fn annotation(level: &str, properties: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!("::{level} {}::{}\n", props.join(","), escape_data(message))
}

/// The message of a finding's annotation: what, why, what to do (and the fix).
fn body(d: &Diagnostic) -> String {
    let mut text = format!("{}\n{}", d.headline(), d.why);
    for link in d.chain() {
        text.push_str(&format!("\ncalls {link}"));
    }
    for chain in d.more_chains() {
        let leaf = chain.last().map_or("", |l| l.callee.as_str());
        text.push_str(&format!("\nalso reaches `{leaf}`:"));
        for link in chain {
            text.push_str(&format!("\ncalls {link}"));
        }
    }
    match &d.fix {
        Some(fix) => text.push_str(&format!(
            "\nfix ({}): {}",
            match fix.applicability {
                blockwatch_lint::Applicability::MachineApplicable =>
                    "cargo blockwatch --fix applies it",
                _ => "a suggestion",
            },
            fix.code
        )),
        None => text.push_str(&format!("\n{}", d.advice())),
    }
    text
}

fn finding(report: &Report, d: &Diagnostic, level: &str) -> String {
    let properties = [
        ("file", d.file.clone()),
        ("line", d.line.to_string()),
        ("endLine", d.end_line.to_string()),
        ("col", d.column.to_string()),
        ("endColumn", d.end_column.to_string()),
        ("title", format!("blockwatch/{}", report.category_name(d))),
    ];
    annotation(level, &properties, &body(d))
}

fn error(e: &InputError) -> String {
    let mut properties = vec![("file", e.path.clone())];
    if let Some(line) = e.line {
        properties.push(("line", line.to_string()));
    }
    if let Some(column) = e.column {
        properties.push(("col", column.to_string()));
    }
    properties.push(("title", "blockwatch: input not scanned".to_string()));
    annotation("error", &properties, &e.message)
}

/// The annotation of one reported finding: an error for resolved and transitive
/// findings, a warning for the others.
pub(crate) fn finding_annotation(report: &Report, d: &Diagnostic) -> String {
    let level = match d.certainty {
        blockwatch_lint::Certainty::Resolved | blockwatch_lint::Certainty::Transitive => "error",
        _ => "warning",
    };
    finding(report, d, level)
}

/// What follows the findings: input errors, then (unless `quiet`) allowed findings as
/// notices and the summary line.
pub(crate) fn tail(report: &Report, quiet: bool) -> String {
    let mut out = String::new();
    for e in &report.errors {
        out.push_str(&error(e));
    }
    if !quiet {
        for a in &report.allowed {
            let mut line = finding(report, &a.diagnostic, "notice");
            line.truncate(line.trim_end().len());
            line.push_str(&escape_data(&format!("\nallowed: {}", a.reason)));
            line.push('\n');
            out.push_str(&line);
        }
        out.push_str(&crate::human::summary(report));
    }
    out
}

/// Renders the report as workflow commands, one per finding (`--group site`).
pub(crate) fn render(report: &Report, quiet: bool) -> String {
    let mut out: String = report
        .findings
        .iter()
        .map(|d| finding_annotation(report, d))
        .collect();
    out.push_str(&tail(report, quiet));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_escape_what_the_runner_parses() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("50% a\r\nb: c, d"),
            "50%25 a%0D%0Ab%3A c%2C d"
        );
        assert_eq!(
            annotation(
                "error",
                &[("file", "a,b:c.rs".into()), ("line", "3".into())],
                "x\ny"
            ),
            "::error file=a%2Cb%3Ac.rs,line=3::x%0Ay\n"
        );
    }
}
