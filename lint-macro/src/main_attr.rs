//! `#[blockwatch::main]`: `#[tokio::main]` with the watchdog on.
//!
//! The fn becomes a sync fn that starts the watchdog (`MainGuard::start`), builds the
//! runtime tokio's way from the same options, hands the builder to
//! `MainGuard::runtime` (which installs tokio's poll hooks under `--cfg tokio_unstable`),
//! and runs the body inside `MainGuard::block_on`, watched under the fn's name. The
//! runtime is dropped before the guard, so the summary comes after every task is done.
//!
//! Bad arguments give a spanned error, and the fn is still emitted with the default
//! options next to it (as tokio-macros does), so no second error (`main` not found, or
//! async) hides the first.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};

use crate::args::{Flavor, TestArgs};
use crate::watch_wrapper;

/// Expands `#[blockwatch::main(args)] item`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let Ok(func) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        return item;
    };
    if let Err(err) = validate(&func) {
        return with_error(err, item);
    }
    match TestArgs::parse_with_default(args, Flavor::MultiThread) {
        Ok(args) => generate(&args, func),
        Err(err) => with_error(err, generate(&TestArgs::default(), func)),
    }
}

/// `err` as a compile error, followed by `tokens`.
pub fn with_error(err: syn::Error, tokens: TokenStream) -> TokenStream {
    let mut out = err.to_compile_error();
    tokens.to_tokens(&mut out);
    out
}

fn validate(func: &syn::ItemFn) -> syn::Result<()> {
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            func.sig.fn_token,
            "`#[blockwatch::main]` needs an `async fn`",
        ));
    }
    if func.sig.ident == "main" {
        if let Some(arg) = func.sig.inputs.first() {
            return Err(syn::Error::new_spanned(
                arg,
                "the main function cannot take arguments",
            ));
        }
    }
    if !func.sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &func.sig.generics,
            "a `#[blockwatch::main]` fn cannot be generic",
        ));
    }
    Ok(())
}

fn generate(args: &TestArgs, func: syn::ItemFn) -> TokenStream {
    let Expansion {
        outer,
        inner,
        sig,
        site,
        body,
    } = Expansion::of(func);
    let builder = runtime_builder(args, Flavor::MultiThread);
    quote! {
        #(#outer)*
        #sig {
            #(#inner)*
            #site
            let __blockwatch_main = ::blockwatch::__private::MainGuard::start(&__BLOCKWATCH_SITE);
            let __blockwatch_runtime = __blockwatch_main.runtime(#builder);
            __blockwatch_main.block_on(&__blockwatch_runtime, async move #body)
        }
    }
}

/// The parts of an async fn that the runtime attributes rebuild it from.
pub struct Expansion {
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
    pub fn of(func: syn::ItemFn) -> Expansion {
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
        let return_edge = watch_wrapper::typed_return_edge(&sig);
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
pub fn runtime_builder(args: &TestArgs, default: Flavor) -> TokenStream {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_the_watchdog_before_the_runtime_and_watches_the_body() {
        let out = expand(
            quote!(worker_threads = 2),
            quote!(
                async fn main() -> Result<(), E> {
                    f()?;
                    Ok(())
                }
            ),
        )
        .to_string();
        assert!(
            out.starts_with("fn main () -> Result < () , E > {"),
            "{out}"
        );
        let start = out.find("MainGuard :: start").expect(&out);
        let runtime = out.find("__blockwatch_main . runtime (").expect(&out);
        let block_on = out.find("__blockwatch_main . block_on (").expect(&out);
        assert!(start < runtime && runtime < block_on, "{out}");
        assert!(
            out.contains("Builder :: new_multi_thread () . enable_all () . worker_threads (2)"),
            "{out}"
        );
        assert!(
            out.contains("let __blockwatch_return : Result < () , E > = loop { } ;"),
            "{out}"
        );
    }

    #[test]
    fn bad_arguments_keep_the_fn_with_default_options() {
        let out = expand(
            quote!(threads = 2),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        assert!(out.starts_with(":: core :: compile_error !"), "{out}");
        assert!(out.contains("fn main () {"), "{out}");
        assert!(
            out.contains("Builder :: new_multi_thread () . enable_all ()"),
            "{out}"
        );
        let out = expand(
            quote!(),
            quote!(
                fn main() {}
            ),
        )
        .to_string();
        assert!(out.contains("needs an `async fn`"), "{out}");
        assert!(out.ends_with("fn main () { }"), "{out}");
    }
}
