//! `#[blockwatch::test]`: `#[tokio::test]` with the watchdog around the test.
//!
//! The fn becomes a plain `#[test]` fn that builds the runtime from tokio's options (the
//! current-thread flavor by default, as `#[tokio::test]`), through `TestGuard::runtime`:
//! its threads carry the test's scope, so a stall in any watched future of the runtime
//! counts for this test, even inside a task started with plain `tokio::spawn`; under
//! `--cfg tokio_unstable` every task of it is watched. The body runs inside
//! `TestGuard::block_on`, and `TestGuard::finish` fails the test with the reports (and
//! what was watched) if anything stalled. It does not run the static check: stack
//! `#[no_blocking]` on the same fn for that (either order works).
//!
//! Bad arguments give a spanned error, and the test fn is still emitted with the default
//! options next to it, as tokio-macros does.

use proc_macro2::TokenStream;
use quote::quote;

use crate::args::{Flavor, TestArgs};
use crate::runtime_attr::{self, with_error};

/// Expands `#[blockwatch::test(args)] item`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let Ok(func) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        return item;
    };
    if let Err(err) = validate(&func) {
        return with_error(err, item);
    }
    match TestArgs::parse(args) {
        Ok(args) => generate(&args, func),
        Err(err) => with_error(err, generate(&TestArgs::default(), func)),
    }
}

fn validate(func: &syn::ItemFn) -> syn::Result<()> {
    runtime_attr::validate(
        func,
        "test",
        Some("a `#[blockwatch::test]` fn takes no arguments"),
    )
}

fn generate(args: &TestArgs, func: syn::ItemFn) -> TokenStream {
    let test = quote!(#[::core::prelude::v1::test]);
    runtime_attr::rebuild(func, args, Flavor::CurrentThread, test, |builder, body| {
        quote! {
            let __blockwatch_guard = ::blockwatch::__private::TestGuard::start(&__BLOCKWATCH_SITE);
            let __blockwatch_runtime = __blockwatch_guard.runtime(#builder);
            let __blockwatch_output = __blockwatch_guard.block_on(&__blockwatch_runtime, async move #body);
            __blockwatch_guard.finish();
            __blockwatch_output
        }
    })
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
        assert!(
            out.starts_with("# [:: core :: prelude :: v1 :: test] fn t () -> Result < () , E > {"),
            "{out}"
        );
        assert!(
            out.contains("Builder :: new_multi_thread () . enable_all () . worker_threads (2)"),
            "{out}"
        );
        assert!(
            out.contains("TestGuard :: start (& __BLOCKWATCH_SITE)")
                && out.contains(
                    "__blockwatch_guard . block_on (& __blockwatch_runtime , async move {"
                ),
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

    #[test]
    fn bad_arguments_keep_the_test_fn_with_default_options() {
        let out = expand(
            quote!(threads = 2),
            quote!(
                async fn t() {}
            ),
        )
        .to_string();
        assert!(out.starts_with(":: core :: compile_error !"), "{out}");
        assert!(
            out.contains("# [:: core :: prelude :: v1 :: test] fn t () {"),
            "{out}"
        );
        assert!(
            out.contains("Builder :: new_current_thread () . enable_all ()"),
            "{out}"
        );
    }
}
