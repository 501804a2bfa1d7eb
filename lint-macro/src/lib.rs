//! Attribute macros of blockwatch. Use them through the `blockwatch` facade crate.
//!
//! - [`no_blocking`](macro@no_blocking): the static check of one item, at compile time;
//! - [`allow_blocking`](macro@allow_blocking): its escape hatch;
//! - [`main`](macro@main): `#[tokio::main]` with the runtime watchdog on;
//! - [`test`](macro@test): `#[tokio::test]` with the runtime watchdog around the test.
//!
//! The analysis itself is `blockwatch-lint`; this crate only turns its findings into
//! compiler diagnostics and adds the watchdog instrumentation. Each attribute is one
//! pipeline, parse -> validate -> expand, one stage a module.
#![warn(missing_docs)]

use proc_macro::TokenStream;

mod allow_attr;
mod args;
mod crate_view;
mod diagnostics;
mod edition;
mod expand;
mod fn_item;
mod fn_text;
mod future_fn;
mod main_attr;
mod nested;
mod nesting;
mod no_blocking;
mod project_config;
mod runtime_attr;
mod target;
mod test_attr;
#[cfg(test)]
mod transparency;
mod watch_wrapper;

/// Rejects known blocking calls inside async code, at compile time.
///
/// Put it on an async fn (free or method), a fn whose async blocks or closures should be
/// checked, an impl block (inherent or trait impl; `poll` fns of `Future` impls count as
/// async code), a trait (its default method bodies) or an inline `mod`. Each blocking call in async context is a compile error
/// on the call, naming why it blocks and what to use instead:
///
/// ```compile_fail
/// #[blockwatch::no_blocking]
/// async fn slow() -> u32 {
///     std::thread::sleep(std::time::Duration::from_secs(3)); // error: blocking call
///     42
/// }
/// ```
///
/// Code without findings comes out as written:
///
/// ```
/// #[blockwatch::no_blocking]
/// async fn fine() {
///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// ```
///
/// # Calls into the crate
///
/// The first expansion in a compiler process reads the crate being compiled (its module
/// tree from the manifest's target, as `cargo blockwatch` does) and solves its call graph;
/// a call from the annotated async code to a sync fn of the crate that reaches a blocking
/// API is reported at the call, with the chain in the message ("calls
/// `std::fs::read_to_string` at src/config.rs:12"). Files whose text names nothing that can
/// reach a blocking API are only skimmed for their `mod` items, not parsed. When the crate
/// cannot be read that way (a file no `mod` declaration reaches, a file the view parses that
/// does not parse), each item is checked on its own and the first annotated item of the
/// crate says so in a warning.
///
/// # Options
///
/// - `warn`: warnings instead of errors. Stable Rust has no warning API for proc macros,
///   so each finding is reported as the use of a `#[deprecated]` item at the call:
///   `-D warnings` (or `#![deny(deprecated)]`) turns them back into errors.
/// - `extra(path::to::fn => "replacement", prefix::* => "..")`: your own blocking APIs.
/// - `exempt(std::fs::metadata, some::prefix::*)`: paths never reported.
/// - `enable(lock)`, `disable(fs, tokio-blocking)`: switch catalog categories on or off.
/// - `watch = false`: no debug-build watchdog wrapper (see below).
///
/// ```
/// #[blockwatch::no_blocking(disable(fs), exempt(std::env::var), watch = false)]
/// async fn settings() -> String {
///     std::fs::read_to_string("settings.toml").unwrap_or_default()
/// }
/// ```
///
/// The project's configuration (`blockwatch.toml`, `[package.metadata.blockwatch]`,
/// `[workspace.metadata.blockwatch]`) applies too; the attribute's options go on top, and
/// the build is rerun when a configuration file changes.
///
/// # The watchdog wrapper
///
/// In debug builds each annotated async fn's body runs inside
/// `blockwatch::__private::Watch`, so the runtime watchdog attributes a stall
/// in it to the fn by name. The body is emitted once, as an `async move` block the fn
/// awaits; the watchdog around it is chosen under `cfg(debug_assertions)`, so release
/// builds run no watchdog code. Functions that also carry `#[tokio::main]` or `#[tokio::test]` are wrapped
/// too: the wrapper is an ordinary future inside tokio's `block_on`.
///
/// In a crate of edition 2024 (read from its `Cargo.toml`), an async fn with only inert
/// attributes besides this one, no qualifier but `async` and an output type that can be
/// written is emitted as `fn f(..) -> impl Future<Output = T>` returning that block
/// instead of awaiting it: the same fn to its callers (every argument still moves into
/// the future), with one coroutine for the compiler to check instead of two.
///
/// # With other attributes
///
/// Both orders with `#[tokio::main]`, `#[tokio::test]`, `#[blockwatch::test]` and
/// `#[async_trait]` work: before them it sees the async fn; after them it checks the
/// async block they made of the body.
#[proc_macro_attribute]
pub fn no_blocking(args: TokenStream, item: TokenStream) -> TokenStream {
    no_blocking::expand(args.into(), item.into()).into()
}

/// Marks a statement or expression inside a `#[no_blocking]` item as deliberately blocking.
///
/// Takes nothing or `reason = "..."`. `#[no_blocking]` removes the attribute before rustc
/// sees it (attributes on statements and expressions are unstable in rustc); on an item
/// outside `#[no_blocking]` it only checks its arguments.
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

/// `#[tokio::main]` with the runtime watchdog on: the one line that enables it.
///
/// Takes tokio's runtime options: `flavor = "multi_thread" | "current_thread"` (multi-thread
/// by default), `worker_threads = N`, `start_paused = bool` (needs tokio's `test-util`).
/// Before the runtime is built, a watchdog starts with the defaults and the environment
/// (on in debug builds, off in release unless `BLOCKWATCH=1`; see `blockwatch::Watchdog`);
/// the main future is watched under the fn's name; it stops, printing its summary, after
/// the runtime has shut down.
///
/// What is watched: with `--cfg tokio_unstable`, every task of the runtime (it is built
/// through `blockwatch::instrument`) and the main future. On stable Rust, the main
/// future and the futures wrapped by `blockwatch::spawn`, `.watched(name)`,
/// `#[no_blocking]` (debug builds) or `blockwatch::WatchLayer`; tasks started with plain
/// `tokio::spawn` need the cfg.
///
/// ```
/// #[blockwatch::main(flavor = "current_thread")]
/// async fn main() {
///     blockwatch::spawn(async { /* watched */ }).await.unwrap();
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    main_attr::expand(args.into(), item.into()).into()
}

/// Like `#[tokio::test]`, with a watchdog around the test: the test fails if anything stalls.
///
/// Takes tokio's runtime options: `flavor = "current_thread" | "multi_thread"`,
/// `worker_threads = N` (multi_thread only), `start_paused = bool` (needs tokio's
/// `test-util` feature). It does not run the static check; stack `#[no_blocking]` on the
/// same fn for that, in either order.
///
/// What counts: every thread of the test's runtime belongs to the test. With
/// `--cfg tokio_unstable`, every task of the runtime is watched (plain `tokio::spawn`
/// included). On stable Rust, the test body and the futures wrapped by
/// `blockwatch::spawn`, `.watched(name)`, `#[no_blocking]` (debug builds) or
/// `blockwatch::WatchLayer`, in any task of the runtime, even one started with plain
/// `tokio::spawn`; a plain task's own code is watched only with the cfg. The failure
/// message says which of the two applied.
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
