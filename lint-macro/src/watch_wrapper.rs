//! The debug-build watchdog wrapper of `#[no_blocking]` async fns.
//!
//! An async fn comes out twice, under opposite `cfg`s:
//! - `#[cfg(not(debug_assertions))]`: the user's fn exactly as written, so release builds
//!   pay nothing;
//! - `#[cfg(debug_assertions)]`: the same signature, its body moved into
//!   `::blockwatch::__private::watch_annotated(&SITE, async move { body }).await`, so a stall
//!   inside is attributed to the fn by the runtime watchdog.
//!
//! The body tokens keep their spans, so type errors still point at user code. `return` and
//! `?` inside the body leave the inner `async move` block; a never-taken typed `return` at
//! its top (the trick tracing-attributes uses) fixes that block's output type to the fn's
//! return type, so `?` conversions infer exactly as in the original fn. `self`, generics,
//! lifetimes and `impl Trait` arguments need nothing: the async block captures the
//! parameters the async fn already owns.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::visit::Visit;
use syn::{Attribute, Block, Signature, Visibility};

/// What one async fn needs to be wrapped.
pub struct AsyncFn<'a> {
    /// Outer attributes, kept on both copies.
    pub attrs: &'a [Attribute],
    /// Visibility, kept on both copies.
    pub vis: &'a Visibility,
    /// `default` in a specializing impl (kept as written).
    pub defaultness: Option<syn::token::Default>,
    /// The signature (must be `async`).
    pub sig: &'a Signature,
    /// The body.
    pub block: &'a Block,
    /// The name the watchdog reports, after the module path: `slow` or `Client::fetch`.
    pub site_name: String,
}

