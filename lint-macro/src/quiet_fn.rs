//! The fast path of `#[no_blocking]`: a fn in which the engine can report nothing
//! ([`blockwatch_lint::may_report`] on its tokens, and no crate-view finding on its lines)
//! comes back out from its tokens. The body is never parsed; for the debug-build watchdog
//! wrapper only the signature is (for the fn's name and return type).

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};

use crate::watch_wrapper::{self, FnTokens};

/// A fn item split on its tokens.
pub struct FnParts {
    /// The `#[..]` attributes before it.
    outer_attrs: TokenStream,
    /// Visibility, qualifiers, `fn`, name, generics, parameters, return type, `where`.
    header: TokenStream,
    /// Whether `async` is among the qualifiers.
    is_async: bool,
    /// The fn's name.
    name: Span,
    /// The body.
    body: Group,
}

impl FnParts {
    /// Splits `item` when it is a fn (`[attrs] [vis] [const|async|unsafe|extern ".."|default]*
    /// fn ... { .. }`); `None` for anything else, which takes the full path.
    pub fn split(item: &TokenStream) -> Option<FnParts> {
        let trees: Vec<TokenTree> = item.clone().into_iter().collect();
        let (body, rest) = trees.split_last()?;
        let TokenTree::Group(body) = body else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace {
            return None;
        }
        let mut i = 0;
        while is_punct(rest.get(i), '#') && is_bracket(rest.get(i + 1)) {
            i += 2;
        }
        let (attrs, header) = rest.split_at(i);
        let mut j = 0;
        let mut is_async = false;
        if matches!(header.first(), Some(TokenTree::Ident(v)) if v == "pub") {
            j += 1;
            if matches!(header.get(j), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
            {
                j += 1;
            }
        }
        loop {
            match header.get(j)? {
                TokenTree::Ident(q) if q == "fn" => break,
                TokenTree::Ident(q) if q == "async" => is_async = true,
                TokenTree::Ident(q)
                    if q == "const" || q == "unsafe" || q == "extern" || q == "default" => {}
                TokenTree::Literal(_) if j > 0 => {}
                _ => return None,
            }
            j += 1;
        }
        let TokenTree::Ident(name) = header.get(j + 1)? else {
            return None;
        };
        Some(FnParts {
            outer_attrs: attrs.iter().cloned().collect(),
            header: header.iter().cloned().collect(),
            is_async,
            name: name.span(),
            body: body.clone(),
        })
    }

    /// Whether the fn is `async`.
    pub fn is_async(&self) -> bool {
        self.is_async
    }

    /// The span of the fn's name.
    pub fn name_span(&self) -> Span {
        self.name
    }

    /// The fn with `extra` at the top of its body (after its inner attributes), wrapped
    /// for the watchdog when `watch` is set and it is async. `None` when the signature
    /// does not parse or nests too deeply to parse safely: the full path reports that.
    pub fn expand(self, extra: &TokenStream, watch: bool) -> Option<TokenStream> {
        let (inner_attrs, stmts) = split_inner_attrs(self.body.stream());
        let brace = syn::token::Brace {
            span: self.body.delim_span(),
        };
        if !(watch && self.is_async) {
            let mut body = TokenStream::new();
            brace.surround(&mut body, |out| {
                out.extend(inner_attrs);
                out.extend(extra.clone());
                out.extend(stmts);
            });
            let FnParts {
                outer_attrs,
                header,
                ..
            } = self;
            return Some(quote!(#outer_attrs #header #body));
        }
        let header = &self.header;
        // The signature is all syn parses here: its nesting is what the guard must see.
        blockwatch_lint::check_nesting(header, crate::nesting::MAX_NESTING).ok()?;
        let sig_item: syn::ImplItemFn = syn::parse2(quote!(#header {})).ok()?;
        Some(watch_wrapper::wrap_tokens(
            &FnTokens {
                outer_attrs: self.outer_attrs,
                inner_attrs,
                vis: sig_item.vis.to_token_stream(),
                defaultness: sig_item.defaultness,
                sig: &sig_item.sig,
                brace,
                stmts,
                site_name: sig_item.sig.ident.to_string(),
            },
            extra,
        ))
    }
}

/// The body's leading `#![..]` attributes, and the rest.
fn split_inner_attrs(body: TokenStream) -> (TokenStream, TokenStream) {
    let trees: Vec<TokenTree> = body.clone().into_iter().collect();
    let mut i = 0;
    while is_punct(trees.get(i), '#')
        && is_punct(trees.get(i + 1), '!')
        && is_bracket(trees.get(i + 2))
    {
        i += 3;
    }
    if i == 0 {
        // The common case: no inner attributes; the body goes on as it is, not rebuilt.
        return (TokenStream::new(), body);
    }
    let (attrs, rest) = trees.split_at(i);
    (
        attrs.iter().cloned().collect(),
        rest.iter().cloned().collect(),
    )
}

fn is_punct(tree: Option<&TokenTree>, ch: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

fn is_bracket(tree: Option<&TokenTree>) -> bool {
    matches!(tree, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::{expand, Additions};
    use crate::target::Target;

    /// The fast path's output, and the full path's for the same fn.
    fn both(src: &str, watch: bool) -> (String, String) {
        let tokens: TokenStream = src.parse().unwrap();
        let extra = quote!(EXTRA;);
        let fast = FnParts::split(&tokens)
            .unwrap()
            .expand(&extra, watch)
            .unwrap()
            .to_string()
            // `#!` as written is one joint punct; syn prints the pair apart.
            .replace("#!", "# !");
        let additions = Additions {
            diagnostics: extra,
            config_files: Vec::new(),
            watch,
        };
        let full = expand(Target::parse(tokens).unwrap(), &additions).to_string();
        (fast, full)
    }

    #[test]
    fn same_output_as_the_full_path() {
        for src in [
            "#[inline] pub(crate) async fn f(x: u32) -> Result<u32, E> { #![allow(unused)] let y = x; Ok(y) }",
            "async unsafe fn g<T: Send>(t: T) -> impl Send where T: Clone { t }",
            "pub fn h() { let a = async { 1 }; }",
            "const fn k() -> u8 { 1 }",
        ] {
            for watch in [true, false] {
                let (fast, full) = both(src, watch);
                assert_eq!(fast, full, "{src} watch={watch}");
            }
        }
    }

    #[test]
    fn items_other_than_fns_take_the_full_path() {
        for src in [
            "impl S { async fn f(&self) {} }",
            "mod m { async fn f() {} }",
            "trait T { fn f() {} }",
            "struct S {}",
            "fn(u8) {}",
        ] {
            let tokens: TokenStream = src.parse().unwrap();
            assert!(FnParts::split(&tokens).is_none(), "{src}");
        }
    }

    #[test]
    fn qualifiers_and_name_are_read_from_tokens() {
        let tokens: TokenStream = "pub(crate) async extern \"C\" fn named() {}"
            .parse()
            .unwrap();
        let parts = FnParts::split(&tokens).unwrap();
        assert!(parts.is_async);
        let tokens: TokenStream = "#[a] default fn named() {}".parse().unwrap();
        assert!(!FnParts::split(&tokens).unwrap().is_async);
    }
}
