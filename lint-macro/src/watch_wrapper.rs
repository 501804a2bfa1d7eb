//! How `#[no_blocking]` emits a fn: from its tokens ([`FnItem`]), the body's tokens once,
//! with the diagnostics at the top of the body and, for an async fn, the debug-build
//! watchdog wrapper:
//!
//! ```text
//! async fn f(..) -> R {
//!     #![inner attributes] diagnostics
//!     let __blockwatch_body = async move { <typed return edge> body };
//!     #[cfg(debug_assertions)]
//!     let __blockwatch_body = { static __BLOCKWATCH_SITE: Site = ..;
//!         ::blockwatch::__private::watch_annotated(&__BLOCKWATCH_SITE, __blockwatch_body) };
//!     __blockwatch_body.await
//! }
//! ```
//!
//! so a stall inside is attributed to the fn by the runtime watchdog in debug builds,
//! and release builds run the body in its `async move` block with no watchdog code.
//! Where the crate's edition and the fn's place allow ([`Shape::FutureFn`]), the fn is
//! emitted instead as a plain fn returning that block, watched, which the compiler
//! checks for less ([`crate::future_fn`]).
//! Neither the signature nor the body is parsed, and the body is not copied: the
//! compiler reads it once (two cfg'd copies of each fn, and the signature's parse, were
//! most of the wrapper's compile time: BENCHMARKS.md, "Attribute compile-time cost").
//!
//! The body tokens keep their spans, so type errors still point at user code. `return` and
//! `?` inside the body leave the inner `async move` block; a never-taken typed `return` at
//! its top (the trick tracing-attributes uses) fixes that block's output type to the fn's
//! return type, so `?` conversions infer exactly as in the original fn. `self`, generics,
//! lifetimes and `impl Trait` arguments need nothing: the async block captures the
//! parameters the async fn already owns.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};

use crate::fn_item::{is_bracket, is_punct, return_type_of, FnItem, ReturnType};
use crate::future_fn::{self, FutureFnParams};

/// Which shapes of the wrapper the place of a fn allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Only `async fn f(..) { let b = async move { body }; b.await }`.
    AsyncFn,
    /// Also the fn returning the watched future ([`crate::future_fn`]), when the fn's
    /// own signature allows it.
    FutureFn,
}

impl Shape {
    /// The shapes allowed for a fn whose other attributes (and those of the items around
    /// it, when `#[no_blocking]` is on an impl or module) are `attribute_trees`, in the
    /// crate being compiled.
    pub fn for_attributes(attribute_trees: &[TokenTree]) -> Shape {
        if crate::edition::captures_every_lifetime() && future_fn::context_allows(attribute_trees) {
            Shape::FutureFn
        } else {
            Shape::AsyncFn
        }
    }

    /// Narrowed by more attributes around the fn.
    pub fn and_attributes(self, attribute_trees: &[TokenTree]) -> Shape {
        match self {
            Shape::FutureFn if future_fn::context_allows(attribute_trees) => Shape::FutureFn,
            _ => Shape::AsyncFn,
        }
    }
}

/// `f` with `extra` at the top of its body (after its inner attributes), wrapped for the
/// watchdog when `watch` is set and it is async, in the cheapest shape `shape` allows;
/// `site_name` is the name the watchdog reports after the module path (`slow`,
/// `Client::fetch`).
pub fn emit(
    f: &FnItem,
    site_name: &str,
    extra: &TokenStream,
    watch: bool,
    shape: Shape,
) -> TokenStream {
    let body = f.body();
    let (inner_attrs, stmts) = split_inner_attrs(body.stream());
    if watch && shape == Shape::FutureFn {
        let ret = f.return_type();
        if let Some(params) = future_fn::params_of(f, &ret) {
            return emit_future_fn(f, params, ret, site_name, extra, inner_attrs, stmts);
        }
    }
    let mut out: TokenStream = f.outer_attrs().iter().cloned().collect();
    out.extend(f.header().iter().cloned());
    let mut contents = inner_attrs;
    contents.extend(extra.clone());
    if watch && f.is_async() {
        let mut inner = typed_return_edge(&f.return_type(), f.name().span());
        inner.extend(stmts);
        contents.extend(wrapped_body(
            f.name().span(),
            site_name,
            body.span(),
            inner,
            Tail::Awaited,
        ));
    } else {
        contents.extend(stmts);
    }
    out.extend([braced(contents, body.span())]);
    out
}

