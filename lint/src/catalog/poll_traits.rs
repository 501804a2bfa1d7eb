//! Traits whose `poll*` methods run on the executor thread: an impl's `poll*` fns are
//! async context.

/// Traits whose `poll*` methods run on the executor thread.
///
/// ```
/// assert!(blockwatch_lint::catalog::POLL_TRAITS.contains(&"Future"));
/// ```
pub const POLL_TRAITS: &[&str] = &[
    "Future",
    "Stream",
    "AsyncRead",
    "AsyncWrite",
    "AsyncBufRead",
    "AsyncSeek",
    "Sink",
    "AsyncIterator",
    "FusedFuture",
    "FusedStream",
];
