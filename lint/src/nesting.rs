//! The nesting guard: how deeply syn's parser will recurse on some code, measured
//! before it is parsed, by an iterative walk that needs no stack of its own.
//!
//! syn's parser recurses once or more per level of nesting, and a stack overflow aborts
//! the process (the compiler, for the attribute; the whole scan, for the CLI), so both
//! front ends measure first and refuse input deeper than their stack allows. They share
//! this one estimate and differ only in the limit: the attribute runs on the compiler's
//! stack, the CLI on large worker stacks.
//!
//! The estimate counts delimiter depth, plus the current run of operators and prefix
//! keywords (`!!x`, `--x`, `&&&x`, `|| || x`, `return return x`), plus twice the unclosed
//! `<` of generics (`Vec<Vec<..>>`: syn tries a type, then an expression, per level). It
//! can only overestimate code a person writes (a comparison counts one level).

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// Keywords that make syn's parser recurse without a delimiter (`return return x`,
/// `move || move || x`).
const RECURSING_KEYWORDS: &[&str] = &[
    "return", "break", "async", "move", "yield", "box", "mut", "ref", "dyn", "impl", "static",
];

/// Code nested deeper than a front end's limit: it is refused, not parsed.
///
/// ```
/// let tokens: proc_macro2::TokenStream = "fn f() { ((((1)))) }".parse().unwrap();
/// let err = blockwatch_lint::check_nesting(&tokens, 3).unwrap_err();
/// assert_eq!(err.to_string(), "nested 5 levels deep (more than 3)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// The estimated depth.
    pub depth: usize,
    /// The limit it exceeds.
    pub limit: usize,
}

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "nested {} levels deep (more than {})",
            self.depth, self.limit
        )
    }
}

impl std::error::Error for TooDeep {}

/// Refuses `tokens` when [`nesting_estimate`] exceeds `limit`.
///
/// ```
/// let tokens: proc_macro2::TokenStream = "async fn f() { g(1).await }".parse().unwrap();
/// assert!(blockwatch_lint::check_nesting(&tokens, 128).is_ok());
/// ```
pub fn check_nesting(tokens: &TokenStream, limit: usize) -> Result<(), TooDeep> {
    let depth = nesting_estimate(tokens);
    if depth > limit {
        Err(TooDeep { depth, limit })
    } else {
        Ok(())
    }
}

/// [`check_nesting`] on a source file's text. Text that does not lex is let through:
/// the parser then reports the syntax error (lexing is iterative and cannot overflow).
///
/// ```
/// let deep = format!("fn f() -> bool {{ {}true }}", "!".repeat(50));
/// assert_eq!(blockwatch_lint::check_source_nesting(&deep, 40).unwrap_err().depth, 51);
/// assert!(blockwatch_lint::check_source_nesting("fn f() { \"unclosed }", 40).is_ok());
/// ```
pub fn check_source_nesting(text: &str, limit: usize) -> Result<(), TooDeep> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A shebang line (not an inner attribute `#![..]`) is no Rust code.
    let code = if text.starts_with("#!") && !text[2..].trim_start().starts_with('[') {
        text.find('\n').map_or("", |i| &text[i..])
    } else {
        text
    };
    match code.parse::<TokenStream>() {
        Ok(tokens) => check_nesting(&tokens, limit),
        Err(_) => Ok(()),
    }
}

