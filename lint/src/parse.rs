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
/// when its nesting estimate exceeds `limit`. The text is lexed once for both. Forwarding
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

fn parse_checked(text: &str, limit: usize) -> Result<syn::File, SourceError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_syn_does() {
        for text in [
            "\u{feff}fn f() {}",
            "#!/usr/bin/env run-cargo-script\nfn main() {}",
            "#![allow(unused)]\nfn f() {}",
            "fn f() { let s = \"x\"; }",
        ] {
            let ours = parse_source(text, 100).unwrap();
            let syns = syn::parse_file(text).unwrap();
            assert_eq!(ours, syns, "{text:?}");
        }
        let err = |text: &str| match parse_source(text, 100) {
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
