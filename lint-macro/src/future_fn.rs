//! The watchdog wrapper's cheaper shape: an `async fn` emitted as a plain fn that returns
//! the watched future, so the compiler builds one coroutine per fn instead of two.
//!
//! ```text
//! fn f(x: T, __blockwatch_arg1: U) -> impl ::core::future::Future<Output = R> {
//!     diagnostics
//!     ::blockwatch::__private::Watch(/* the fn's site */)
//!         .output::<R, _>(async move { let x = x; let (a, b) = __blockwatch_arg1; body })
//! }
//! ```
//!
//! The `async fn` shape (`async fn f(..) { let b = async move { body }; b.await }`) nests
//! the body's coroutine in the fn's own, and checking that second coroutine is most of what
//! the wrapper costs `cargo check` (BENCHMARKS.md, "Attribute compile-time cost").
//!
//! The shape is the same fn to its callers only where the rewrite cannot change meaning:
//! - The `impl Trait` is of edition 2024 or later: there `impl Trait` in return position
//!   captures every lifetime of the signature, elided ones and those hidden in paths
//!   (`Formatter` for `Formatter<'_>`) included, as an `async fn`'s future does. Earlier
//!   editions would need each lifetime named, which tokens cannot always show. The
//!   edition is that of the `impl` token's span: the user's crate's ([`crate::edition`])
//!   when it carries the user's span, this macro crate's when the macro makes it up
//!   ([`IMPL_OF_OWN_EDITION_CAPTURES_ALL`]: then in a crate of any edition).
//! - `async` is the only qualifier, and the return type can be written as the future's
//!   `Output` (not `impl Trait` or `!`, which a type argument cannot state either).
//! - Every other attribute on the fn (and on the impl or module that holds it) is inert:
//!   a macro after ours (`#[async_trait]`, `#[tokio::test]`, `#[tracing::instrument]`)
//!   may treat an `async fn` differently from a fn returning a future.
//! - Every parameter is rebound inside the async block in order, as an `async fn`
//!   desugars: all of them live (and drop) with the future, a pattern is matched inside
//!   it, and `self` is mentioned so it is captured even when the body does not use it.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::fn_item::{is_bracket, is_punct, FnItem, ReturnType};

/// `true` where `_` is an expression fragment: edition 2024 and later.
macro_rules! own_edition_is_2024_or_later {
    ($underscore:expr) => {
        true
    };
    (_) => {
        false
    };
}

/// Whether this macro crate is compiled as edition 2024 or later, so that an `impl Trait`
/// spanned at a token it makes up captures every lifetime in scope whatever the edition
/// of the crate being compiled: the future-returning shape then serves edition-2021
/// crates too (one coroutine per fn instead of two: BENCHMARKS.md, "Session 12").
/// Told by the compiler itself (the `expr` fragment takes `_` from edition 2024 on), so
/// it follows `edition` in this crate's manifest.
pub const IMPL_OF_OWN_EDITION_CAPTURES_ALL: bool = own_edition_is_2024_or_later!(_);

/// [`IMPL_OF_OWN_EDITION_CAPTURES_ALL`], which the macro's own tests can turn off on one
/// thread ([`without_own_edition`]) to see the output an edition-2021 macro crate gives.
pub fn own_edition_captures_all() -> bool {
    #[cfg(test)]
    if tests::OWN_EDITION_IGNORED.get() {
        return false;
    }
    IMPL_OF_OWN_EDITION_CAPTURES_ALL
}

/// Runs `f` as if this macro crate were of edition 2021, on this thread.
#[cfg(test)]
pub fn without_own_edition<R>(f: impl FnOnce() -> R) -> R {
    let before = tests::OWN_EDITION_IGNORED.replace(true);
    let out = f();
    tests::OWN_EDITION_IGNORED.set(before);
    out
}

/// The span the future-returning shape's `-> impl Future<..>` carries: a token the macro
/// makes up where that captures every lifetime ([`IMPL_OF_OWN_EDITION_CAPTURES_ALL`]),
/// else `user_span`, one of the fn's own tokens, which captures every lifetime where the
/// crate is of edition 2024 or later ([`crate::edition`]).
pub fn impl_span(user_span: Span) -> Span {
    if own_edition_captures_all() {
        Span::call_site()
    } else {
        user_span
    }
}

/// An async fn's parameters, split for the future-returning shape.
pub struct FutureFnParams {
    /// The parameter list of the plain fn (patterns replaced by names, `mut` moved in).
    pub outer: Group,
    /// The `let`s at the top of the async block that bind each parameter.
    pub rebinds: Vec<TokenTree>,
}

