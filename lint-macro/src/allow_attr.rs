//! The `#[allow_blocking]` escape hatch: recognising it, validating its arguments, and
//! stripping it from the tokens `#[no_blocking]` hands back to rustc.
//!
//! Attribute macros on statements and expressions are unstable in rustc, so inside an
//! annotated item the attribute must never reach the compiler. Stripping works on tokens,
//! not on the syn tree: that also covers attributes inside macro bodies (`select!` arms,
//! `vec![..]`), keeps every other token (and its span) exactly as written, and needs no
//! per-node visitor code.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::ToTokens;

use crate::args::parse_allow_args;

/// The escape hatch's name, as the last segment of its path.
pub const ATTRIBUTE_NAME: &str = "allow_blocking";

/// Tokens with every `#[allow_blocking..]` / `#[blockwatch::allow_blocking..]` removed, and
/// the errors of those whose arguments were malformed.
pub struct Stripped {
    /// The tokens without the escape-hatch attributes.
    pub tokens: TokenStream,
    /// One error per malformed attribute, spanned on it.
    pub errors: Vec<syn::Error>,
    /// Whether `tokens` differ from the input (an escape hatch was removed).
    pub changed: bool,
}

/// Removes every escape-hatch attribute from `tokens`, at any depth.
pub fn strip(tokens: TokenStream) -> Stripped {
    if !mentions_allow_blocking(&tokens) {
        // Most items have none: hand the tokens back without rebuilding them.
        return Stripped {
            tokens,
            errors: Vec::new(),
            changed: false,
        };
    }
    let mut errors = Vec::new();
    let tokens = strip_stream(tokens, &mut errors);
    Stripped {
        tokens,
        errors,
        changed: true,
    }
}

/// Whether the identifier `allow_blocking` occurs anywhere in `tokens` (an iterative walk:
/// no recursion, whatever the nesting).
pub fn mentions_allow_blocking(tokens: &TokenStream) -> bool {
    let mut pending = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        for tree in stream {
            match tree {
                TokenTree::Ident(ident) if ident == ATTRIBUTE_NAME => return true,
                TokenTree::Group(group) => pending.push(group.stream()),
                _ => {}
            }
        }
    }
    false
}

fn strip_stream(tokens: TokenStream, errors: &mut Vec<syn::Error>) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let Some(consumed) = escape_hatch_at(&trees[i..], errors) {
            i += consumed;
            continue;
        }
        out.push(match &trees[i] {
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), strip_stream(group.stream(), errors));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            other => other.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}

/// When `trees` starts with an escape-hatch attribute (`#[..]` or `#![..]`), validates it
/// and returns how many token trees it spans.
fn escape_hatch_at(trees: &[TokenTree], errors: &mut Vec<syn::Error>) -> Option<usize> {
    let TokenTree::Punct(pound) = trees.first()? else {
        return None;
    };
    if pound.as_char() != '#' {
        return None;
    }
    let (bang, group) = match trees.get(1)? {
        TokenTree::Punct(p) if p.as_char() == '!' => match trees.get(2)? {
            TokenTree::Group(g) => (1, g),
            _ => return None,
        },
        TokenTree::Group(g) => (0, g),
        _ => return None,
    };
    if group.delimiter() != Delimiter::Bracket {
        return None;
    }
    let meta: syn::Meta = syn::parse2(group.stream()).ok()?;
    if !blockwatch_lint::is_allow_blocking_path(meta.path()) {
        return None;
    }
    if let Err(err) = validate(&meta) {
        errors.push(err);
    }
    Some(2 + bang)
}

fn validate(meta: &syn::Meta) -> syn::Result<()> {
    match meta {
        syn::Meta::Path(_) => Ok(()),
        syn::Meta::List(list) => parse_allow_args(list.tokens.clone()).map(drop),
        syn::Meta::NameValue(nv) => Err(syn::Error::new_spanned(
            nv,
            "expected `allow_blocking` or `allow_blocking(reason = \"...\")`",
        )),
    }
}

/// `#[allow_blocking]` used where rustc expands it itself (outside a `#[no_blocking]`
/// item): the item passes through unchanged once the arguments check out.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    match parse_allow_args(args) {
        Ok(_) => item,
        Err(err) => {
            let mut out = err.to_compile_error();
            item.to_tokens(&mut out);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn stripped(tokens: TokenStream) -> (String, usize) {
        let s = strip(tokens);
        (s.tokens.to_string(), s.errors.len())
    }

    #[test]
    fn strips_every_spelling_at_any_depth() {
        let (out, errors) = stripped(quote! {
            async fn f() {
                #[allow_blocking]
                let a = std::fs::read("a");
                #[blockwatch::allow_blocking(reason = "once")]
                std::thread::sleep(d);
                let b = (#[::blockwatch::allow_blocking] std::fs::read("b"));
                tokio::select! { _ = x => { #[allow_blocking] g(); } }
            }
        });
        assert_eq!(errors, 0);
        assert!(!out.contains("allow_blocking"), "{out}");
        assert!(!out.contains('#'), "{out}");
        assert!(out.contains("std :: fs :: read (\"a\")"), "{out}");
    }

    #[test]
    fn items_without_escape_hatches_come_back_as_they_were() {
        let item = quote! {
            async fn f() { #[allow(unused)] let x = { [1, 2] }; }
        };
        let s = strip(item.clone());
        assert!(!s.changed);
        assert!(s.errors.is_empty());
        assert_eq!(s.tokens.to_string(), item.to_string());
        assert!(
            strip(quote!(
                fn f() {
                    {
                        #[allow_blocking]
                        g();
                    }
                }
            ))
            .changed
        );
    }

    #[test]
    fn keeps_other_attributes() {
        let (out, _) = stripped(quote! {
            #[inline] fn f() { #[allow(unused)] let x = 1; #[other::allow_blocking] g(); }
        });
        assert!(out.contains("# [inline]"), "{out}");
        assert!(out.contains("# [allow (unused)]"), "{out}");
        assert!(out.contains("# [other :: allow_blocking]"), "{out}");
    }

    #[test]
    fn reports_malformed_arguments() {
        let s = strip(quote! {
            async fn f() {
                #[allow_blocking(because = "x")] a();
                #[allow_blocking = "x"] b();
            }
        });
        assert_eq!(s.errors.len(), 2);
        assert!(!s.tokens.to_string().contains("allow_blocking"));
    }

    #[test]
    fn real_attribute_passes_item_through() {
        let item = quote!(
            fn f() {}
        );
        assert_eq!(
            expand(quote!(reason = "ok"), item.clone()).to_string(),
            item.to_string()
        );
        let out = expand(quote!(why = "x"), item).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("fn f"), "{out}");
    }
}
