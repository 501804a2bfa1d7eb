//! Run-once initialisers: the closure given to `OnceLock::get_or_init`,
//! `LazyLock::new`, once_cell's `Lazy::new`, `Once::call_once`, the bodies of
//! `lazy_static!` and `thread_local!`, runs once per process (or per thread), not once
//! per call. A blocking call inside one is its own certainty,
//! [`Certainty::Once`](crate::Certainty::Once): reported once, at the initialiser, with
//! the number of async paths that can reach it ([`LocatedFinding::once_reach`]), and
//! never makes the fn around the initialiser blocking for its callers.
//!
//! On by default, as clippy would have it: the call does block the executor, once (a
//! cold start, a first request that stalls every task on its thread), and a user who
//! wants to know wants to see it once, not once per caller. An `allow` entry for the API
//! accepts it like any other finding.
//!
//! Limits: a module-level `static` with a `LazyLock` initialiser runs on its first use,
//! wherever that is; uses of statics are not tracked, so such an initialiser is not
//! reported. An initialiser inside a dependency is not reported either (nothing inside
//! a dependency is).
//!
//! Which calls and macros are initialisers is catalog data
//! ([`RUN_ONCE_METHODS`](crate::catalog::RUN_ONCE_METHODS) and its neighbours).
//!
//! [`LocatedFinding::once_reach`]: crate::LocatedFinding::once_reach

use crate::summary::BlockingCall;

/// Whether code runs inside a run-once initialiser, and where the initialiser is written.
///
/// ```
/// assert_eq!(blockwatch_lint::RunOnce::default(), blockwatch_lint::RunOnce::Not);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RunOnce {
    /// Ordinary code: runs on every call.
    #[default]
    Not,
    /// Inside an initialiser written in sync code: it runs on the first call of that
    /// code, from whichever caller comes first.
    InSyncCode,
    /// Inside an initialiser written in async code: it runs on the executor thread, once.
    InAsyncCode,
}

impl RunOnce {
    /// The name of the variant in the dependency cache.
    pub(crate) fn name(self) -> &'static str {
        match self {
            RunOnce::Not => "not",
            RunOnce::InSyncCode => "sync",
            RunOnce::InAsyncCode => "async",
        }
    }

    /// The variant of a cache name.
    pub(crate) fn from_name(name: &str) -> Option<RunOnce> {
        [RunOnce::Not, RunOnce::InSyncCode, RunOnce::InAsyncCode]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// A blocking catalog call inside a run-once initialiser of a fn.
///
/// ```
/// let file: syn::File = syn::parse_str(
///     "fn config() { CELL.get_or_init(|| std::fs::read(\"a\")); }").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
/// let once = &s.fns[0].once[0];
/// assert_eq!(once.blocking.resolved, "std::fs::read");
/// assert_eq!(once.written_in, blockwatch_lint::RunOnce::InSyncCode);
/// assert!(s.fns[0].blocking.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OnceBlocking {
    /// The blocking call.
    pub blocking: BlockingCall,
    /// Where the initialiser is written.
    pub written_in: RunOnce,
    /// The call as written, shortened.
    pub call: String,
    /// 1-based line of the last token of the call.
    pub end_line: usize,
    /// 1-based column just past the last token of the call.
    pub end_column: usize,
    /// Why the API blocks.
    pub why: String,
    /// The context: "the run-once initialiser of `get_or_init` in fn `config`".
    pub context: String,
}

/// The context description of an initialiser given to `api`, written in `outer`.
pub(crate) fn initialiser_context(api: &str, outer: &str) -> String {
    format!("the run-once initialiser of `{api}` in {outer}")
}

/// The message of a `once` finding without its chain.
///
/// ```
/// let m = blockwatch_lint::run_once::once_headline("std::fs::read(..)", "the run-once initialiser of `get_or_init` in fn `config`", 3);
/// assert_eq!(m, "blocking call `std::fs::read(..)` in the run-once initialiser of \
///     `get_or_init` in fn `config` blocks the executor thread once, on the first of 3 \
///     async paths that reach it");
/// ```
pub fn once_headline(call: &str, context: &str, reach: usize) -> String {
    let paths = if reach == 1 { "path" } else { "paths" };
    format!(
        "blocking call `{call}` in {context} blocks the executor thread once, on the first \
         of {reach} async {paths} that reach it"
    )
}

/// The message of a `once` finding: its headline, then each step of its chain.
pub(crate) fn once_message(
    call: &str,
    context: &str,
    reach: usize,
    chain: &[crate::ChainLink],
) -> String {
    let mut msg = once_headline(call, context, reach);
    for link in chain {
        msg.push_str(": calls ");
        msg.push_str(&link.to_string());
    }
    msg
}

/// The replacement of a `once` finding: the initialiser runs once, so the usual fixes are
/// an async initialiser, or filling the value before the runtime starts or off the
/// executor. It reads after "use" (the attribute's help, [`advice`]).
///
/// [`advice`]: crate::LocatedFinding::advice
pub(crate) fn once_replacement(api_replacement: &str) -> String {
    format!(
        "an async initialiser, `tokio::sync::OnceCell::get_or_init(|| async {{ .. }}).await` \
         with `{api_replacement}` in it; or fill the value before the runtime starts (in \
         `main`) or inside `tokio::task::spawn_blocking`"
    )
}
