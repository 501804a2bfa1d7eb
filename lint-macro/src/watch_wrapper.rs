//! How `#[no_blocking]` emits a fn: from its tokens ([`FnItem`]), the body's tokens once,
//! with the diagnostics at the top of the body and, for an async fn, the debug-build
//! watchdog wrapper:
//!
//! ```text
//! async fn f(..) -> R {
//!     #![inner attributes] diagnostics
//!     ::blockwatch::__private::Watch(module_path!(), "f", file, line, column)
//!         .output::<R, _>(async move { body })
//!         .await
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
//! `?` inside the body leave the inner `async move` block; `output::<R, _>` (whose bound
//! the compiler reads when it checks the block) fixes that block's output type to the
//! fn's return type, so `?` conversions infer exactly as in the original fn. `self`, generics,
//! lifetimes and `impl Trait` arguments need nothing: the async block captures the
//! parameters the async fn already owns.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};

use crate::fn_item::{is_bracket, is_punct, return_type_of, FnItem, ReturnType};
use crate::future_fn;

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
        let captures =
            future_fn::own_edition_captures_all() || crate::edition::captures_every_lifetime();
        if captures && future_fn::context_allows(attribute_trees) {
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

/// What the caller knows of how a fn's body starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyStart {
    /// It may open with inner attributes (`#![..]`): its trees are looked at.
    Unknown,
    /// It does not (the item's text shows no `#` first in the body): the body's stream
    /// is used as it is, without asking the compiler for its trees.
    NoInnerAttributes,
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
    emit_with(f, site_name, extra, watch, shape, BodyStart::Unknown)
}

/// [`emit`], told how the body starts.
///
/// Built with few calls across the compiler's proc-macro bridge, each of which costs the
/// unoptimized macro of a user's build far more than the work it asks for: trees are
/// gathered in vectors and become a stream once per group, and the fixed text is lexed by
/// the compiler in one call ([`wrapped_body`]).
pub fn emit_with(
    f: &FnItem,
    site_name: &str,
    extra: &TokenStream,
    watch: bool,
    shape: Shape,
    start: BodyStart,
) -> TokenStream {
    let body = f.body();
    let (inner_attrs, stmts) = match start {
        BodyStart::NoInnerAttributes => (Vec::new(), body.stream()),
        BodyStart::Unknown => split_inner_attrs(body.stream()),
    };
    let wrapped = watch && f.is_async();
    let ret = if wrapped {
        f.return_type()
    } else {
        ReturnType::Inferred
    };
    let params = if wrapped && shape == Shape::FutureFn {
        future_fn::params_of(f, &ret)
    } else {
        None
    };
    let mut top: Vec<TokenTree>;
    let (inner, tail) = match params {
        Some(params) => {
            // `fn f(params) -> impl Future<Output = R> where ..`, the body returning the
            // watched future ([`crate::future_fn`]).
            top = f.outer_attrs().to_vec();
            top.extend(f.header_up_to_params_without_async().cloned());
            top.push(TokenTree::Group(params.outer));
            // What an `impl Trait` captures follows the edition of its span, and tokens the
            // macro makes up have the macro crate's edition ([`future_fn::impl_span`]).
            let user_span = f.async_span().unwrap_or_else(|| f.name().span());
            top.extend(future_fn::impl_future_of(
                &ret,
                future_fn::impl_span(user_span),
            ));
            top.extend(f.where_clause().iter().cloned());
            let mut inner: TokenStream = params.rebinds.into_iter().collect();
            inner.extend([stmts]);
            (inner, Tail::Returned)
        }
        None => {
            top = f.outer_attrs().to_vec();
            top.extend(f.header().iter().cloned());
            (stmts, Tail::Awaited)
        }
    };
    let mut contents: Vec<TokenTree> = inner_attrs;
    let mut body_stream = TokenStream::new();
    if !extra.is_empty() {
        body_stream = contents.drain(..).collect();
        body_stream.extend([extra.clone()]);
    }
    if wrapped {
        let wrapper = wrapped_body(f.name().span(), site_name, body.span(), &ret, inner, tail);
        if contents.is_empty() && body_stream.is_empty() {
            body_stream = wrapper;
        } else {
            body_stream.extend(contents.drain(..));
            body_stream.extend([wrapper]);
        }
    } else if contents.is_empty() && body_stream.is_empty() {
        body_stream = inner;
    } else {
        body_stream.extend(contents.drain(..));
        body_stream.extend([inner]);
    }
    top.push(braced(body_stream, body.span()));
    top.into_iter().collect()
}