/// The parameters of `f` (which returns `ret`) for the future-returning shape, when the
/// fn can take it (given that its context allows it, [`context_allows`]): `async` alone,
/// a return type the future's `Output` can state, parameters it can read.
///
/// The trees are collected and turned into streams once: in the unoptimized macro a
/// user's build runs, each stream built or extended is a call across the compiler's
/// proc-macro bridge.
pub fn params_of(f: &FnItem, ret: &ReturnType) -> Option<FutureFnParams> {
    if !f.is_plain_async() || matches!(ret, ReturnType::Inferred) {
        return None;
    }
    let params = f.params();
    let mut outer = Vec::new();
    let mut rebinds = Vec::new();
    let mut rewritten = false;
    for (index, param) in split_top_level_commas(params.stream())
        .into_iter()
        .enumerate()
    {
        if !outer.is_empty() {
            outer.push(punct(',', Spacing::Alone));
        }
        rewritten |= rewrite_param(param, index, &mut outer, &mut rebinds)?;
    }
    if !rewritten {
        // Names and `self` only: the list as written is the plain fn's, and goes back
        // without being rebuilt.
        return Some(FutureFnParams {
            outer: params.clone(),
            rebinds,
        });
    }
    let mut outer = Group::new(Delimiter::Parenthesis, outer.into_iter().collect());
    outer.set_span(params.span());
    Some(FutureFnParams { outer, rebinds })
}

/// `-> impl ::core::future::Future<Output = R>` for the return type `ret` (`()` for
/// none), every token spanned at `span`.
pub fn impl_future_of(ret: &ReturnType, span: Span) -> Vec<TokenTree> {
    let spanned = |mut tree: TokenTree| {
        tree.set_span(span);
        tree
    };
    let path_sep = || [punct(':', Spacing::Joint), punct(':', Spacing::Alone)];
    let mut out = vec![
        punct('-', Spacing::Joint),
        punct('>', Spacing::Alone),
        keyword("impl"),
    ];
    for segment in ["core", "future", "Future"] {
        out.extend(path_sep());
        out.push(keyword(segment));
    }
    out.extend([
        punct('<', Spacing::Alone),
        keyword("Output"),
        punct('=', Spacing::Alone),
    ]);
    let mut out: Vec<TokenTree> = out.into_iter().map(spanned).collect();
    match ret {
        ReturnType::Type(ty) => out.extend(ty.iter().cloned()),
        _ => out.push(spanned(TokenTree::Group(Group::new(
            Delimiter::Parenthesis,
            TokenStream::new(),
        )))),
    }
    out.push(spanned(punct('>', Spacing::Alone)));
    out
}

/// Whether attributes written around an async fn (its own other attributes, or those of
/// the impl or module that holds it) leave the future-returning shape the same fn: only
/// attributes no macro reads.
pub fn context_allows(attribute_trees: &[TokenTree]) -> bool {
    let mut trees = attribute_trees.iter();
    while let Some(hash) = trees.next() {
        let bracket = trees.next();
        if !is_punct(Some(hash), '#') || !is_bracket(bracket) {
            return false;
        }
        let Some(TokenTree::Group(body)) = bracket else {
            return false;
        };
        if !is_inert(&attribute_path(body.stream())) {
            return false;
        }
    }
    true
}

/// The path of an attribute's contents (`tokio::test` of `tokio::test(flavor = ..)`).
fn attribute_path(contents: TokenStream) -> String {
    let mut path = String::new();
    for tree in contents {
        match tree {
            TokenTree::Ident(ident) => path.push_str(&ident.to_string()),
            TokenTree::Punct(p) if p.as_char() == ':' => path.push(':'),
            _ => break,
        }
    }
    path
}

/// Attributes the compiler or a lint tool reads, never a macro.
fn is_inert(path: &str) -> bool {
    const INERT: [&str; 11] = [
        "doc",
        "allow",
        "warn",
        "deny",
        "forbid",
        "expect",
        "deprecated",
        "must_use",
        "inline",
        "cold",
        "cfg",
    ];
    INERT.contains(&path) || path == "rustfmt::skip" || path.starts_with("clippy::")
}

/// The parameters among `params`, each as its trees (`<`..`>` kept together, since
/// angle brackets are punctuation, not groups).
fn split_top_level_commas(params: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    let mut depth = 0usize;
    let mut previous_was_dash = false;
    for tree in params {
        let mut dash = false;
        if let TokenTree::Punct(p) = &tree {
            match p.as_char() {
                '<' => depth += 1,
                // The `>` of `->` (`impl Fn() -> u8`) closes nothing.
                '>' if !previous_was_dash => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    out.push(Vec::new());
                    continue;
                }
                '-' => dash = true,
                _ => {}
            }
        }
        previous_was_dash = dash;
        if let Some(last) = out.last_mut() {
            last.push(tree);
        }
    }
    out.retain(|param| !param.is_empty());
    out
}

