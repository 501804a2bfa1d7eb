//! A token-level look before the parse: whether an item can hold anything the engine
//! reports at all. Every finding starts at an identifier that names a blocking API: the
//! last segment of a catalog path or of an `extra` entry, the last segment of a catalog
//! prefix (`fs` of `std::fs::`), or a method of a method-shape entry. An item without one
//! of them has nothing to report, and a front end may skip the parse.
//!
//! A name counts unless it names a macro (`write!`) or the call it starts is awaited
//! (`sleep(d).await`): the engine never
//! reports an awaited call (a path it cannot resolve, a method shape), and a blocking API
//! that resolves cannot be awaited in code that compiles.

use std::collections::HashSet;
use std::sync::OnceLock;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::catalog::{Catalog, Pattern};
use crate::Config;

/// The identifiers that can start a finding of the built-in catalog.
fn builtin_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        Catalog::builtin_entries()
            .iter()
            .filter_map(|e| match &e.pattern {
                Pattern::Path(p) => last_segment(p),
                Pattern::Prefix(p) => last_segment(p.trim_end_matches("::")),
                Pattern::Method { name, .. } => Some(name.to_string()),
            })
            .collect()
    })
}

fn last_segment(path: &str) -> Option<String> {
    let last = path.rsplit("::").next()?.trim();
    (!last.is_empty()).then(|| last.to_string())
}

/// Whether `tokens` hold an identifier that can start a finding under `config`, not
/// followed by an awaited call; `also` are more names that count (a front end's own, such
/// as the crate fns it knows to block). An iterative walk: no recursion, whatever the nesting.
///
/// ```
/// use blockwatch_lint::{may_report, Config};
/// let quiet: proc_macro2::TokenStream =
///     "async fn f() { tokio::time::sleep(d).await; g().await; }".parse().unwrap();
/// assert!(!may_report(&quiet, &Config::default(), &[]));
/// let slow: proc_macro2::TokenStream = "async fn f() { std::thread::sleep(d); }".parse().unwrap();
/// assert!(may_report(&slow, &Config::default(), &[]));
/// ```
pub fn may_report(tokens: &TokenStream, config: &Config, also: &[&str]) -> bool {
    let builtin = builtin_names();
    let extra: Vec<String> = config
        .catalog
        .extra
        .iter()
        .filter_map(|e| last_segment(e.path.trim_end_matches("::")))
        .collect();
    let counts = |name: &str| {
        builtin.contains(name) || extra.iter().any(|e| e == name) || also.contains(&name)
    };
    let mut pending = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let name = name.strip_prefix("r#").unwrap_or(&name);
                    if counts(name) && !awaited_call_at(&trees, i) && !is_macro_name(&trees, i) {
                        return true;
                    }
                }
                TokenTree::Group(group) => pending.push(group.stream()),
                _ => {}
            }
        }
    }
    false
}

/// Whether `trees[i]` (a name) starts `name(..).await` or `name::<..>(..).await`.
fn awaited_call_at(trees: &[TokenTree], i: usize) -> bool {
    let mut j = i + 1;
    // A turbofish: `::<..>`, up to the matching `>`.
    if is_punct(trees.get(j), ':')
        && is_punct(trees.get(j + 1), ':')
        && is_punct(trees.get(j + 2), '<')
    {
        let mut depth = 0usize;
        j += 2;
        while let Some(tree) = trees.get(j) {
            if is_punct(Some(tree), '<') {
                depth += 1;
            } else if is_punct(Some(tree), '>') {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            j += 1;
        }
        j += 1;
    }
    let is_args = matches!(trees.get(j), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
    is_args
        && is_punct(trees.get(j + 1), '.')
        && matches!(trees.get(j + 2), Some(TokenTree::Ident(a)) if a == "await")
}

/// Whether `trees[i]` names a macro (`write!(..)`): catalog entries are fns and methods,
/// and a macro's body is walked as tokens like any other group.
fn is_macro_name(trees: &[TokenTree], i: usize) -> bool {
    is_punct(trees.get(i + 1), '!') && matches!(trees.get(i + 2), Some(TokenTree::Group(_)))
}

fn is_punct(tree: Option<&TokenTree>, ch: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}
