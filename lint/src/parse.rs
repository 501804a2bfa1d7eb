//! Parsing a whole source file behind the nesting guard, lexing it once.

use proc_macro2::TokenStream;

use crate::nesting::{check_nesting, check_source_nesting, TooDeep};

/// Why a source file was not parsed.
///
/// ```
/// let err = blockwatch_lint::parse_source("fn f() {", 100).unwrap_err();
/// assert!(matches!(err, blockwatch_lint::SourceError::Syntax(_)));
/// ```
#[derive(Debug)]
pub enum SourceError {
    /// Nested deeper than the caller's limit: parsing could overflow its stack.
    TooDeep(TooDeep),
    /// Not Rust that syn can parse.
    Syntax(syn::Error),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::TooDeep(e) => e.fmt(f),
            SourceError::Syntax(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SourceError {}

/// Parses `text` as `syn::parse_file` does (byte-order mark, shebang), refusing it first
/// when its nesting estimate exceeds `limit`. The text is lexed once for both, and the
/// estimate is not computed for a text whose bytes alone bound it within `limit`. Forwarding
/// macros in item position are read as their items ([`flatten_item_macros`](crate::flatten_item_macros)).
///
/// ```
/// let file = blockwatch_lint::parse_source("fn f() { g(1) }", 100).unwrap();
/// assert_eq!(file.items.len(), 1);
/// let deep = format!("fn f() -> bool {{ {}true }}", "!".repeat(500));
/// assert!(matches!(
///     blockwatch_lint::parse_source(&deep, 100),
///     Err(blockwatch_lint::SourceError::TooDeep(_))
/// ));
/// ```
pub fn parse_source(text: &str, limit: usize) -> Result<syn::File, SourceError> {
    let mut file = parse_checked(text, limit)?;
    crate::flatten_item_macros(&mut file.items);
    Ok(file)
}

pub(crate) fn parse_checked(text: &str, limit: usize) -> Result<syn::File, SourceError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if nesting_bound(body) <= limit {
        // Too short to nest past the limit: the estimate's walk is left out.
        return syn::parse_file(text).map_err(SourceError::Syntax);
    }
    if body.starts_with("#!") {
        // A shebang line or an inner attribute: syn tells them apart.
        check_source_nesting(text, limit).map_err(SourceError::TooDeep)?;
        return syn::parse_file(text).map_err(SourceError::Syntax);
    }
    match body.parse::<TokenStream>() {
        Ok(tokens) => {
            check_nesting(&tokens, limit).map_err(SourceError::TooDeep)?;
            syn::parse2(tokens).map_err(SourceError::Syntax)
        }
        // syn lexes again and says where the text stops being Rust.
        Err(_) => syn::parse_file(text).map_err(SourceError::Syntax),
    }
}

/// An upper bound of [`nesting_estimate`](crate::nesting_estimate) over any tokens
/// `text` lexes to, from its bytes alone (a pass far cheaper than the estimate's walk).
///
/// The estimate is never more than the sum of its tokens' weights: an open delimiter 1,
/// a `<` 3 (one more in the run, one more unclosed angle counted twice), any other
/// punctuation or a recursing keyword 1, the rest 0 (each of its steps adds at most the
/// weight of the token it reads, and a group starts at its opener's depth). Each
/// punctuation token is one punctuation byte of the text; a doc comment lexes to `#`,
/// `!` for an inner one, `[..]` and `=`, at most as many tokens as its own `/`, `*` and
/// `!` bytes once a `!` weighs 2; a keyword has at least three lowercase letters of its
/// own. Bytes inside comments and literals only add to the bound.
fn nesting_bound(text: &str) -> usize {
    let (mut weight, mut lowercase) = (0usize, 0usize);
    for &byte in text.as_bytes() {
        match byte {
            b'<' => weight += 3,
            b'!' => weight += 2,
            b'a'..=b'z' => lowercase += 1,
            _ if byte.is_ascii_punctuation() => weight += 1,
            _ => {}
        }
    }
    weight + lowercase / 3
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways through `parse_source`: past the byte bound (limit 100 for these
    /// short texts) and through the estimate's walk (a limit below their bound).
    #[test]
    fn parses_as_syn_does() {
        for limit in [100, 4] {
            for text in [
                "\u{feff}fn f() {}",
                "#!/usr/bin/env run-cargo-script\nfn main() {}",
                "#![allow(unused)]\nfn f() {}",
                "fn f() { let s = \"x\"; }",
            ] {
                assert!(nesting_bound(text) > 4 && nesting_bound(text) <= 100);
                let ours = parse_source(text, limit).unwrap();
                let syns = syn::parse_file(text).unwrap();
                assert_eq!(ours, syns, "{text:?}");
            }
            let err = |text: &str| match parse_source(text, limit) {
                Err(SourceError::Syntax(e)) => (e.to_string(), e.span().start()),
                other => panic!("{other:?}"),
            };
            for text in ["fn f() {\n  let = 1;\n}", "fn f() { \"unclosed }"] {
                let syns = syn::parse_file(text).unwrap_err();
                assert_eq!(
                    err(text),
                    (syns.to_string(), syns.span().start()),
                    "{text:?}"
                );
            }
        }
    }

    fn estimate(text: &str) -> usize {
        crate::nesting_estimate(&text.parse::<TokenStream>().unwrap())
    }

    /// The shapes each weight of the bound is for, each at or near its bound.
    #[test]
    fn the_byte_bound_holds_where_it_is_tight() {
        for text in [
            "<<<<<<",
            "!!!!x",
            "//!\n//!\n",
            "///\n",
            "/*!*/",
            "fn f() -> bool { !!!!!!true }",
            "fn f() { return return return x }",
            "fn f() { move || move || async move { x } }",
            "type T = Vec<Vec<Vec<Vec<u8>>>>;",
            "fn f<'a>(x: &'a &'a &'a u8) {}",
            "fn f() { ((((([[[[{{{{1}}}}]]]])))))}",
            "fn f() { a << b <= c << d }",
            "mut mut mut mut ref ref dyn dyn box box",
        ] {
            assert!(estimate(text) <= nesting_bound(text), "{text:?}");
        }
        assert_eq!(estimate("<<<<<<"), 18);
        assert_eq!(nesting_bound("<<<<<<"), 18);
    }

    /// Random token sequences over every kind of token the estimate weighs.
    #[test]
    fn the_byte_bound_holds_on_random_tokens() {
        const PIECES: &[&str] = &[
            "(", ")", "[", "]", "{", "}", "<", ">", "->", "=>", "!", "-", "&", "|", ";", ",",
            "return ", "move ", "dyn ", "mut ", "x ", "1 ", "'a ", "\"s\" ", "//!d\n", "///d\n",
            "/*!d*/", "r#match ", "::", "#",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut checked = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            let mut open: Vec<&str> = Vec::new();
            for _ in 0..next(60) {
                let piece = PIECES[next(PIECES.len())];
                match piece {
                    "(" | "[" | "{" => open.push(match piece {
                        "(" => ")",
                        "[" => "]",
                        _ => "}",
                    }),
                    ")" | "]" | "}" => match open.pop() {
                        Some(close) => {
                            text.push_str(close);
                            continue;
                        }
                        None => continue,
                    },
                    _ => {}
                }
                text.push_str(piece);
            }
            while let Some(close) = open.pop() {
                text.push_str(close);
            }
            if let Ok(tokens) = text.parse::<TokenStream>() {
                let estimate = crate::nesting_estimate(&tokens);
                assert!(estimate <= nesting_bound(&text), "{text:?}: {estimate}");
                checked += 1;
            }
        }
        assert!(checked > 2000, "{checked} texts lexed");
    }

    #[test]
    fn deep_files_are_refused_before_parsing() {
        let deep = format!(
            "#!/bin/sh\nfn f() {{ {}1{} }}",
            "(".repeat(300),
            ")".repeat(300)
        );
        match parse_source(&deep, 100) {
            Err(SourceError::TooDeep(e)) => assert_eq!(e.depth, 301),
            other => panic!("{other:?}"),
        }
    }
}