/// Appends the parameter `param` (the `index`th) to the plain fn's list `outer`, and its
/// `let` inside the async block to `rebinds`; whether `outer` holds it other than as
/// written (`mut` moved in, a pattern renamed), or `None` for what the shape does not
/// handle (a parameter with attributes).
///
/// `let x = x;` is what clippy's `redundant_locals` looks for, but it moves the parameter
/// into the block on purpose; the lint passes it over as macro output (the `let` is
/// the macro's token), which the edition-2024 test package's clippy run checks.
fn rewrite_param(
    mut param: Vec<TokenTree>,
    index: usize,
    outer: &mut Vec<TokenTree>,
    rebinds: &mut Vec<TokenTree>,
) -> Option<bool> {
    if is_punct(param.first(), '#') {
        return None;
    }
    let colon = type_colon(&param);
    let pattern = &param[..colon.unwrap_or(param.len())];
    let self_ident = pattern.iter().find_map(|tree| match tree {
        TokenTree::Ident(i) if i == "self" => Some(i.clone()),
        _ => None,
    });
    if let Some(self_ident) = self_ident {
        // `self`, `mut self`, `&self`, `&'a mut self`, `self: Pin<&mut Self>`: kept as
        // written; `self` cannot be rebound, so it is mentioned to be captured.
        rebinds.extend([
            keyword("let"),
            keyword("_"),
            punct('=', Spacing::Alone),
            punct('&', Spacing::Alone),
            TokenTree::Ident(self_ident),
            punct(';', Spacing::Alone),
        ]);
        outer.extend(param);
        return Some(false);
    }
    let colon = colon?;
    let ty = param.split_off(colon);
    let binding = match param.as_slice() {
        [TokenTree::Ident(name)] if name != "_" => Binding::Moved(None, name.clone()),
        [TokenTree::Ident(mutable), TokenTree::Ident(name)] if mutable == "mut" && name != "_" => {
            Binding::Moved(Some(mutable.clone()), name.clone())
        }
        _ => Binding::Pattern(Ident::new(
            &format!("__blockwatch_arg{index}"),
            Span::mixed_site(),
        )),
    };
    let rewritten = !matches!(binding, Binding::Moved(None, _));
    match binding {
        Binding::Moved(mutable, name) => {
            outer.push(TokenTree::Ident(name.clone()));
            rebinds.push(keyword("let"));
            rebinds.extend(mutable.map(TokenTree::Ident));
            rebinds.extend([
                TokenTree::Ident(name.clone()),
                punct('=', Spacing::Alone),
                TokenTree::Ident(name),
                punct(';', Spacing::Alone),
            ]);
        }
        Binding::Pattern(arg) => {
            outer.push(TokenTree::Ident(arg.clone()));
            // Moved into a local first: `let _ = arg;` alone would not capture `arg`, and
            // the value would drop when the fn returns instead of with the future.
            rebinds.extend([
                keyword("let"),
                TokenTree::Ident(arg.clone()),
                punct('=', Spacing::Alone),
                TokenTree::Ident(arg.clone()),
                punct(';', Spacing::Alone),
                keyword("let"),
            ]);
            rebinds.extend(param);
            rebinds.extend([
                punct('=', Spacing::Alone),
                TokenTree::Ident(arg),
                punct(';', Spacing::Alone),
            ]);
        }
    }
    outer.extend(ty);
    Some(rewritten)
}

/// How a parameter is bound inside the async block.
enum Binding {
    /// `let [mut] x = x;`: a name, moved in.
    Moved(Option<Ident>, Ident),
    /// A pattern, matched against the renamed parameter.
    Pattern(Ident),
}

fn keyword(word: &str) -> TokenTree {
    TokenTree::Ident(Ident::new(word, Span::call_site()))
}

fn punct(ch: char, spacing: Spacing) -> TokenTree {
    TokenTree::Punct(Punct::new(ch, spacing))
}

