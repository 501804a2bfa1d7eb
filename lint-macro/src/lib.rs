//! Attribute macros of blockwatch. Use them through the `blockwatch` facade crate.
#![warn(missing_docs)]

use proc_macro::TokenStream;

mod allow_attr;
mod args;
mod diagnostics;
mod expand;
mod no_blocking;
mod project_config;
mod target;
mod test_attr;
mod watch_wrapper;

/// Rejects known blocking calls inside async code, at compile time.
///
/// ```
/// #[blockwatch::no_blocking]
/// async fn fine() {
///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// ```
#[proc_macro_attribute]
pub fn no_blocking(args: TokenStream, item: TokenStream) -> TokenStream {
    no_blocking::expand(args.into(), item.into()).into()
}

/// Marks a statement or expression inside a `#[no_blocking]` item as deliberately blocking.
///
/// ```
/// #[blockwatch::no_blocking]
/// async fn startup() {
///     #[blockwatch::allow_blocking(reason = "runs once before serving")]
///     let _ = std::fs::read_to_string("Cargo.toml");
/// }
/// ```
#[proc_macro_attribute]
pub fn allow_blocking(args: TokenStream, item: TokenStream) -> TokenStream {
    allow_attr::expand(args.into(), item.into()).into()
}

/// Like `#[tokio::test]`, with a watchdog around the test: the test fails if anything stalls.
///
/// ```
/// #[blockwatch::test]
/// async fn quick() {
///     tokio::task::yield_now().await;
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), item.into()).into()
}