/// `::blockwatch::__private::Watch(..).output::<R, _>(async move { inner })`, then
/// `.await` in an `async fn`. `Watch` is the watchdog's `FnSite`: the site is the
/// receiver, which the compiler promotes to a constant (`output` takes `&'static self`).
///
/// `output::<R, _>` fixes the block's output to the fn's return type `R` before its body is
/// checked, so `?` conversions infer exactly as in the original fn (for `impl Trait` and
/// `!`, which a type argument cannot state, `future` leaves it to inference). It replaces
/// a never-taken typed `return` at the block's top, whose lint `allow`s were about a
/// quarter of what the wrapped fns cost an incremental check (BENCHMARKS.md, "Session
/// 11"). `output` watches the block in debug builds and hands it back as it is in release
/// builds: the choice is the watchdog crate's, not a `cfg` pair in every fn, which cost the
/// compiler more than the rest of the call (BENCHMARKS.md, "Session 12"); a `static`
/// item per fn for the site would cost more too. The fixed part is text the compiler
/// lexes in one call, and comes first: the rest are the user's trees and a few made here.
fn wrapped_body(
    name: Span,
    site_name: &str,
    span: Span,
    ret: &ReturnType,
    inner: TokenStream,
    tail: Tail,
) -> TokenStream {
    let block = braced(inner, span);
    let async_block: TokenStream = [keyword("async"), keyword("move"), block]
        .into_iter()
        .collect();
    let (method, mut trees) = match ret {
        ReturnType::Inferred => ("future", Vec::new()),
        ReturnType::Type(ty) => ("output::<", ty.clone()),
        ReturnType::Unit => (
            "output::<",
            vec![TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                TokenStream::new(),
            ))],
        ),
    };
    if !trees.is_empty() {
        trees.extend([
            TokenTree::Punct(Punct::new(',', Spacing::Alone)),
            keyword("_"),
            TokenTree::Punct(Punct::new('>', Spacing::Alone)),
        ]);
    }
    trees.push(TokenTree::Group(Group::new(
        Delimiter::Parenthesis,
        async_block,
    )));
    if let Tail::Awaited = tail {
        trees.extend([
            TokenTree::Punct(Punct::new('.', Spacing::Alone)),
            keyword("await"),
        ]);
    }
    let mut out = text(&format!("{}.{method}", site_value(name, site_name)));
    out.extend(trees);
    out
}

fn keyword(word: &str) -> TokenTree {
    TokenTree::Ident(Ident::new(word, Span::call_site()))
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
    if proc_macro::is_available()
        && let Ok(tokens) = source.parse::<proc_macro::TokenStream>()
    {
        return tokens.into();
    }
    source.parse().unwrap_or_default()
}

fn braced(stream: TokenStream, span: Span) -> TokenTree {
    let mut group = Group::new(Delimiter::Brace, stream);
    group.set_span(span);
    TokenTree::Group(group)
}

/// `::blockwatch::__private::Watch(..)` (the watchdog's `FnSite`) as text: the fn's
/// module path and its name apart (the watchdog joins them), the file, line and column of
/// its name. Where the compiler tells the name's position (always, in a build), the
/// three are literals; otherwise (rust-analyzer's expansions) `file!()`, `line!()` and
/// `column!()`, which name the attribute's place instead. Borrowed (as the receiver of
/// `output`), it is a constant the compiler promotes to a `'static`, one per fn as a
/// `static` item would be, without the item.
///
/// The file is the one the compiler names in `file!()` (`Span::file`: remapped the
/// same way), but read at the fn's name, as its line and column are: for a fn a
/// `macro_rules!` writes from its own text, file and line both name that text.
pub fn site_value(name: Span, site_name: &str) -> String {
    let start = name.start();
    let file = if start.line > 0 {
        name.file()
    } else {
        String::new()
    };
    // Names in `<..>` are no file of the crate (a string parsed outside the compiler).
    if file.is_empty() || file.starts_with('<') {
        return format!(
            "::blockwatch::__private::Watch(::core::module_path!(), {site_name:?}, \
             ::core::file!(), ::core::line!(), ::core::column!())"
        );
    }
    // `column!()` counts from 1, the span's column from 0.
    format!(
        "::blockwatch::__private::Watch(::core::module_path!(), {site_name:?}, {file:?}, {}, {})",
        start.line,
        start.column + 1
    )
}

/// The body's leading `#![..]` attributes, and the rest.
fn split_inner_attrs(body: TokenStream) -> (Vec<TokenTree>, TokenStream) {
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
        return (Vec::new(), body);
    }
    let rest: TokenStream = body.into_iter().skip(attrs.len()).collect();
    (attrs, rest)
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
                 :: blockwatch :: __private :: Watch (:: core :: module_path ! () , \"f\" ,"
            ),
            "{out}"
        );
        assert!(
            out.ends_with(
                ") . output ::< Result < u32 , E > , _ > \
                 (async move { let _ = & self ; let t = t ; Ok (g () ?) }) }"
            ),
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
                 :: blockwatch :: __private :: Watch (:: core :: module_path ! () , \"f\" ,"
            ),
            "{out}"
        );
        assert!(
            out.ends_with(
                ") . output ::< Result < u32 , E > , _ > \
                 (async move { Ok (g () ?) }) . await }"
            ),
            "{out}"
        );
        assert!(out.contains("\"f\""), "{out}");
    }

    #[test]
    fn impl_trait_and_never_returns_leave_the_output_to_inference() {
        for src in [
            "async fn f() -> impl Fn() { || {} }",
            "async fn f() -> ! { loop {} }",
        ] {
            let out = emitted(src, "", true);
            assert!(out.contains(")) . future (async move {"), "{out}");
            assert!(!out.contains("output"), "{out}");
        }
        let out = emitted("async fn f() { }", "", true);
        assert!(
            out.contains("output ::< () , _ > (async move { })"),
            "{out}"
        );
    }

    #[test]
    fn the_site_names_the_fn_where_it_is() {
        // Outside the compiler a span has no position: the site asks the compiler's macros.
        let site = site_value(Span::call_site(), "Client::get");
        assert_eq!(
            site,
            "::blockwatch::__private::Watch(::core::module_path!(), \"Client::get\", \
             ::core::file!(), ::core::line!(), ::core::column!())"
        );
        assert!(site.parse::<TokenStream>().is_ok(), "{site}");
    }
}