/// Both cfg'd copies of the fn. `extra` (diagnostics) goes at the top of both bodies.
pub fn wrap(f: &AsyncFn<'_>, extra: &TokenStream) -> TokenStream {
    let (outer, inner) = split_attrs(f.attrs);
    let mut stmts = TokenStream::new();
    for stmt in &f.block.stmts {
        stmt.to_tokens(&mut stmts);
    }
    wrap_tokens(
        &FnTokens {
            outer_attrs: quote!(#(#outer)*),
            inner_attrs: quote!(#(#inner)*),
            vis: f.vis.to_token_stream(),
            defaultness: f.defaultness,
            sig: f.sig,
            brace: f.block.brace_token,
            stmts,
            site_name: f.site_name.clone(),
        },
        extra,
    )
}

/// An async fn as tokens: its body is never parsed.
pub struct FnTokens<'a> {
    /// `#[..]` attributes, kept on both copies.
    pub outer_attrs: TokenStream,
    /// `#![..]` attributes, at the top of both bodies.
    pub inner_attrs: TokenStream,
    /// The visibility.
    pub vis: TokenStream,
    /// `default` in a specializing impl.
    pub defaultness: Option<syn::token::Default>,
    /// The signature (must be `async`).
    pub sig: &'a Signature,
    /// The body's braces (their spans are kept).
    pub brace: syn::token::Brace,
    /// The body's statements, as written.
    pub stmts: TokenStream,
    /// The name the watchdog reports, after the module path.
    pub site_name: String,
}

/// [`wrap`] on tokens: both cfg'd copies of the fn.
pub fn wrap_tokens(f: &FnTokens<'_>, extra: &TokenStream) -> TokenStream {
    let FnTokens {
        outer_attrs,
        inner_attrs,
        vis,
        defaultness,
        sig,
        brace,
        stmts,
        site_name,
    } = f;
    let extra = &quote!(#inner_attrs #extra);
    let site = site_static(&sig.ident, site_name);
    let fake_return = typed_return_edge(sig);
    let mut original = TokenStream::new();
    brace.surround(&mut original, |out| {
        extra.to_tokens(out);
        stmts.to_tokens(out);
    });
    let mut wrapped = TokenStream::new();
    brace.surround(&mut wrapped, |out| {
        extra.to_tokens(out);
        out.extend(site);
        let mut inner = TokenStream::new();
        brace.surround(&mut inner, |body| {
            fake_return.to_tokens(body);
            stmts.to_tokens(body);
        });
        out.extend(quote! {
            ::blockwatch::__private::watch_annotated(&__BLOCKWATCH_SITE, async move #inner).await
        });
    });
    quote! {
        #[cfg(debug_assertions)]
        #outer_attrs
        #vis #defaultness #sig #wrapped

        #[cfg(not(debug_assertions))]
        #outer_attrs
        #vis #defaultness #sig #original
    }
}

/// `static __BLOCKWATCH_SITE: Site = ..;`: the fn's name after its module path, its file,
/// and the line and column of its name.
///
/// Where the compiler tells the name's position, the static is one text the compiler
/// lexes (one call across the proc-macro bridge instead of one per token, and two
/// `line!()`/`column!()` expansions fewer for rustc): the wrapper's tokens were most of
/// its expansion cost (BENCHMARKS.md, "Attribute compile-time cost").
fn site_static(fn_name: &syn::Ident, site_name: &str) -> TokenStream {
    let start = fn_name.span().start();
    if start.line > 0 {
        let text = format!(
            "static __BLOCKWATCH_SITE: ::blockwatch::__private::Site = ::blockwatch::__private::Site {{ \
             name: ::core::concat!(::core::module_path!(), \"::\", {site_name:?}), \
             file: ::core::file!(), line: {}, column: {}, }};",
            start.line,
            // `column!()` counts from 1, the span's column from 0.
            start.column + 1
        );
        if let Ok(tokens) = text.parse() {
            return tokens;
        }
    }
    let line = quote_spanned!(fn_name.span()=> ::core::line!());
    let column = quote_spanned!(fn_name.span()=> ::core::column!());
    quote! {
        static __BLOCKWATCH_SITE: ::blockwatch::__private::Site = ::blockwatch::__private::Site {
            name: ::core::concat!(::core::module_path!(), "::", #site_name),
            file: ::core::file!(),
            line: #line,
            column: #column,
        };
    }
}

/// The fn unwrapped (for `watch = false` and sync fns), `extra` at the top of its body.
pub fn unwrapped(
    attrs: &[Attribute],
    vis: &Visibility,
    defaultness: Option<syn::token::Default>,
    sig: &Signature,
    block: &Block,
    extra: &TokenStream,
) -> TokenStream {
    let (outer, inner) = split_attrs(attrs);
    let mut body = TokenStream::new();
    block.brace_token.surround(&mut body, |out| {
        out.extend(quote!(#(#inner)* #extra));
        for stmt in &block.stmts {
            stmt.to_tokens(out);
        }
    });
    quote!(#(#outer)* #vis #defaultness #sig #body)
}

/// Outer attributes (`#[..]`, printed before the fn) and inner ones (`#![..]`, which syn
/// keeps in the same list but which belong at the top of the body).
fn split_attrs(attrs: &[Attribute]) -> (Vec<&Attribute>, Vec<&Attribute>) {
    attrs
        .iter()
        .partition(|a| matches!(a.style, syn::AttrStyle::Outer))
}

/// `if false { let __ret: R = loop {}; return __ret; }`, spanned at the return type so a
/// mismatch points at it. `impl Trait` and `!` cannot be a binding's type on stable: for
/// those the block's type is left to inference (as tracing-attributes does).
///
/// The lints it would trip (in the user's crate, since it carries the user's span) are
/// allowed on it.
pub fn typed_return_edge(sig: &Signature) -> TokenStream {
    let ty = match &sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => {
            if matches!(**ty, syn::Type::Never(_)) || mentions_impl_trait(ty) {
                return TokenStream::new();
            }
            ty.to_token_stream()
        }
    };
    let span = match &sig.output {
        syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
        syn::ReturnType::Default => sig.ident.span(),
    };
    // The attribute is fixed text: lexed by the compiler in one call, not built token by
    // token (an `allow` works whatever its tokens' spans).
    let allow: TokenStream = ALLOW_ON_RETURN_EDGE.parse().unwrap_or_default();
    quote_spanned! {span=>
        #allow
        if false {
            let __blockwatch_return: #ty = loop {};
            return __blockwatch_return;
        }
    }
}

/// The lints the typed return edge would trip, allowed on it.
const ALLOW_ON_RETURN_EDGE: &str = "#[allow(unknown_lints, unreachable_code, \
    clippy::diverging_sub_expression, clippy::empty_loop, clippy::let_unit_value, \
    clippy::let_with_type_underscore, clippy::needless_return, clippy::unreachable)]";

fn mentions_impl_trait(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(src: &str) -> String {
        let item: syn::ItemFn = syn::parse_str(src).unwrap();
        let f = AsyncFn {
            attrs: &item.attrs,
            vis: &item.vis,
            defaultness: None,
            sig: &item.sig,
            block: &item.block,
            site_name: item.sig.ident.to_string(),
        };
        wrap(&f, &TokenStream::new()).to_string()
    }

    #[test]
    fn inner_attributes_stay_inside_the_body() {
        let out = wrapped("#[inline] async fn f() { #![allow(unused)] let x = 1; }");
        for copy in out.split("# [cfg (not (debug_assertions))]") {
            assert!(
                copy.contains("# [inline] async fn f () { # ! [allow (unused)]"),
                "{copy}"
            );
        }
    }

    #[test]
    fn release_copy_is_the_original() {
        let out = wrapped("pub async fn f(x: u32) -> u32 { x + 1 }");
        let release = out
            .split("# [cfg (not (debug_assertions))]")
            .nth(1)
            .unwrap();
        assert_eq!(release.trim(), "pub async fn f (x : u32) -> u32 { x + 1 }");
    }

    #[test]
    fn debug_copy_wraps_the_body_with_a_typed_return_edge() {
        let out = wrapped("async fn f() -> Result<u32, E> { Ok(g()?) }");
        let debug = out
            .split("# [cfg (not (debug_assertions))]")
            .next()
            .unwrap();
        assert!(debug.starts_with("# [cfg (debug_assertions)]"), "{debug}");
        assert!(
            debug.contains("watch_annotated (& __BLOCKWATCH_SITE , async move {"),
            "{debug}"
        );
        assert!(
            debug.contains("let __blockwatch_return : Result < u32 , E > = loop { } ;"),
            "{debug}"
        );
        assert!(debug.contains("Ok (g () ?)"), "{debug}");
        assert!(debug.contains("\"f\""), "{debug}");
    }

    #[test]
    fn impl_trait_and_never_returns_have_no_typed_edge() {
        let out = wrapped("async fn f() -> impl Fn() { || {} }");
        assert!(!out.contains("__blockwatch_return"), "{out}");
        let out = wrapped("async fn f() -> ! { loop {} }");
        assert!(!out.contains("__blockwatch_return"), "{out}");
    }
}
