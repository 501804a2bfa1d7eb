//! The human format: rustc-style diagnostics with the call underlined in its source
//! line, then a one-line summary.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, InputError, Report};

/// Byte offset of a 1-based (line, character column) position in `source`, if it exists.
/// A column just past the end of the line is allowed (an exclusive end).
pub(crate) fn byte_offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line == 1 {
        0
    } else {
        source
            .match_indices('\n')
            .nth(line.checked_sub(2)?)
            .map(|(i, _)| i + 1)?
    };
    let rest = &source[line_start..];
    let line_text = rest.split('\n').next().unwrap_or("");
    let col = column.checked_sub(1)?;
    let within: usize = line_text.chars().take(col).map(char::len_utf8).sum();
    if line_text.chars().count() < col {
        return None;
    }
    Some(line_start + within)
}

fn rule_id(report: &Report, d: &Diagnostic) -> String {
    format!("blockwatch/{}", report.category_name(d))
}

fn diagnostic_group<'a>(
    report: &Report,
    d: &'a Diagnostic,
    source: Option<&'a str>,
    allowed: Option<&'a str>,
) -> Group<'a> {
    let level = if allowed.is_some() {
        Level::NOTE
    } else {
        Level::WARNING
    };
    let title = level.primary_title(d.headline()).id(rule_id(report, d));
    // Only the lines of the call go to the renderer, so a file with many findings is not
    // laid out again in full for each of them.
    let excerpt = source.and_then(|src| {
        let start = byte_offset(src, d.line, d.column)?;
        let end = byte_offset(src, d.end_line, d.end_column)?;
        // An empty span still underlines one character (annotate-snippets needs a
        // non-empty range on a char boundary).
        let end = if end > start {
            end
        } else {
            start + src[start..].chars().next().map_or(0, char::len_utf8)
        };
        let first = byte_offset(src, d.line, 1)?;
        let last = src[end.min(src.len())..]
            .find('\n')
            .map_or(src.len(), |i| end + i);
        // A CRLF file: the `\r` ends the line too.
        let last = if last > end && src[..last].ends_with('\r') {
            last - 1
        } else {
            last
        };
        (end <= src.len() && first <= start)
            .then(|| (&src[first..last], start - first..end - first))
    });
    let mut group = match excerpt {
        Some((lines, span)) => title.element(
            Snippet::source(lines)
                .path(d.file.as_str())
                .line_start(d.line)
                .fold(true)
                .annotation(
                    AnnotationKind::Primary
                        .span(span)
                        .label("blocks the executor thread"),
                ),
        ),
        None => title.element(
            Origin::path(d.file.as_str())
                .line(d.line)
                .char_column(d.column),
        ),
    };
    if !d.chain().is_empty() {
        let mut text = String::from("call chain:");
        for link in d.chain() {
            text.push_str(&format!("\n  calls {link}"));
        }
        group = group.element(Level::NOTE.message(text));
    }
    for chain in d.more_chains() {
        let leaf = chain.last().map_or("", |l| l.callee.as_str());
        let mut text = format!("also reaches `{leaf}`:");
        for link in chain {
            text.push_str(&format!("\n  calls {link}"));
        }
        group = group.element(Level::NOTE.message(text));
    }
    group = group.element(Level::NOTE.message(d.why.as_str()));
    group = group.element(Level::HELP.message(d.advice()));
    if let Some(reason) = allowed {
        group = group.element(Level::NOTE.message(format!("allowed by configuration: {reason}")));
    }
    group
}

/// Renders input errors as rustc-style `error:` lines.
pub(crate) fn render_errors(errors: &[InputError], color: bool) -> String {
    render_inputs(errors, Level::ERROR, color)
}

/// Renders what could not be analysed in dependencies as `note:` lines.
pub(crate) fn render_notes(notes: &[InputError], color: bool) -> String {
    render_inputs(notes, Level::NOTE, color)
}

