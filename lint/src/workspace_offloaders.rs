//! Offloaders the workspace defines: a fn (sync or async) that hands its closure or fn
//! parameter to an offloader (`spawn_blocking`, `thread::spawn`, `block_in_place`,
//! rayon's `spawn`, or another such fn of the workspace or of a dependency,
//! transitively) is itself an offloader, so closures passed to it run off the executor
//! and are not async context. No configuration needed.
//!
//! The walk records the facts of each fn ([`FnSummary::offloads_param`],
//! [`CallSite::passes_param`], [`CallSite::fn_args`]); the call graph resolves the calls
//! and applies the rule (`callgraph/offloader_inference.rs`).
//!
//! [`FnSummary::offloads_param`]: crate::FnSummary::offloads_param
//! [`CallSite::passes_param`]: crate::CallSite::passes_param
//! [`CallSite::fn_args`]: crate::CallSite::fn_args

/// Where a closure or fn-path argument of a call is written, 1-based, end exclusive.
///
/// ```
/// let r = blockwatch_lint::ArgRange { line: 3, column: 20, end_line: 3, end_column: 41 };
/// assert!(r.contains(3, 25));
/// assert!(!r.contains(3, 41));
/// assert!(!r.contains(4, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArgRange {
    /// Line of the first token.
    pub line: usize,
    /// Column of the first token.
    pub column: usize,
    /// Line of the last token.
    pub end_line: usize,
    /// Column just past the last token.
    pub end_column: usize,
}

impl ArgRange {
    /// Whether the position `line:column` lies inside.
    pub fn contains(&self, line: usize, column: usize) -> bool {
        (self.line, self.column) <= (line, column)
            && (line, column) < (self.end_line, self.end_column)
    }
}
