//! `#[blockwatch::test]`: `#[tokio::test]` with a watchdog guard around the test body.
//!
//! The test runs on tokio's test runtime (the options are tokio's, forwarded), its body
//! inside `TestGuard::watch`, and `TestGuard::finish` fails the test with the reports if
//! anything in it stalled. It does not run the static check: stack `#[no_blocking]` on the
//! same fn for that (either order works).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};

use crate::args::{Flavor, TestArgs};
use crate::watch_wrapper;

/// Expands `#[blockwatch::test(args)] item`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let Ok(func) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        return item;
    };
    let args = match TestArgs::parse(args) {
        Ok(args) => args,
        Err(err) => return with_error(err, item),
    };
    if let Err(err) = validate(&func) {
        return with_error(err, item);
    }
    generate(&args, func)
}

fn with_error(err: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = err.to_compile_error();
    item.to_tokens(&mut out);
    out
}

fn validate(func: &syn::ItemFn) -> syn::Result<()> {
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            func.sig.fn_token,
            "`#[blockwatch::test]` needs an `async fn`",
        ));
    }
    if let Some(arg) = func.sig.inputs.first() {
        return Err(syn::Error::new_spanned(
            arg,
            "a `#[blockwatch::test]` fn takes no arguments",
        ));
    }
    if !func.sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &func.sig.generics,
            "a `#[blockwatch::test]` fn cannot be generic",
        ));
    }
    Ok(())
}

fn generate(args: &TestArgs, func: syn::ItemFn) -> TokenStream {
    let syn::ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let (outer, inner): (Vec<_>, Vec<_>) = attrs
        .iter()
        .partition(|a| matches!(a.style, syn::AttrStyle::Outer));
    let mut options = vec![quote!(crate = "::blockwatch::__private::tokio")];
    if let Some((flavor, span)) = args.flavor {
        let name = match flavor {
            Flavor::CurrentThread => "current_thread",
            Flavor::MultiThread => "multi_thread",
        };
        options.push(quote_spanned!(span=> flavor = #name));
    }
    if let Some(threads) = &args.worker_threads {
        options.push(quote!(worker_threads = #threads));
    }
    if let Some(paused) = &args.start_paused {
        options.push(quote!(start_paused = #paused));
    }
    let name = sig.ident.to_string();
    let line = quote_spanned!(sig.ident.span()=> ::core::line!());
    let column = quote_spanned!(sig.ident.span()=> ::core::column!());
    let return_edge = watch_wrapper::typed_return_edge(&sig);
    let stmts = &block.stmts;
    let mut body = TokenStream::new();
    block.brace_token.surround(&mut body, |out| {
        return_edge.to_tokens(out);
        for stmt in stmts {
            stmt.to_tokens(out);
        }
    });
    quote! {
        #[::blockwatch::__private::tokio::test(#(#options),*)]
        #(#outer)*
        #vis #sig {
            #(#inner)*
            static __BLOCKWATCH_SITE: ::blockwatch::__private::Site = ::blockwatch::__private::Site {
                name: ::core::concat!(::core::module_path!(), "::", #name),
                file: ::core::file!(),
                line: #line,
                column: #column,
            };
            let __blockwatch_guard = ::blockwatch::__private::TestGuard::start(&__BLOCKWATCH_SITE);
            let __blockwatch_output = __blockwatch_guard.watch(async move #body).await;
            __blockwatch_guard.finish();
            __blockwatch_output
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwards_options_to_tokio_and_guards_the_body() {
        let out = expand(
            quote!(flavor = "multi_thread", worker_threads = 2),
            quote!(
                async fn t() -> Result<(), E> {
                    f()?;
                    Ok(())
                }
            ),
        )
        .to_string();
        assert!(out.starts_with(
            "# [:: blockwatch :: __private :: tokio :: test (crate = \"::blockwatch::__private::tokio\" , flavor = \"multi_thread\" , worker_threads = 2)]"
        ), "{out}");
        assert!(
            out.contains("TestGuard :: start (& __BLOCKWATCH_SITE)"),
            "{out}"
        );
        assert!(
            out.contains("let __blockwatch_return : Result < () , E > = loop { } ;"),
            "{out}"
        );
        assert!(out.contains("__blockwatch_guard . finish () ;"), "{out}");
    }

    #[test]
    fn rejects_sync_fns_arguments_and_bad_options() {
        for (args, item, expected) in [
            (
                quote!(),
                quote!(
                    fn t() {}
                ),
                "needs an `async fn`",
            ),
            (
                quote!(),
                quote!(
                    async fn t(x: u8) {}
                ),
                "takes no arguments",
            ),
            (
                quote!(threads = 2),
                quote!(
                    async fn t() {}
                ),
                "expected one of",
            ),
        ] {
            let out = expand(args, item).to_string();
            assert!(out.contains("compile_error"), "{out}");
            assert!(out.contains(expected), "{out}");
        }
    }
}