fn render_inputs(errors: &[InputError], level: Level<'_>, color: bool) -> String {
    let renderer = renderer(color);
    let mut out = String::new();
    for e in errors {
        let mut origin = Origin::path(e.path.as_str());
        if let Some(line) = e.line {
            origin = origin.line(line);
            if let Some(column) = e.column {
                origin = origin.char_column(column);
            }
        }
        let group = level
            .clone()
            .primary_title(e.message.as_str())
            .element(origin);
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out
}

fn renderer(color: bool) -> Renderer {
    let r = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    r.decor_style(DecorStyle::Ascii)
}

/// The one-line summary: counts by category, allowed findings, errors.
pub(crate) fn summary(report: &Report) -> String {
    let mut by_category: Vec<(&str, usize)> = Vec::new();
    for d in &report.findings {
        let name = report.category_name(d);
        match by_category.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => by_category.push((name, 1)),
        }
    }
    by_category.sort();
    let n = report.findings.len();
    let mut text = format!(
        "blockwatch: {n} finding{} in {} file{} scanned",
        if n == 1 { "" } else { "s" },
        report.files_scanned,
        if report.files_scanned == 1 { "" } else { "s" },
    );
    if !by_category.is_empty() {
        let parts: Vec<String> = by_category
            .iter()
            .map(|(name, count)| format!("{name}: {count}"))
            .collect();
        text.push_str(&format!(" ({})", parts.join(", ")));
    }
    if report.dependencies > 0 {
        text.push_str(&format!(
            ", {} dependenc{} analysed ({} from cache",
            report.dependencies,
            if report.dependencies == 1 { "y" } else { "ies" },
            report.dependencies_cached
        ));
        if report.dependencies_not_reached > 0 {
            text.push_str(&format!(
                ", {} not reached",
                report.dependencies_not_reached
            ));
        }
        text.push(')');
    }
    if !report.allowed.is_empty() {
        text.push_str(&format!(", {} allowed", report.allowed.len()));
    }
    if !report.errors.is_empty() {
        text.push_str(&format!(
            ", {} input error{}",
            report.errors.len(),
            if report.errors.len() == 1 { "" } else { "s" }
        ));
    }
    text.push('\n');
    text
}

/// Renders findings (and, unless quiet, allowed findings and the summary). Sources are
/// read again from `root`/file; when that fails, the location is shown without a snippet.
pub(crate) fn render(report: &Report, root: &Path, color: bool, quiet: bool) -> String {
    let renderer = renderer(color);
    let mut sources: HashMap<String, Option<String>> = HashMap::new();
    let mut load = |file: &str| -> Option<String> {
        sources
            .entry(file.to_string())
            .or_insert_with(|| {
                let path = Path::new(file);
                let path = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    root.join(path)
                };
                fs::read_to_string(path).ok()
            })
            .clone()
    };
    let mut out = String::new();
    for d in &report.findings {
        let source = load(d.file.as_str());
        out.push_str(&renderer.render(&[diagnostic_group(report, d, source.as_deref(), None)]));
        out.push_str("\n\n");
    }
    if !quiet {
        for a in &report.allowed {
            let source = load(a.diagnostic.file.as_str());
            let group = diagnostic_group(report, &a.diagnostic, source.as_deref(), Some(&a.reason));
            out.push_str(&renderer.render(&[group]));
            out.push_str("\n\n");
        }
        out.push_str(&summary(report));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine's finding for `std::fs::read(..)` in `async fn c`, placed at the given span.
    fn finding(line: usize, column: usize, end_line: usize, end_column: usize) -> Diagnostic {
        let file: syn::File = syn::parse_str("async fn c() { std::fs::read(\"x\"); }").unwrap();
        let summary =
            blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
        let mut d = summary.findings[0].clone();
        (d.line, d.column, d.end_line, d.end_column) = (line, column, end_line, end_column);
        d
    }

    fn render_one(d: &Diagnostic, source: &str) -> String {
        let report = Report::default();
        renderer(false).render(&[diagnostic_group(&report, d, Some(source), None)])
    }

    #[test]
    fn renders_only_the_lines_of_the_call_also_with_crlf() {
        let src = "fn a() {}\r\nasync fn c() {\r\n    std::fs::read(\r\n        \"x\",\r\n    );\r\n}\r\n";
        let out = render_one(&finding(3, 5, 5, 6), src);
        assert!(out.contains("--> src/lib.rs:3:5"), "{out}");
        assert!(out.contains("3 | /     std::fs::read("), "{out}");
        assert!(out.contains("5 | |     );"), "{out}");
        assert!(
            !out.contains("fn a()") && !out.contains('\r') && !out.contains('␍'),
            "{out}"
        );
        assert!(
            out.contains("= help: use instead: tokio::fs::read(\"x\").await"),
            "{out}"
        );
    }

    #[test]
    fn a_location_outside_the_source_is_shown_without_a_snippet() {
        let out = render_one(&finding(40, 1, 40, 9), "fn a() {}\n");
        assert!(out.contains("--> src/lib.rs:40:1"), "{out}");
        assert!(!out.contains("fn a()"), "{out}");
    }

    #[test]
    fn byte_offsets_count_characters_not_bytes() {
        let src = "fn a() {}\nlet ü = x();\n";
        assert_eq!(byte_offset(src, 1, 1), Some(0));
        assert_eq!(byte_offset(src, 2, 1), Some(10));
        // `x` is the 9th character of line 2, after the two-byte `ü`.
        assert_eq!(byte_offset(src, 2, 9), Some(10 + 9));
        assert_eq!(&src[byte_offset(src, 2, 9).unwrap()..][..1], "x");
        assert_eq!(byte_offset(src, 2, 13), Some(src.len() - 1), "end of line");
        assert_eq!(byte_offset(src, 2, 40), None);
        assert_eq!(byte_offset(src, 9, 1), None);
        assert_eq!(byte_offset(src, 0, 1), None);
    }
}
