//! The runtime `#[blockwatch::main]` and `#[blockwatch::test]` run on: every thread of it
//! belongs to one scope, its main future is watched, and with `--cfg tokio_unstable`
//! every task of it is watched through tokio's poll hooks.
//!
//! The scope matters for tests: a stall in a task started with plain `tokio::spawn`
//! (a server under test, say) is stamped with the scope of the thread that polled it, so
//! the worker threads of a test's runtime carry the test's scope for their whole life,
//! and the thread that runs `block_on` carries it for the length of the call.

use std::future::Future;

use crate::hooks;
use crate::origin::Origin;
use crate::scope::{self, NO_SCOPE};
use crate::watched::Watched;

/// What the attribute's runtime watches, for messages that must say it exactly.
pub(crate) fn description() -> &'static str {
    if hooks::COVERS_EVERY_TASK {
        "every task of the runtime (tokio's poll hooks, `--cfg tokio_unstable`) and the \
         main future"
    } else {
        "the main future, and futures wrapped by `blockwatch::spawn`, `.watched(name)` or \
         `#[no_blocking]` (debug builds) in any task of the runtime; tasks started with \
         plain `tokio::spawn` are watched only with `--cfg tokio_unstable`"
    }
}

/// Finishes `builder` into a runtime whose threads carry `scope`, with the poll hooks
/// installed when tokio has them.
///
/// # Panics
/// If tokio cannot build the runtime, with tokio's message, as `#[tokio::main]` does.
pub(crate) fn build(builder: &mut tokio::runtime::Builder, scope: u64) -> tokio::runtime::Runtime {
    if scope != NO_SCOPE {
        builder.on_thread_start(move || {
            scope::replace(scope);
        });
    }
    hooks::install(builder);
    match builder.build() {
        Ok(runtime) => runtime,
        Err(error) => panic!("Failed building the Runtime: {error}"),
    }
}

/// Runs `future` to completion on `runtime`, watched under `origin`, with this thread in
/// `scope` meanwhile (a current-thread runtime polls its tasks here).
pub(crate) fn block_on<F: Future>(
    runtime: &tokio::runtime::Runtime,
    scope: u64,
    origin: Origin,
    future: F,
) -> F::Output {
    struct Restore(u64);
    impl Drop for Restore {
        fn drop(&mut self) {
            scope::replace(self.0);
        }
    }
    let _restore = Restore(scope::replace(scope));
    runtime.block_on(Watched::new(future, origin, scope))
}