/// Where the `:` between a parameter's pattern and its type is (not a `::` of a path).
fn type_colon(param: &[TokenTree]) -> Option<usize> {
    let mut i = 0;
    while i < param.len() {
        if let TokenTree::Punct(p) = &param[i]
            && p.as_char() == ':'
        {
            if p.spacing() == Spacing::Joint && is_punct(param.get(i + 1), ':') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        pub(super) static OWN_EDITION_IGNORED: std::cell::Cell<bool> =
            const { std::cell::Cell::new(false) };
    }

    fn split(src: &str) -> FnItem {
        let tokens: TokenStream = src.parse().unwrap();
        FnItem::split(tokens.into_iter().collect()).unwrap()
    }

    fn rewritten(src: &str) -> Option<(String, String)> {
        let f = split(src);
        params_of(&f, &f.return_type()).map(|p| {
            let rebinds: TokenStream = p.rebinds.into_iter().collect();
            (p.outer.to_string(), rebinds.to_string())
        })
    }

    #[test]
    fn plain_parameters_move_into_the_block_in_order() {
        let (outer, rebinds) =
            rewritten("async fn f(x: u8, mut y: HashMap<K, V>, f: impl Fn(u8, u8) -> u8) {}")
                .unwrap();
        assert_eq!(
            outer,
            "(x : u8 , y : HashMap < K , V >, f : impl Fn (u8 , u8) -> u8)"
        );
        assert_eq!(rebinds, "let x = x ; let mut y = y ; let f = f ;");
    }

    #[test]
    fn a_list_of_names_comes_back_as_written() {
        let (outer, rebinds) = rewritten("async fn f(&self, x: u8, y: Vec<u8>,) {}").unwrap();
        // The trailing comma shows the list is the one written, not rebuilt.
        assert_eq!(outer, "(& self , x : u8 , y : Vec < u8 >,)");
        assert_eq!(rebinds, "let _ = & self ; let x = x ; let y = y ;");
    }

    #[test]
    fn patterns_are_matched_inside_the_block() {
        let (outer, rebinds) =
            rewritten("async fn f(_: Guard, (a, b): (u8, u8), ref r: u8, E::V(v): E) {}").unwrap();
        assert_eq!(
            outer,
            "(__blockwatch_arg0 : Guard , __blockwatch_arg1 : (u8 , u8) , \
             __blockwatch_arg2 : u8 , __blockwatch_arg3 : E)"
        );
        assert_eq!(
            rebinds,
            "let __blockwatch_arg0 = __blockwatch_arg0 ; let _ = __blockwatch_arg0 ; \
             let __blockwatch_arg1 = __blockwatch_arg1 ; let (a , b) = __blockwatch_arg1 ; \
             let __blockwatch_arg2 = __blockwatch_arg2 ; let ref r = __blockwatch_arg2 ; \
             let __blockwatch_arg3 = __blockwatch_arg3 ; let E :: V (v) = __blockwatch_arg3 ;"
        );
    }

    #[test]
    fn every_form_of_self_is_kept_and_captured() {
        for (src, param) in [
            ("async fn f(&self) {}", "& self"),
            ("async fn f(&'a mut self, x: u8) {}", "&'a mut self"),
            ("async fn f(mut self) {}", "mut self"),
            (
                "async fn f(self: Pin<&mut Self>) {}",
                "self: Pin<&mut Self>",
            ),
        ] {
            let (outer, rebinds) = rewritten(src).unwrap();
            let unspaced = |s: &str| s.replace(' ', "");
            assert!(
                unspaced(&outer).starts_with(&format!("({}", unspaced(param))),
                "{src}: {outer}"
            );
            assert!(rebinds.starts_with("let _ = & self ;"), "{src}: {rebinds}");
        }
    }

    #[test]
    fn what_the_shape_cannot_state_keeps_the_async_fn() {
        for src in [
            "fn f(x: u8) {}",
            "async unsafe fn f() {}",
            "const async fn f() {}",
            "async fn f() -> impl Send {}",
            "async fn f() -> ! { loop {} }",
            "async fn f(#[cfg(x)] x: u8) {}",
        ] {
            assert!(rewritten(src).is_none(), "{src}");
        }
        assert!(rewritten("async fn f() -> Result<u8, E> where E: Send {}").is_some());
    }

    #[test]
    fn the_edition_the_compiler_tells_is_the_manifests() {
        let manifest = crate::edition::edition_of(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        assert_eq!(
            IMPL_OF_OWN_EDITION_CAPTURES_ALL,
            manifest.expect("the macro crate's manifest states its edition") >= 2024
        );
    }

    #[test]
    fn only_inert_attributes_leave_the_shape_the_same_fn() {
        let trees = |src: &str| -> Vec<TokenTree> {
            src.parse::<TokenStream>().unwrap().into_iter().collect()
        };
        for inert in [
            "",
            "#[doc = \"x\"] #[inline]",
            "#[allow(unused)] #[must_use] #[cfg(test)]",
            "#[clippy::msrv = \"1.80\"] #[rustfmt::skip] #[expect(dead_code)]",
        ] {
            assert!(context_allows(&trees(inert)), "{inert}");
        }
        for read_by_a_macro in [
            "#[async_trait]",
            "#[tokio::test]",
            "#[doc = \"x\"] #[tracing::instrument(skip(self))]",
            "#[cfg_attr(test, async_trait)]",
            "#[test]",
        ] {
            assert!(
                !context_allows(&trees(read_by_a_macro)),
                "{read_by_a_macro}"
            );
        }
    }
}
