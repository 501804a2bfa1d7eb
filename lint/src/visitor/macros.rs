//! Macro bodies: to syn they are tokens, to the user they are code.
//!
//! - format-style and assert-style macros (`println!`, `format!`, `info!`, `assert_eq!`,
//!   `vec!`, ...): the arguments are expressions; each is parsed and checked (tracing's
//!   `field = value`, `?value`, `%value` and `target: ..` forms included);
//! - `select!` (tokio, futures): each branch's future is awaited by the macro, its
//!   handler is ordinary code of the enclosing async context;
//! - `join!`/`try_join!`: the arguments are futures, awaited by the macro;
//! - `write!`/`writeln!` into a blocking writer (`io::stdout()`, a `File`, a socket):
//!   the write itself is a call of `write_fmt` on the first argument, matched as that
//!   method call would be;
//! - `lazy_static!` and `thread_local!`: each static's initialiser is a run-once
//!   initialiser (see `run_once.rs`);
//! - code-generating macros (`quote!`, `stringify!`, ...) are skipped: their tokens do
//!   not run;
//! - any other macro: parsed as comma-separated expressions when that works, otherwise
//!   scanned for catalog paths followed by a parenthesized group (`std::fs::read(..)`).
//!
//! The parsed expressions keep the tokens' spans, so findings point at the user's code.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::visit::Visit;
use syn::{Expr, Token};

use crate::catalog::{macro_class, MacroClass, RUN_ONCE_MACROS};
use crate::visitor::Analyzer;

/// How deep the token scan follows nested groups.
const MAX_SCAN_DEPTH: usize = 64;

/// Macro bodies nested deeper than this (in delimiter groups) are only token-scanned:
/// parsing them would recurse as deep in syn.
const MAX_PARSED_GROUP_DEPTH: usize = 48;

/// Macros nested in macro bodies beyond this are only token-scanned: each level
/// re-parses the tokens of the levels inside it.
pub(crate) const MAX_MACRO_NESTING: usize = 8;

/// The deepest delimiter-group nesting in `tokens`, counting no further than `limit`
/// (iterative: the body may be arbitrarily deep).
fn group_depth(tokens: &TokenStream, limit: usize) -> usize {
    let mut deepest = 0;
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(g)) => {
                deepest = deepest.max(stack.len());
                if stack.len() > limit {
                    return deepest;
                }
                stack.push(g.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    deepest
}

/// Checks the body of `mac` as the code it stands for.
pub(crate) fn visit_macro_body(v: &mut Analyzer<'_>, mac: &syn::Macro) {
    let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
        return;
    };
    let name = name.as_str();
    if macro_class(name) == MacroClass::NotCode {
        return;
    }
    let tokens = mac.tokens.clone();
    if v.macro_depth >= MAX_MACRO_NESTING
        || group_depth(&tokens, MAX_PARSED_GROUP_DEPTH) > MAX_PARSED_GROUP_DEPTH
    {
        scan(v, tokens, 0);
        return;
    }
    v.macro_depth += 1;
    if name == "write" || name == "writeln" {
        visit_write_target(v, mac);
    }
    if RUN_ONCE_MACROS.contains(&name) {
        let ctx = v.ctx.run_once(&format!("{name}!"));
        v.in_ctx(ctx, |v| visit_run_once_statics(v, tokens));
    } else {
        visit_parsed(v, name, tokens);
    }
    v.macro_depth -= 1;
}

/// `writeln!(io::stdout(), ..)`: the macro calls `write_fmt` on its first argument,
/// which blocks when that is a blocking writer. Reported at the whole macro call.
fn visit_write_target(v: &mut Analyzer<'_>, mac: &syn::Macro) {
    let Some(first) = split_top(mac.tokens.clone(), false).into_iter().next() else {
        return;
    };
    let Ok(target) = syn::parse2::<Expr>(first) else {
        return;
    };
    let mut origins = Vec::new();
    v.origins(&target, &mut origins, 0);
    let scopes = &v.scopes;
    let Some(hit) = v
        .matcher
        .method("write_fmt", 1, &origins, &|c| scopes.imports_crate(c))
    else {
        return;
    };
    let Some(start) = mac.path.segments.first().map(|s| s.ident.span()) else {
        return;
    };
    let end = mac.delimiter.span().close();
    let name = mac.path.segments.last().map(|s| s.ident.to_string());
    let text = format!("{}!(..)", name.unwrap_or_default());
    let resolved = hit.entry.key().to_string();
    v.report(hit, start, end, text, resolved, None);
}

