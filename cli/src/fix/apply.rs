//! Applying located edits to a file's text, all or nothing.
//!
//! The edits come from the engine as lines and columns (characters); they become byte
//! offsets here. A file is left as it is on any doubt: an edit outside the text, two
//! edits that overlap or insert at the same point, an `.await` that would not follow a
//! `)`, a replaced range that is not a path on one line, or a result that no longer
//! parses. Edits never add or remove line breaks, so line endings (`\n` or `\r\n`)
//! and every line not edited stay byte for byte.

use std::collections::BTreeSet;

use blockwatch_lint::fix::LocatedEdit;

/// One fix to apply: its edits, and an index the caller uses to refer to it.
pub(crate) struct Planned<'a> {
    /// The caller's index of the fix.
    pub(crate) id: usize,
    /// Its edits.
    pub(crate) edits: &'a [LocatedEdit],
}

/// A file after its fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fixed {
    /// The new text.
    pub(crate) text: String,
    /// 1-based lines of the old text that were removed (unused `use` items).
    pub(crate) removed_lines: BTreeSet<usize>,
    /// The names whose `use` items were removed.
    pub(crate) removed_imports: Vec<String>,
}

/// A byte edit of the old text.
#[derive(Debug, Clone)]
struct ByteEdit {
    start: usize,
    end: usize,
    text: String,
    id: usize,
}

/// The byte offset of 1-based `line`, `column` (in characters) in `text`.
fn offset(text: &str, line_starts: &[usize], line: usize, column: usize) -> Option<usize> {
    let start = *line_starts.get(line.checked_sub(1)?)?;
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = &text[start..line_end];
    let skip = column.checked_sub(1)?;
    if skip == line_text.chars().count() {
        return Some(line_end);
    }
    line_text.char_indices().nth(skip).map(|(i, _)| start + i)
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Applies every fix of `planned` to `old`, or none: the error says why not.
pub(crate) fn apply(old: &str, planned: &[Planned<'_>]) -> Result<Fixed, String> {
    let starts = line_starts(old);
    let mut edits = Vec::new();
    for p in planned {
        for e in p.edits {
            let at = |l, c| {
                offset(old, &starts, l, c)
                    .ok_or_else(|| format!("an edit at {l}:{c} lies outside the file"))
            };
            let start = at(e.line, e.column)?;
            let end = at(e.end_line, e.end_column)?;
            if end < start {
                return Err(format!(
                    "an edit at {}:{} ends before it starts",
                    e.line, e.column
                ));
            }
            let replaced = &old[start..end];
            if !replaced
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
            {
                return Err(format!(
                    "the text at {}:{} is not a path on one line: `{replaced}`",
                    e.line, e.column
                ));
            }
            if start == end && e.text.starts_with('.') && !old[..start].ends_with(')') {
                return Err(format!(
                    "`{}` would not follow a call at {}:{}",
                    e.text, e.line, e.column
                ));
            }
            if e.text.contains('\n') || e.text.contains('\r') {
                return Err(format!(
                    "an edit at {}:{} adds a line break",
                    e.line, e.column
                ));
            }
            edits.push(ByteEdit {
                start,
                end,
                text: e.text.clone(),
                id: p.id,
            });
        }
    }
    edits.sort_by_key(|e| (e.start, e.end));
    for pair in edits.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let same_point = a.start == a.end && b.start == b.end && a.start == b.start;
        if b.start < a.end || (same_point && a.id != b.id) || (a.start == b.start && a.id != b.id) {
            let (line, column) = line_col(old, &starts, b.start);
            return Err(format!("two fixes overlap at {line}:{column}"));
        }
    }
    let mut text = old.to_string();
    for e in edits.iter().rev() {
        text.replace_range(e.start..e.end, &e.text);
    }
    if let Err(e) = syn::parse_file(&text) {
        let lc = e.span().start();
        proc_macro2::extra::invalidate_current_thread_spans();
        return Err(format!(
            "the fixed file would not parse ({}:{}: {e})",
            lc.line,
            lc.column + 1
        ));
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    Ok(Fixed {
        text,
        removed_lines: BTreeSet::new(),
        removed_imports: Vec::new(),
    })
}

fn line_col(text: &str, starts: &[usize], byte: usize) -> (usize, usize) {
    let line = starts.partition_point(|&s| s <= byte);
    let start = starts[line - 1];
    (line, text[start..byte].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        text: &str,
    ) -> LocatedEdit {
        LocatedEdit {
            line,
            column,
            end_line,
            end_column,
            text: text.to_string(),
        }
    }

    #[test]
    fn offsets_count_characters_and_keep_crlf() {
        let text = "fn a() {}\r\nfn ü() { f(x); }\r\n";
        let starts = line_starts(text);
        assert_eq!(
            offset(text, &starts, 2, 10),
            Some(text.find("f(x)").unwrap())
        );
        assert_eq!(offset(text, &starts, 9, 1), None);
        let edits = [edit(2, 16, 2, 17, "g"), edit(2, 20, 2, 20, ".await")];
        let fixed = apply(
            "async fn a() {}\r\nasync fn ü() { f(x); }\r\n",
            &[Planned {
                id: 0,
                edits: &edits,
            }],
        )
        .unwrap();
        assert_eq!(
            fixed.text,
            "async fn a() {}\r\nasync fn ü() { g(x).await; }\r\n"
        );
    }

    #[test]
    fn overlapping_fixes_leave_the_file_alone() {
        let a = [edit(1, 16, 1, 17, "g")];
        let b = [edit(1, 16, 1, 17, "h")];
        let err = apply(
            "async fn f() { f(x); }",
            &[Planned { id: 0, edits: &a }, Planned { id: 1, edits: &b }],
        )
        .unwrap_err();
        assert_eq!(err, "two fixes overlap at 1:16");
    }

    #[test]
    fn await_must_follow_a_call_and_the_result_must_parse() {
        let a = [edit(1, 17, 1, 17, ".await")];
        let err = apply("async fn f() { f(x); }", &[Planned { id: 0, edits: &a }]).unwrap_err();
        assert_eq!(err, "`.await` would not follow a call at 1:17");
        let b = [edit(1, 16, 1, 17, "g::")];
        let err = apply("async fn f() { f(x); }", &[Planned { id: 0, edits: &b }]).unwrap_err();
        assert!(
            err.starts_with("the fixed file would not parse (1:"),
            "{err}"
        );
    }

    #[test]
    fn replaced_text_must_be_a_path() {
        let a = [edit(1, 16, 1, 20, "g")];
        let err = apply("async fn f() { f(x); }", &[Planned { id: 0, edits: &a }]).unwrap_err();
        assert_eq!(err, "the text at 1:16 is not a path on one line: `f(x)`");
    }
}