/// An estimate of how deeply syn's parser will recurse on `tokens` (see the module
/// docs for what counts).
///
/// ```
/// let tokens: proc_macro2::TokenStream = "fn f() { g([1]); }".parse().unwrap();
/// assert_eq!(blockwatch_lint::nesting_estimate(&tokens), 3);
/// ```
pub fn nesting_estimate(tokens: &TokenStream) -> usize {
    let mut max = 0;
    // One entry per open group: the rest of its tokens, and the nesting at its start.
    let mut stack: Vec<(proc_macro2::token_stream::IntoIter, usize)> =
        vec![(tokens.clone().into_iter(), 0)];
    let (mut run, mut angles) = (0usize, 0usize);
    let mut after_joint_arrow = false;
    while let Some((iter, base)) = stack.last_mut() {
        let base = *base;
        let Some(token) = iter.next() else {
            stack.pop();
            run = 0;
            angles = 0;
            continue;
        };
        match token {
            TokenTree::Group(group) => {
                let depth = base + run + 2 * angles + 1;
                max = max.max(depth);
                stack.push((group.stream().into_iter(), depth));
                run = 0;
                angles = 0;
                after_joint_arrow = false;
                continue;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                if c == ';' || c == ',' {
                    run = 0;
                    if c == ';' {
                        angles = 0;
                    }
                } else {
                    run += 1;
                    if c == '<' {
                        angles += 1;
                    } else if c == '>' && !after_joint_arrow {
                        angles = angles.saturating_sub(1);
                    }
                }
                after_joint_arrow = (c == '-' || c == '=') && p.spacing() == Spacing::Joint;
            }
            TokenTree::Ident(ident) => {
                after_joint_arrow = false;
                if RECURSING_KEYWORDS.iter().any(|k| ident == k) {
                    run += 1;
                } else {
                    run = 0;
                }
            }
            TokenTree::Literal(_) => {
                after_joint_arrow = false;
                run = 0;
            }
        }
        max = max.max(base + run + 2 * angles);
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, depth: usize) -> TokenStream {
        format!(
            "async fn f() {{ let _ = {}1{}; }}",
            open.repeat(depth),
            close.repeat(depth)
        )
        .parse()
        .unwrap()
    }

    #[test]
    fn everyday_code_is_shallow() {
        let item: TokenStream = "pub async fn handler(req: Request<Body>, db: &Pool) -> \
             Result<Json<Vec<User>>, Error> { let users = match db.get().await { Ok(c) => \
             c.query(\"select\", &[]).await?, Err(e) => return Err(e.into()) }; \
             Ok(Json(users.into_iter().filter(|u| !u.hidden && u.age >= 18).collect())) }"
            .parse()
            .unwrap();
        let depth = nesting_estimate(&item);
        assert!((3..20).contains(&depth), "{depth}");
        let flat: TokenStream = "fn f(a: u8, b: u8) -> bool { a < b || a | b > 2 }\n"
            .repeat(10_000)
            .parse()
            .unwrap();
        assert!(nesting_estimate(&flat) < 10);
    }

    #[test]
    fn each_kind_of_nesting_counts() {
        for (open, close) in [
            ("(", ")"),
            ("{", "}"),
            ("[", "]"),
            ("|| ", ""),
            ("async { ", " }"),
            ("!", ""),
            ("-", ""),
            ("&", ""),
            ("return ", ""),
            ("Vec::<", ">::new()"),
        ] {
            let shallow = nesting_estimate(&nested(open, close, 10));
            let deep = nesting_estimate(&nested(open, close, 1000));
            assert!(deep >= 1000, "{open:?}: {deep}");
            assert!(shallow < 40, "{open:?}: {shallow}");
        }
    }

    #[test]
    fn arrows_do_not_close_generics() {
        let item: TokenStream = "fn f() -> u8 { match x { A => 1, B => 2 } }"
            .parse()
            .unwrap();
        assert!(nesting_estimate(&item) < 6, "{}", nesting_estimate(&item));
    }

    #[test]
    fn the_walk_itself_needs_no_stack() {
        let depth = 200_000;
        let tokens = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || nesting_estimate(&nested("(", ")", depth)))
            .unwrap()
            .join()
            .unwrap();
        assert!(tokens > depth);
    }

    #[test]
    fn source_text_skips_bom_and_shebang() {
        let text = format!("\u{feff}#!/usr/bin/env !!!!!!!!\n{}", "fn f() { (1) }");
        assert_eq!(check_source_nesting(&text, 2), Ok(()));
        assert_eq!(
            check_source_nesting("#![allow(x)] fn f() { (1) }", 2),
            Err(TooDeep { depth: 4, limit: 2 })
        );
    }
}