/// The body of `lazy_static!` (`static ref NAME: T = init;`) or `thread_local!`
/// (`static NAME: T = init;`): each initialiser is visited, in the context already set.
fn visit_run_once_statics(v: &mut Analyzer<'_>, tokens: TokenStream) {
    // `static ref` is lazy_static's own syntax; without `ref` each entry is a `static`.
    let mut plain = TokenStream::new();
    let mut after_static = false;
    for t in tokens.clone() {
        let is_ref = matches!(&t, TokenTree::Ident(i) if i == "ref");
        if !(after_static && is_ref) {
            after_static = matches!(&t, TokenTree::Ident(i) if i == "static");
            plain.extend(std::iter::once(t));
        }
    }
    match syn::parse2::<syn::File>(plain) {
        Ok(file) => {
            for item in &file.items {
                if let syn::Item::Static(s) = item {
                    v.visit_expr(&s.expr);
                }
            }
        }
        Err(_) => scan(v, tokens, 0),
    }
}

/// Checks a macro body by parsing it as the code it stands for.
fn visit_parsed(v: &mut Analyzer<'_>, name: &str, tokens: TokenStream) {
    match macro_class(name) {
        MacroClass::Select => {
            if !visit_select(v, tokens.clone()) {
                scan(v, tokens, 0);
            }
        }
        MacroClass::Join => {
            let tokens = strip_biased(tokens);
            for chunk in split_top(tokens, false) {
                match parse_arg(chunk.clone()) {
                    Some(e) => v.visit_awaited(&e),
                    None => scan(v, chunk, 0),
                }
            }
        }
        MacroClass::Matches => {
            if let Some(first) = split_top(tokens, false).into_iter().next() {
                visit_chunk(v, first);
            }
        }
        MacroClass::Expressions => {
            for chunk in split_top(tokens, name == "vec") {
                visit_chunk(v, chunk);
            }
        }
        MacroClass::NotCode | MacroClass::Other => {
            let chunks = split_top(tokens.clone(), false);
            let parsed: Option<Vec<Expr>> = chunks
                .into_iter()
                .map(|c| syn::parse2::<Expr>(c).ok())
                .collect();
            match parsed {
                Some(exprs) => exprs.iter().for_each(|e| v.visit_expr(e)),
                None => match syn::Block::parse_within.parse2(tokens.clone()) {
                    Ok(stmts) => stmts.iter().for_each(|s| v.visit_stmt(s)),
                    Err(_) => scan(v, tokens, 0),
                },
            }
        }
    }
}

/// Parses and checks one argument; falls back to the token scan.
fn visit_chunk(v: &mut Analyzer<'_>, chunk: TokenStream) {
    match parse_arg(chunk.clone()) {
        Some(e) => v.visit_expr(&e),
        None => scan(v, chunk, 0),
    }
}

/// One macro argument as an expression: plain, or tracing's `name = value`,
/// `?value`, `%value`, `target: value`.
fn parse_arg(chunk: TokenStream) -> Option<Expr> {
    if chunk.is_empty() {
        return None;
    }
    if let Ok(e) = syn::parse2::<Expr>(chunk.clone()) {
        return Some(e);
    }
    let tokens: Vec<TokenTree> = chunk.into_iter().collect();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if let TokenTree::Punct(p) = t {
            let prev_punct = i > 0
                && matches!(tokens[i - 1], TokenTree::Punct(ref q) if q.spacing() == Spacing::Joint);
            if (p.as_char() == '=' || p.as_char() == ':')
                && p.spacing() == Spacing::Alone
                && !prev_punct
            {
                start = i + 1;
                break;
            }
        }
    }
    while let Some(TokenTree::Punct(p)) = tokens.get(start) {
        if p.as_char() == '%' || p.as_char() == '?' {
            start += 1;
        } else {
            break;
        }
    }
    let rest: TokenStream = tokens[start..].iter().cloned().collect();
    syn::parse2::<Expr>(rest).ok()
}

