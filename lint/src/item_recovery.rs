//! Reading a file item by item when syn refuses it whole, so that one item syn cannot
//! read costs that item, not the file.
//!
//! rustc accepts syntax syn 2 does not: edition-2015 crates still write trait objects
//! without `dyn` (`type Action = Fn(&siginfo_t) + Send;` in signal-hook-registry, which
//! tokio's `signal` feature pulls into most services), and a newer compiler accepts
//! syntax before syn learns it. A dependency's blocking fns sit in the same file as such
//! an item; skipping the whole file would hide them.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use crate::parse::{parse_checked, SourceError};

/// A file read item by item: the items syn could read, and where it could not.
///
/// ```
/// let text = "type A = Fn(&u8) + Send;\npub fn after() {}\n";
/// let read = blockwatch_lint::parse_source_recovering(text, 100).unwrap();
/// assert_eq!(read.file.items.len(), 1);
/// assert_eq!(read.skipped[0].line, 1);
/// ```
#[derive(Debug)]
pub struct RecoveredFile {
    /// Every item syn could read, in source order (forwarding macros flattened as
    /// [`parse_source`](crate::parse_source) does).
    pub file: syn::File,
    /// The items left out, in source order; empty when syn read the file whole.
    pub skipped: Vec<SkippedItem>,
}

/// An item syn could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedItem {
    /// Where syn stopped reading it (1-based line).
    pub line: usize,
    /// Where syn stopped reading it (1-based column, in characters).
    pub column: usize,
    /// What syn said.
    pub message: String,
}

/// Parses `text` as [`parse_source`](crate::parse_source) does; when syn refuses the file
/// but it lexes, parses it item by item and leaves out the items syn cannot read. A file
/// that does not lex (an unclosed delimiter or string) or nests too deep is still an
/// error: there are no item boundaries to trust.
///
/// ```
/// let read = blockwatch_lint::parse_source_recovering("fn f() {}", 100).unwrap();
/// assert!(read.skipped.is_empty());
/// assert!(blockwatch_lint::parse_source_recovering("fn f() {", 100).is_err());
/// ```
pub fn parse_source_recovering(text: &str, limit: usize) -> Result<RecoveredFile, SourceError> {
    let (mut file, skipped) = match parse_checked(text, limit) {
        Ok(file) => (file, Vec::new()),
        Err(SourceError::Syntax(whole)) => match lex_items(text) {
            Some(trees) => read_items(trees),
            None => return Err(SourceError::Syntax(whole)),
        },
        Err(too_deep) => return Err(too_deep),
    };
    crate::flatten_item_macros(&mut file.items);
    Ok(RecoveredFile { file, skipped })
}

/// The file's top-level token trees, lexed without its byte-order mark (as syn reads it)
/// and with its shebang line blanked (not removed, so that every span keeps its line).
fn lex_items(text: &str) -> Option<Vec<TokenTree>> {
    let mut source = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    if source.starts_with("#!") && !source.starts_with("#![") {
        let end = source.find('\n').unwrap_or(source.len());
        source.replace_range(..end, &" ".repeat(end));
    }
    source
        .parse::<TokenStream>()
        .ok()
        .map(|tokens| tokens.into_iter().collect())
}

/// How many item boundaries past the first one an item may reach before it is given up:
/// an item whose first boundary is not its end (`const C: S = S { a: 1 };`, a brace
/// inside `impl X<{ N }>`) ends within a few.
const BOUNDARY_LOOKAHEAD: usize = 4;