/// `f` as a plain fn returning its watched body ([`crate::future_fn`]).
fn emit_future_fn(
    f: &FnItem,
    params: FutureFnParams,
    return_type: ReturnType,
    site_name: &str,
    extra: &TokenStream,
    inner_attrs: TokenStream,
    stmts: TokenStream,
) -> TokenStream {
    let body = f.body();
    // The signature's trees go into one stream at the end (each stream extended is a
    // call across the proc-macro bridge in the unoptimized macro).
    let mut signature: Vec<TokenTree> = f.outer_attrs().to_vec();
    signature.extend(f.header_up_to_params_without_async().cloned());
    signature.push(TokenTree::Group(params.outer));
    // The type carries the user's span: what an `impl Trait` captures follows the
    // edition of its span, and tokens the macro makes up have the macro crate's edition.
    let user_span = f.async_span().unwrap_or_else(|| f.name().span());
    signature.extend(future_fn::impl_future_of(&return_type, user_span));
    signature.extend(f.where_clause().iter().cloned());
    let mut out: TokenStream = signature.into_iter().collect();
    let mut inner: TokenStream = params.rebinds.into_iter().collect();
    inner.extend(typed_return_edge(&return_type, f.name().span()));
    inner.extend(stmts);
    let mut contents = inner_attrs;
    contents.extend(extra.clone());
    contents.extend(wrapped_body(
        f.name().span(),
        site_name,
        body.span(),
        inner,
        Tail::Returned,
    ));
    out.extend([braced(contents, body.span())]);
    out
}

/// `let __blockwatch_body = async move { inner }; #[cfg(debug_assertions)] let .. = ..;
/// __blockwatch_body.await`. The fixed parts are text the compiler lexes in one call each
/// (building them token by token crosses the proc-macro bridge once per token).
fn wrapped_body(
    name: Span,
    site_name: &str,
    span: Span,
    inner: TokenStream,
    tail: Tail,
) -> TokenStream {
    let mut out = text("let __blockwatch_body = async move");
    out.extend([braced(inner, span)]);
    let tail = match tail {
        Tail::Awaited => "__blockwatch_body.await",
        Tail::Returned => "__blockwatch_body",
    };
    out.extend(text(&format!(
        "; #[cfg(debug_assertions)] let __blockwatch_body = {{ {} \
         ::blockwatch::__private::watch_annotated(&__BLOCKWATCH_SITE, __blockwatch_body) }}; \
         {tail}",
        site_static(name, site_name)
    )));
    out
}

/// What the wrapper's body ends with: the watched future awaited inside the `async fn`,
/// or returned by the plain fn.
enum Tail {
    Awaited,
    Returned,
}

fn text(source: &str) -> TokenStream {
    // The texts are fixed Rust with one string literal escaped by `{:?}`: they always lex.
    // Inside the compiler, its lexer alone: proc-macro2's parse would first lex the text
    // once more with its own lexer (unoptimized in a user's build) to validate it.
    if proc_macro::is_available() {
        if let Ok(tokens) = source.parse::<proc_macro::TokenStream>() {
            return tokens.into();
        }
    }
    source.parse().unwrap_or_default()
}

fn braced(stream: TokenStream, span: Span) -> TokenTree {
    let mut group = Group::new(Delimiter::Brace, stream);
    group.set_span(span);
    TokenTree::Group(group)
}

/// `static __BLOCKWATCH_SITE: Site = ..;` as text: the fn's name after its module path,
/// its file, and the line and column of its name (`line!()`/`column!()` spanned at the
/// name where the compiler does not tell its position).
pub fn site_static(name: Span, site_name: &str) -> String {
    let start = name.start();
    let (line, column) = if start.line > 0 {
        // `column!()` counts from 1, the span's column from 0.
        (start.line.to_string(), (start.column + 1).to_string())
    } else {
        ("::core::line!()".into(), "::core::column!()".into())
    };
    format!(
        "static __BLOCKWATCH_SITE: ::blockwatch::__private::Site = ::blockwatch::__private::Site {{ \
         name: ::core::concat!(::core::module_path!(), \"::\", {site_name:?}), \
         file: ::core::file!(), line: {line}, column: {column}, }};"
    )
}

