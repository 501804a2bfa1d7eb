//! What `#[blockwatch::main]` and `#[blockwatch::test]` share: the checks on the fn, taking
//! it apart ([`Expansion`]), and the tokio runtime builder their options describe.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};

use crate::args::{Flavor, TestArgs};
use crate::watch_wrapper;

/// `err` as a compile error, followed by `tokens`.
pub fn with_error(err: syn::Error, tokens: TokenStream) -> TokenStream {
    let mut out = err.to_compile_error();
    tokens.to_tokens(&mut out);
    out
}

/// Rejects what neither attribute can rebuild: a sync fn, a generic fn, and, where
/// `arguments` is the message to give, a fn taking arguments. `attr` is the attribute's
/// name after `blockwatch::` (`main` or `test`).
pub fn validate(func: &syn::ItemFn, attr: &str, arguments: Option<&str>) -> syn::Result<()> {
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            func.sig.fn_token,
            format!("`#[blockwatch::{attr}]` needs an `async fn`"),
        ));
    }
    if let (Some(message), Some(arg)) = (arguments, func.sig.inputs.first()) {
        return Err(syn::Error::new_spanned(arg, message));
    }
    if !func.sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &func.sig.generics,
            format!("a `#[blockwatch::{attr}]` fn cannot be generic"),
        ));
    }
    Ok(())
}

/// `func` rebuilt as a sync fn: `prefix` and the outer attributes, the signature without
/// `async`, and a body of the inner attributes, the fn's `__BLOCKWATCH_SITE`, then what
/// `run` makes of the runtime builder (see [`runtime_builder`]) and the async body.
pub fn rebuild(
    func: syn::ItemFn,
    args: &TestArgs,
    default: Flavor,
    prefix: TokenStream,
    run: impl FnOnce(TokenStream, TokenStream) -> TokenStream,
) -> TokenStream {
    let Expansion {
        outer,
        inner,
        sig,
        site,
        body,
    } = Expansion::of(func);
    let run = run(runtime_builder(args, default), body);
    quote! {
        #prefix
        #(#outer)*
        #sig {
            #(#inner)*
            #site
            #run
        }
    }
}

/// The parts of an async fn that the runtime attributes rebuild it from.
struct Expansion {
    /// Outer attributes, kept before the fn.
    pub outer: Vec<syn::Attribute>,
    /// Inner attributes (`#![..]`), kept at the top of the body.
    pub inner: Vec<syn::Attribute>,
    /// The signature without `async`, with the visibility in front.
    pub sig: TokenStream,
    /// `static __BLOCKWATCH_SITE: Site = ..;` naming the fn.
    pub site: TokenStream,
    /// The body as a block, with the typed return edge at its top (see `watch_wrapper`).
    pub body: TokenStream,
}

impl Expansion {
    /// Takes `func` apart.
    fn of(func: syn::ItemFn) -> Expansion {
        let syn::ItemFn {
            attrs,
            vis,
            mut sig,
            block,
        } = func;
        let (outer, inner): (Vec<_>, Vec<_>) = attrs
            .into_iter()
            .partition(|a| matches!(a.style, syn::AttrStyle::Outer));
        let name = sig.ident.to_string();
        let line = quote_spanned!(sig.ident.span()=> ::core::line!());
        let column = quote_spanned!(sig.ident.span()=> ::core::column!());
        let site = quote! {
            static __BLOCKWATCH_SITE: ::blockwatch::__private::Site = ::blockwatch::__private::Site {
                name: ::core::concat!(::core::module_path!(), "::", #name),
                file: ::core::file!(),
                line: #line,
                column: #column,
            };
        };
        let return_edge = watch_wrapper::typed_return_edge_of(&sig);
        let mut body = TokenStream::new();
        block.brace_token.surround(&mut body, |out| {
            return_edge.to_tokens(out);
            for stmt in &block.stmts {
                stmt.to_tokens(out);
            }
        });
        sig.asyncness = None;
        Expansion {
            outer,
            inner,
            sig: quote!(#vis #sig),
            site,
            body,
        }
    }
}

/// `&mut Builder::new_..().enable_all().worker_threads(..)..`: the runtime tokio's
/// attributes would build from `args`, as a place expression borrowed mutably. Options
/// are spanned where they were written, so a missing tokio feature (`start_paused`
/// needs `test-util`) points at the option.
fn runtime_builder(args: &TestArgs, default: Flavor) -> TokenStream {
    let constructor = match args.flavor_or(default) {
        Flavor::CurrentThread => quote!(new_current_thread),
        Flavor::MultiThread => quote!(new_multi_thread),
    };
    let span = args.flavor.map_or_else(Span::call_site, |(_, span)| span);
    let mut calls = vec![quote_spanned!(span=> .enable_all())];
    if let Some(threads) = &args.worker_threads {
        calls.push(quote_spanned!(threads.span()=> .worker_threads(#threads)));
    }
    if let Some(paused) = &args.start_paused {
        calls.push(quote_spanned!(paused.span()=> .start_paused(#paused)));
    }
    quote! {
        ::blockwatch::__private::tokio::runtime::Builder::#constructor() #(#calls)*
    }
}
