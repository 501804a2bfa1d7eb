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

use proc_macro2::TokenStream;
use quote::quote;

use crate::args::{Flavor, TestArgs};
use crate::runtime_attr::{self, with_error};

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

fn validate(func: &syn::ItemFn) -> syn::Result<()> {
    let arguments = (func.sig.ident == "main").then_some("the main function cannot take arguments");
    runtime_attr::validate(func, "main", arguments)
}

fn generate(args: &TestArgs, func: syn::ItemFn) -> TokenStream {
    runtime_attr::rebuild(
        func,
        args,
        Flavor::MultiThread,
        quote!(),
        |builder, body| {
            quote! {
                let __blockwatch_main = ::blockwatch::__private::MainGuard::start(&__BLOCKWATCH_SITE);
                let __blockwatch_runtime = __blockwatch_main.runtime(#builder);
                __blockwatch_main.block_on(&__blockwatch_runtime, async move #body)
            }
        },
    )
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