/// The body's leading `#![..]` attributes, and the rest.
fn split_inner_attrs(body: TokenStream) -> (TokenStream, TokenStream) {
    let mut trees = body.clone().into_iter();
    let mut attrs = Vec::new();
    loop {
        let (Some(hash), Some(bang), Some(bracket)) = (trees.next(), trees.next(), trees.next())
        else {
            break;
        };
        if !(is_punct(Some(&hash), '#') && is_punct(Some(&bang), '!') && is_bracket(Some(&bracket)))
        {
            break;
        }
        attrs.extend([hash, bang, bracket]);
    }
    if attrs.is_empty() {
        // The common case: no inner attributes; the body goes on as it is, not rebuilt.
        return (TokenStream::new(), body);
    }
    let rest: TokenStream = body.into_iter().skip(attrs.len()).collect();
    (attrs.into_iter().collect(), rest)
}

/// `if false { let __ret: R = loop {}; return __ret; }`, spanned at the return type (at
/// `name` for a fn returning `()`) so a mismatch points at it. `impl Trait` and `!`
/// cannot be a binding's type on stable: for those the block's type is left to
/// inference (as tracing-attributes does).
///
/// The lints it would trip (in the user's crate, since it carries the user's span) are
/// allowed on it.
pub fn typed_return_edge(ret: &ReturnType, name: Span) -> TokenStream {
    let (ty, span): (TokenStream, Span) = match ret {
        ReturnType::Inferred => return TokenStream::new(),
        ReturnType::Unit => (quote!(()), name),
        ReturnType::Type(ty) => (ty.iter().cloned().collect(), ty[0].span()),
    };
    // The attribute is fixed text: lexed by the compiler in one call, not built token by
    // token (an `allow` works whatever its tokens' spans).
    let allow = text(ALLOW_ON_RETURN_EDGE);
    quote_spanned! {span=>
        #allow
        if false {
            let __blockwatch_return: #ty = loop {};
            return __blockwatch_return;
        }
    }
}

/// [`typed_return_edge`] of a parsed signature (for `#[blockwatch::main]` and `test`).
pub fn typed_return_edge_of(sig: &syn::Signature) -> TokenStream {
    let ret = match &sig.output {
        syn::ReturnType::Default => ReturnType::Unit,
        syn::ReturnType::Type(_, ty) => {
            let tokens: Vec<TokenTree> = ty.to_token_stream().into_iter().collect();
            return_type_of(&tokens)
        }
    };
    typed_return_edge(&ret, sig.ident.span())
}

/// The lints the typed return edge would trip, allowed on it.
const ALLOW_ON_RETURN_EDGE: &str = "#[allow(unknown_lints, unreachable_code, \
    clippy::diverging_sub_expression, clippy::empty_loop, clippy::let_unit_value, \
    clippy::let_with_type_underscore, clippy::needless_return, clippy::unreachable)]";

#[cfg(test)]
mod tests {
    use super::*;

    fn emitted(src: &str, extra: &str, watch: bool) -> String {
        emitted_as(src, extra, watch, Shape::AsyncFn)
    }

    fn emitted_as(src: &str, extra: &str, watch: bool, shape: Shape) -> String {
        let tokens: TokenStream = src.parse().unwrap();
        let f = FnItem::split(tokens.into_iter().collect()).unwrap();
        let site = f.name().to_string();
        emit(&f, &site, &extra.parse().unwrap(), watch, shape).to_string()
    }