/// Splits tokens at top-level commas (and semicolons, for `vec![x; n]`).
fn split_top(tokens: TokenStream, semicolons: bool) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut cur = TokenStream::new();
    for t in tokens {
        if let TokenTree::Punct(p) = &t {
            if p.as_char() == ',' || (semicolons && p.as_char() == ';') {
                out.push(std::mem::take(&mut cur));
                continue;
            }
        }
        cur.extend(std::iter::once(t));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Drops a leading `biased;` (tokio's `select!`/`join!`).
fn strip_biased(tokens: TokenStream) -> TokenStream {
    let mut it = tokens.clone().into_iter();
    match (it.next(), it.next()) {
        (Some(TokenTree::Ident(i)), Some(TokenTree::Punct(p)))
            if i == "biased" && p.as_char() == ';' =>
        {
            it.collect()
        }
        _ => tokens,
    }
}

/// One `select!` branch.
struct Branch {
    future: Option<Expr>,
    guard: Option<Expr>,
    handler: Expr,
}

fn parse_select(input: ParseStream) -> syn::Result<Vec<Branch>> {
    let mut branches = Vec::new();
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let ident: syn::Ident = input.parse()?;
        if ident != "biased" {
            return Err(syn::Error::new(ident.span(), "unexpected"));
        }
        input.parse::<Token![;]>()?;
    }
    while !input.is_empty() {
        let future = if input.peek(Token![else]) {
            input.parse::<Token![else]>()?;
            None
        } else if (input.peek(syn::Ident) && input.peek2(Token![=>])) && {
            let fork = input.fork();
            let id: syn::Ident = fork.parse()?;
            id == "default" || id == "complete"
        } {
            input.parse::<syn::Ident>()?;
            None
        } else {
            syn::Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            Some(input.parse::<Expr>()?)
        };
        let mut guard = None;
        if input.peek(Token![,]) && input.peek2(Token![if]) {
            input.parse::<Token![,]>()?;
            input.parse::<Token![if]>()?;
            guard = Some(input.parse::<Expr>()?);
        }
        input.parse::<Token![=>]>()?;
        let handler = if input.peek(syn::token::Brace) {
            Expr::Block(input.parse::<syn::ExprBlock>()?)
        } else {
            input.parse::<Expr>()?
        };
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        branches.push(Branch {
            future,
            guard,
            handler,
        });
    }
    Ok(branches)
}

/// Checks a `select!` body; false when it does not parse as one.
fn visit_select(v: &mut Analyzer<'_>, tokens: TokenStream) -> bool {
    let Ok(branches) = parse_select.parse2(tokens) else {
        return false;
    };
    for b in &branches {
        if let Some(f) = &b.future {
            v.visit_awaited(f);
        }
        if let Some(g) = &b.guard {
            v.visit_expr(g);
        }
        v.visit_expr(&b.handler);
    }
    true
}

/// Best-effort scan of tokens for catalog paths followed by `(..)`.
fn scan(v: &mut Analyzer<'_>, tokens: TokenStream, depth: usize) {
    if depth > MAX_SCAN_DEPTH {
        return;
    }
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => {
                scan(v, g.stream(), depth + 1);
                i += 1;
            }
            TokenTree::Ident(_) | TokenTree::Punct(_) => {
                let (segs, leading, start, next) = read_path(&tokens, i);
                if segs.is_empty() {
                    i += 1;
                    continue;
                }
                if let Some(TokenTree::Group(g)) = tokens.get(next) {
                    if g.delimiter() == Delimiter::Parenthesis && segs.len() > 1 {
                        let res = v.resolve_segments(&segs, leading);
                        let text = format!(
                            "{}{}({})",
                            if leading { "::" } else { "" },
                            segs.join("::"),
                            if g.stream().is_empty() { "" } else { ".." }
                        );
                        v.report_scanned(&res, start, g.span_close(), text);
                    }
                }
                i = next.max(i + 1);
            }
            TokenTree::Literal(_) => i += 1,
        }
    }
}

/// Reads `[::] ident (:: ident)*` at `i`: segments, leading colon, first span, next index.
fn read_path(tokens: &[TokenTree], mut i: usize) -> (Vec<String>, bool, proc_macro2::Span, usize) {
    let start = tokens[i].span();
    let is_colon2 = |j: usize| {
        matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
            && matches!(tokens.get(j + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
    };
    let mut leading = false;
    if is_colon2(i) {
        leading = true;
        i += 2;
    }
    let mut segs = Vec::new();
    while let Some(TokenTree::Ident(id)) = tokens.get(i) {
        segs.push(id.to_string());
        i += 1;
        if is_colon2(i) {
            i += 2;
        } else {
            break;
        }
    }
    (segs, leading, start, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_depth_counts_nesting() {
        let ts: TokenStream = "a (b [c {d}]) (e)".parse().unwrap();
        assert_eq!(group_depth(&ts, 10), 3);
        assert_eq!(group_depth(&TokenStream::new(), 10), 0);
        let deep: TokenStream = format!("{}x{}", "(".repeat(100), ")".repeat(100))
            .parse()
            .unwrap();
        assert!(group_depth(&deep, 5) > 5);
    }

    #[test]
    fn split_respects_nesting() {
        let ts: TokenStream = "a, f(b, c), [d, e]".parse().unwrap();
        assert_eq!(split_top(ts, false).len(), 3);
        let ts: TokenStream = "0u8; 16".parse().unwrap();
        assert_eq!(split_top(ts, true).len(), 2);
    }

    #[test]
    fn tracing_field_forms_parse() {
        for src in ["x = ?f(y)", "target: \"a\"", "%g()", "a.b = h()", "z"] {
            assert!(parse_arg(src.parse().unwrap()).is_some(), "{src}");
        }
    }

    #[test]
    fn select_branches_parse() {
        let ts: TokenStream =
            "biased; Some(v) = rx.recv() => { v }, _ = t, if ok => f(), else => break"
                .parse()
                .unwrap();
        let branches = parse_select.parse2(ts).unwrap();
        assert_eq!(branches.len(), 3);
        assert!(branches[1].guard.is_some());
        assert!(branches[2].future.is_none());
    }
}