fn read_items(trees: Vec<TokenTree>) -> (syn::File, Vec<SkippedItem>) {
    let mut file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: Vec::new(),
    };
    let mut start = inner_attributes(&trees, &mut file.attrs);
    let ends = item_ends(&trees);
    let mut skipped = Vec::new();
    while start < trees.len() {
        let candidates: Vec<usize> = ends
            .iter()
            .copied()
            .filter(|&end| end > start)
            .take(BOUNDARY_LOOKAHEAD)
            .collect();
        let mut first_error = None;
        let mut read = None;
        for &end in &candidates {
            let tokens: TokenStream = trees[start..end].iter().cloned().collect();
            match syn::parse2::<syn::Item>(tokens) {
                Ok(item) => {
                    read = Some((item, end));
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match read {
            Some((item, end)) => {
                file.items.push(item);
                start = end;
            }
            None => {
                if let Some(e) = first_error {
                    // An error at the end of the tokens (an item cut short) has no span
                    // of its own: it is placed at the item's first token instead.
                    let item_start = trees[start].span().start();
                    let error_at = e.span().start();
                    let at = if (error_at.line, error_at.column)
                        < (item_start.line, item_start.column)
                    {
                        item_start
                    } else {
                        error_at
                    };
                    skipped.push(SkippedItem {
                        line: at.line,
                        column: at.column + 1,
                        message: e.to_string(),
                    });
                }
                start = candidates.first().copied().unwrap_or(trees.len());
            }
        }
    }
    (file, skipped)
}

/// Reads the file's inner attributes (`#![..]`) into `attrs`; returns the index of the
/// first tree after them.
fn inner_attributes(trees: &[TokenTree], attrs: &mut Vec<syn::Attribute>) -> usize {
    let mut at = 0;
    while let [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(group), ..] =
        &trees[at..]
    {
        if hash.as_char() != '#' || bang.as_char() != '!' || group.delimiter() != Delimiter::Bracket
        {
            break;
        }
        let tokens: TokenStream = trees[at..at + 3].iter().cloned().collect();
        let parsed = syn::parse::Parser::parse2(syn::Attribute::parse_inner, tokens);
        match parsed {
            Ok(mut read) => attrs.append(&mut read),
            Err(_) => break,
        }
        at += 3;
    }
    at
}

/// The indices just past each place a top-level item may end: a `;`, or a brace group
/// (an item's body) not followed by `;`. Every item ends at one of them; not every one
/// of them ends an item, which [`read_items`] tries in turn.
fn item_ends(trees: &[TokenTree]) -> Vec<usize> {
    let mut ends = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        let ends_here = match tree {
            TokenTree::Punct(p) => p.as_char() == ';' && p.spacing() == Spacing::Alone,
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        if ends_here {
            ends.push(i + 1);
        }
    }
    if ends.last() != Some(&trees.len()) {
        ends.push(trees.len());
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(file: &syn::File) -> Vec<String> {
        file.items
            .iter()
            .map(|item| match item {
                syn::Item::Fn(f) => f.sig.ident.to_string(),
                syn::Item::Const(c) => c.ident.to_string(),
                syn::Item::Impl(_) => "impl".to_string(),
                syn::Item::Struct(s) => s.ident.to_string(),
                syn::Item::Type(t) => t.ident.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_file_syn_reads_whole_is_read_as_parse_source_reads_it() {
        for text in [
            "#![allow(unused)]\nfn f() {}\nconst C: S = S { a: 1 };\n",
            "\u{feff}#!/usr/bin/env run-cargo-script\nfn main() {}",
        ] {
            let read = parse_source_recovering(text, 100).unwrap();
            assert_eq!(read.file, crate::parse_source(text, 100).unwrap());
            assert!(read.skipped.is_empty());
        }
    }

    #[test]
    fn an_item_syn_cannot_read_is_left_out_and_the_rest_is_read() {
        let text = "#![allow(bare_trait_objects)]\n\
                    use std::fs;\n\
                    type Action = Fn(&siginfo_t) + Send + Sync;\n\
                    const C: S = S { a: 1 };\n\
                    fn takes(f: Box<Fn(&u8) + Send>) {}\n\
                    impl X<{ N }> for Y {}\n\
                    pub fn slow() { fs::read(\"a\").unwrap(); }\n";
        let read = parse_source_recovering(text, 100).unwrap();
        assert_eq!(read.file.attrs.len(), 1);
        assert_eq!(
            names(&read.file)[1..],
            ["C", "impl", "slow"].map(String::from)
        );
        assert_eq!(
            read.skipped,
            [
                SkippedItem {
                    line: 3,
                    column: 17,
                    message: "expected `;`".to_string()
                },
                SkippedItem {
                    line: 5,
                    column: 19,
                    message: "expected `,`".to_string()
                },
            ]
        );
    }

    #[test]
    fn spans_keep_their_lines_past_a_shebang_and_a_byte_order_mark() {
        let text = "\u{feff}#!/bin/run\ntype A = Fn();\nfn g() {}\n";
        let read = parse_source_recovering(text, 100).unwrap();
        assert_eq!(names(&read.file), ["g"]);
        let syn::Item::Fn(g) = &read.file.items[0] else {
            panic!()
        };
        assert_eq!(g.sig.ident.span().start().line, 3);
        assert_eq!(read.skipped[0].line, 2);
    }

    #[test]
    fn a_file_that_does_not_lex_or_nests_too_deep_is_still_an_error() {
        assert!(matches!(
            parse_source_recovering("fn f() { \"unclosed }", 100),
            Err(SourceError::Syntax(_))
        ));
        let deep = format!(
            "fn f() -> bool {{ {}true }} type A = Fn();",
            "!".repeat(500)
        );
        assert!(matches!(
            parse_source_recovering(&deep, 100),
            Err(SourceError::TooDeep(_))
        ));
    }

    #[test]
    fn trailing_tokens_without_an_end_are_one_skipped_item() {
        let read = parse_source_recovering("fn f() {}\npub struct", 100).unwrap();
        assert_eq!(names(&read.file), ["f"]);
        assert_eq!(read.skipped.len(), 1);
        assert_eq!(read.skipped[0].line, 2);
    }
}