    #[test]
    fn where_allowed_an_async_fn_becomes_a_fn_returning_its_watched_body() {
        let out = emitted_as(
            "#[inline] pub async fn f<T: Send>(&self, t: T) -> Result<u32, E> where T: Sync { #![allow(unused)] Ok(g()?) }",
            "EXTRA;",
            true,
            Shape::FutureFn,
        );
        assert!(
            out.starts_with(
                "# [inline] pub fn f < T : Send > (& self , t : T) -> impl :: core :: future :: \
                 Future < Output = Result < u32 , E > > where T : Sync { #! [allow (unused)] EXTRA ; \
                 let __blockwatch_body = async move { let _ = & self ;"
            ),
            "{out}"
        );
        assert!(out.contains("let t = t ;"), "{out}");
        assert!(
            out.contains("return __blockwatch_return ; } Ok (g () ?) } ;"),
            "{out}"
        );
        assert!(
            out.ends_with("__blockwatch_body) } ; __blockwatch_body }"),
            "{out}"
        );
        assert!(
            !out.contains("async fn") && !out.contains(". await"),
            "{out}"
        );
        let unit = emitted_as("async fn h() {}", "", true, Shape::FutureFn);
        assert!(
            unit.starts_with("fn h () -> impl :: core :: future :: Future < Output = () > {"),
            "{unit}"
        );
    }

    #[test]
    fn the_async_fn_shape_stays_where_the_plain_fn_cannot_say_the_same() {
        for src in ["async fn f() -> impl Send { 1 }", "async unsafe fn f() {}"] {
            let out = emitted_as(src, "", true, Shape::FutureFn);
            assert!(
                out.starts_with("async ") && out.contains(". await"),
                "{out}"
            );
        }
        let unwatched = emitted_as("async fn f() {}", "", false, Shape::FutureFn);
        assert_eq!(unwatched, "async fn f () { }");
    }

    #[test]
    fn unwatched_fns_come_out_as_written_with_the_extra_tokens_first() {
        assert_eq!(
            emitted(
                "#[inline] pub(crate) async fn f(x: u32) -> u32 { #![allow(unused)] x + 1 }",
                "EXTRA;",
                false
            ),
            "# [inline] pub (crate) async fn f (x : u32) -> u32 { #! [allow (unused)] EXTRA ; x + 1 }"
        );
        assert_eq!(
            emitted("fn g() { let a = async { 1 }; }", "", true),
            "fn g () { let a = async { 1 } ; }"
        );
    }

    #[test]
    fn async_fns_hold_their_body_once_inside_the_wrapper() {
        let out = emitted(
            "#[inline] async fn f() -> Result<u32, E> { #![allow(unused)] Ok(g()?) }",
            "EXTRA;",
            true,
        );
        assert_eq!(out.matches("Ok (g () ?)").count(), 1, "{out}");
        assert!(
            out.starts_with(
                "# [inline] async fn f () -> Result < u32 , E > { #! [allow (unused)] EXTRA ; \
                 let __blockwatch_body = async move { # [allow ("
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "if false { let __blockwatch_return : Result < u32 , E > = loop { } ; \
                 return __blockwatch_return ; } Ok (g () ?) } ; \
                 # [cfg (debug_assertions)] let __blockwatch_body = { static __BLOCKWATCH_SITE"
            ),
            "{out}"
        );
        assert!(
            out.ends_with(
                ":: blockwatch :: __private :: watch_annotated (& __BLOCKWATCH_SITE , \
                 __blockwatch_body) } ; __blockwatch_body . await }"
            ),
            "{out}"
        );
        assert!(out.contains("\"f\""), "{out}");
    }

    #[test]
    fn impl_trait_and_never_returns_have_no_typed_edge() {
        for src in [
            "async fn f() -> impl Fn() { || {} }",
            "async fn f() -> ! { loop {} }",
        ] {
            let out = emitted(src, "", true);
            assert!(!out.contains("__blockwatch_return"), "{out}");
            assert!(out.contains("watch_annotated"), "{out}");
        }
        let out = emitted("async fn f() { }", "", true);
        assert!(out.contains("let __blockwatch_return : () = loop"), "{out}");
    }

    #[test]
    fn the_site_names_the_fn_where_it_is() {
        let site = site_static(Span::call_site(), "Client::get");
        assert!(
            site.contains("concat!(::core::module_path!(), \"::\", \"Client::get\")"),
            "{site}"
        );
        assert!(site.parse::<TokenStream>().is_ok(), "{site}");
    }
}
