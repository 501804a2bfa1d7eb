//! The attributes a forwarding `macro_rules!` of the same file puts on each item.
//!
//! `macro_rules! if_hyper { ($($item:item)*) => { $( #[cfg(not(target_arch = "wasm32"))]
//! $item )* } }` wraps each item in a `cfg`; read without it, reqwest's `if_hyper!` and
//! `if_wasm!` bodies would both count, two `ClientBuilder`s behind one path. A definition
//! of exactly that shape (one rule, an `item` repetition in, the same repetition out with
//! plain attributes in front) gives its attributes; any other definition gives none, and
//! its invocations' items are read without them.

use std::collections::HashMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::{Attribute, Item};

/// Forwarding macros defined by `macro_rules!` among `items` (inline modules included),
/// by name, with the attributes each puts on every item it forwards.
pub(super) fn forwarding_definitions(items: &[Item]) -> HashMap<String, Vec<Attribute>> {
    let mut out = HashMap::new();
    collect(items, &mut out, 0);
    out
}

fn collect(items: &[Item], out: &mut HashMap<String, Vec<Attribute>>, depth: usize) {
    if depth > super::MAX_MACRO_DEPTH {
        return;
    }
    for item in items {
        match item {
            Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                if let (Some(name), Some(attrs)) = (&m.ident, forwarded_attrs(&m.mac.tokens)) {
                    out.insert(name.to_string(), attrs);
                }
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// The attributes of a single-rule `($($x:item)*) => { $( #[..].. $x )* }` definition.
fn forwarded_attrs(rules: &TokenStream) -> Option<Vec<Attribute>> {
    let tokens: Vec<TokenTree> = rules.clone().into_iter().collect();
    let (matcher, transcriber) = match tokens.as_slice() {
        [TokenTree::Group(m), TokenTree::Punct(eq), TokenTree::Punct(gt), TokenTree::Group(t), rest @ ..]
            if eq.as_char() == '=' && gt.as_char() == '>' && is_rule_end(rest) =>
        {
            (m.stream(), t.stream())
        }
        _ => return None,
    };
    let name = item_repetition(&matcher)?;
    let body = repetition(&transcriber)?;
    let mut body: Vec<TokenTree> = body.into_iter().collect();
    match body.as_slice() {
        [.., TokenTree::Punct(dollar), TokenTree::Ident(var)]
            if dollar.as_char() == '$' && *var == name => {}
        _ => return None,
    }
    body.truncate(body.len() - 2);
    let attrs: TokenStream = body.into_iter().collect();
    if has_dollar(&attrs) {
        return None;
    }
    Attribute::parse_outer.parse2(attrs).ok()
}

/// Nothing after the rule but an optional `;`.
fn is_rule_end(rest: &[TokenTree]) -> bool {
    match rest {
        [] => true,
        [TokenTree::Punct(p)] => p.as_char() == ';',
        _ => false,
    }
}

/// The variable of a matcher that is exactly `$( $x:item )*`.
fn item_repetition(matcher: &TokenStream) -> Option<String> {
    let inner: Vec<TokenTree> = repetition(matcher)?.into_iter().collect();
    match inner.as_slice() {
        [TokenTree::Punct(dollar), TokenTree::Ident(var), TokenTree::Punct(colon), TokenTree::Ident(kind)]
            if dollar.as_char() == '$' && colon.as_char() == ':' && kind == "item" =>
        {
            Some(var.to_string())
        }
        _ => None,
    }
}

/// The body of a stream that is exactly `$( .. )*`.
fn repetition(stream: &TokenStream) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = stream.clone().into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Punct(dollar), TokenTree::Group(g), TokenTree::Punct(star)]
            if dollar.as_char() == '$'
                && star.as_char() == '*'
                && g.delimiter() == Delimiter::Parenthesis =>
        {
            Some(g.stream())
        }
        _ => None,
    }
}

fn has_dollar(stream: &TokenStream) -> bool {
    stream.clone().into_iter().any(|t| match t {
        TokenTree::Punct(p) => p.as_char() == '$',
        TokenTree::Group(g) => has_dollar(&g.stream()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn definitions(src: &str) -> Vec<(String, String)> {
        let file: syn::File = syn::parse_str(src).unwrap();
        let mut out: Vec<(String, String)> = forwarding_definitions(&file.items)
            .into_iter()
            .map(|(name, attrs)| {
                let attrs: Vec<String> = attrs
                    .iter()
                    .map(|a| a.to_token_stream().to_string())
                    .collect();
                (name, attrs.join(" "))
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_cfg_forwarder_gives_its_attributes() {
        let src = r#"
            macro_rules! if_hyper {
                ($($item:item)*) => {$(
                    #[cfg(not(target_arch = "wasm32"))]
                    $item
                )*}
            }
            mod inner {
                macro_rules! cfg_rt {
                    ($($item:item)*) => {
                        $(
                            #[cfg(feature = "rt")]
                            #[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
                            $item
                        )*
                    };
                }
            }
            macro_rules! plain { ($($i:item)*) => { $($i)* } }
        "#;
        assert_eq!(
            definitions(src),
            [
                (
                    "cfg_rt".to_string(),
                    "# [cfg (feature = \"rt\")] # [cfg_attr (docsrs , doc (cfg (feature = \"rt\")))]"
                        .to_string()
                ),
                (
                    "if_hyper".to_string(),
                    "# [cfg (not (target_arch = \"wasm32\"))]".to_string()
                ),
                ("plain".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn other_definitions_give_nothing() {
        for src in [
            // Two rules.
            "macro_rules! m { () => {}; ($($i:item)*) => { $($i)* } }",
            // Not an item repetition.
            "macro_rules! m { ($($e:expr),*) => { $( #[cfg(unix)] $e )* } }",
            // Something besides attributes in front of the item.
            "macro_rules! m { ($($i:item)*) => { $( pub $i )* } }",
            // An attribute built from a macro variable.
            "macro_rules! m { ($($i:item)*) => { $( #[cfg(feature = $f)] $i )* } }",
            // A different variable forwarded.
            "macro_rules! m { ($($i:item)*) => { $( #[cfg(unix)] $j )* } }",
        ] {
            assert_eq!(definitions(src), [], "{src}");
        }
    }
}
