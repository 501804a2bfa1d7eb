//! What the engine reports: one [`Finding`] per blocking call in async context.

use proc_macro2::Span;

use crate::{Category, Fix};

/// How sure the engine is that the call is the blocking API it names.
///
/// ```
/// use blockwatch_lint::Certainty;
/// assert_ne!(Certainty::Resolved, Certainty::Unresolved);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Certainty {
    /// The path was resolved (written out, or through `use` items) to a catalog entry.
    Resolved,
    /// The name could not be resolved; it matches a catalog entry and is not awaited.
    Unresolved,
    /// A method call matched by its shape (name, arity, receiver chain, not awaited).
    MethodShape,
    /// A workspace fn that (transitively) calls a blocking API; see [`Finding::chain`].
    Transitive,
    /// A blocking call inside a run-once initialiser (`OnceLock::get_or_init`,
    /// `LazyLock::new`, `lazy_static!`, ...): it blocks the executor once, on the first of
    /// [`Finding::once_reach`] async paths, not on every call (see `run_once.rs`).
    Once,
}

/// One step of an interprocedural chain: "`load()` calls `std::fs::read` at src/a.rs:12".
///
/// ```
/// let link = blockwatch_lint::ChainLink {
///     callee: "std::fs::read_to_string".into(),
///     file: "src/config.rs".into(),
///     line: 12,
///     column: 5,
///     krate: None,
/// };
/// assert_eq!(link.to_string(), "`std::fs::read_to_string` at src/config.rs:12");
/// let inside = blockwatch_lint::ChainLink { krate: Some("store 0.3.1".into()), ..link };
/// assert_eq!(inside.to_string(), "`std::fs::read_to_string` at src/config.rs:12 (in store 0.3.1)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChainLink {
    /// What is called at this step (a workspace fn path, or the blocking API at the end).
    pub callee: String,
    /// File of the call, relative to the scanned root.
    pub file: String,
    /// 1-based line of the call.
    pub line: usize,
    /// 1-based column of the call.
    pub column: usize,
    /// The dependency the call is in ("name version"), for a step inside one; then
    /// `file` is absolute.
    pub krate: Option<String>,
}

impl std::fmt::Display for ChainLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` at {}:{}", self.callee, self.file, self.line)?;
        match &self.krate {
            Some(krate) => write!(f, " (in {krate})"),
            None => Ok(()),
        }
    }
}

/// A blocking call found in async context.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Finding {
    /// Span of the first token of the blocking call (for a method call: the method name).
    pub span: Span,
    /// Span of the last token of the blocking call (the closing parenthesis).
    pub span_end: Span,
    /// The call as written, shortened: `std::thread::sleep(..)`, `.output()`.
    pub call: String,
    /// The catalog path it resolved to (`std::thread::sleep`), or the entry it matched.
    pub resolved: String,
    /// How the match was made.
    pub certainty: Certainty,
    /// The category of the matched catalog entry.
    pub category: Category,
    /// Why the call blocks, one sentence.
    pub why: String,
    /// The async replacement, as code: `tokio::time::sleep(..).await`.
    pub replacement: String,
    /// A short description of the async context: `async fn slow`, `async block`, ...
    pub context: String,
    /// True when the call is in test code (`#[cfg(test)]`, `#[test]` fns, `tests/`).
    pub in_test: bool,
    /// For [`Certainty::Transitive`]: the calls from the reported site to the blocking API.
    pub chain: Vec<ChainLink>,
    /// How to rewrite the call, from the catalog's fix rules; `None` where no `.await`
    /// can be written (a plain closure, a `poll` fn) or the call is a fn passed as a value.
    pub fix: Option<Fix>,
    /// For [`Certainty::Once`]: how many async paths (call sites in async code, directly
    /// or through sync fns) can reach the initialiser; `None` for other certainties.
    pub once_reach: Option<usize>,
}

impl Finding {
    /// The primary message, as the attribute and the CLI print it.
    ///
    /// Resolved: "blocking call `std::thread::sleep(..)` in async fn `slow`".
    /// Unresolved: "`sleep(..)` is not awaited; if this is `std::thread::sleep`, it blocks ...".
    pub fn message(&self) -> String {
        match self.certainty {
            Certainty::Unresolved => format!(
                "`{}` is not awaited; if this is `{}`, it blocks the executor thread in {}",
                self.call, self.resolved, self.context
            ),
            Certainty::Transitive => transitive_message(&self.call, &self.context, &self.chain),
            Certainty::Once => crate::run_once::once_message(
                &self.call,
                &self.context,
                self.once_reach.unwrap_or(1),
                &self.chain,
            ),
            _ => format!("blocking call `{}` in {}", self.call, self.context),
        }
    }

    /// 1-based (line, column) of the start of the call, when spans carry locations
    /// (outside a proc macro, through proc-macro2's `span-locations`).
    pub fn start(&self) -> (usize, usize) {
        let lc = self.span.start();
        (lc.line, lc.column + 1)
    }

    /// 1-based (line, column) just past the end of the call.
    pub fn end(&self) -> (usize, usize) {
        let lc = self.span_end.end();
        (lc.line, lc.column + 1)
    }
}

/// The message of a transitive finding: the call, its context, and each step of the chain.
pub(crate) fn transitive_message(call: &str, context: &str, chain: &[ChainLink]) -> String {
    let mut msg = transitive_headline(call, context);
    for link in chain {
        msg.push_str(": calls ");
        msg.push_str(&link.to_string());
    }
    msg
}

/// The first clause of a transitive finding's message, without the chain.
pub(crate) fn transitive_headline(call: &str, context: &str) -> String {
    format!("`{call}` blocks the executor thread in {context}")
}
