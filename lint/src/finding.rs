//! What the engine reports: one [`Finding`] per blocking call in async context, the one
//! type both front ends read.

use proc_macro2::Span;

use crate::{Category, LocatedFix};

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
    /// A method call matched by its shape (name, arity, receiver chain, not awaited);
    /// also a call that reaches a blocking API through a chain (see [`Finding::chains`])
    /// with a method call in it matched by its name alone, its receiver's type unknown.
    MethodShape,
    /// A workspace fn that (transitively) calls a blocking API, every call of the chain
    /// resolved by path or by its receiver's type; see [`Finding::chains`].
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

/// A blocking call found in async context: what every front end prints. The attribute
/// places it on its tokens ([`SpannedFinding`]); `cargo blockwatch` renders it as text,
/// JSON, SARIF, GitHub annotations or rustc diagnostics.
///
/// Plain owned data (`Send + Sync`), so the CLI's worker threads hand it back.
///
/// ```
/// fn is_send<T: Send + Sync>() {}
/// is_send::<blockwatch_lint::Finding>();
/// let file: syn::File = syn::parse_str("async fn f() {\n    std::thread::sleep(d);\n}").unwrap();
/// let f = &blockwatch_lint::check_file(&file, &Default::default())[0];
/// assert_eq!((f.line, f.column, f.end_line, f.end_column), (2, 5, 2, 26));
/// assert_eq!(f.message(), "blocking call `std::thread::sleep(..)` in async fn `f`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// File, relative to the scanned root; empty from [`check_file`](crate::check_file)
    /// and [`check_item`](crate::check_item), whose caller knows what it checked.
    pub file: String,
    /// 1-based line of the first token of the call (for a method call: the method name).
    pub line: usize,
    /// 1-based column of the first token of the call.
    pub column: usize,
    /// 1-based line of the last token of the call (the closing parenthesis).
    pub end_line: usize,
    /// 1-based column just past the last token of the call.
    pub end_column: usize,
    /// The call as written, shortened: `std::thread::sleep(..)`, `.output()`.
    pub call: String,
    /// The catalog path it resolved to (`std::thread::sleep`), or the entry it matched;
    /// for a transitive finding, the workspace fn called.
    pub resolved: String,
    /// How the match was made.
    pub certainty: Certainty,
    /// The category of the matched catalog entry (of the first chain's blocking API).
    pub category: Category,
    /// Why the call blocks, one sentence.
    pub why: String,
    /// The async replacement, as code: `tokio::time::sleep(..).await`; for a transitive
    /// finding, advice.
    pub replacement: String,
    /// A short description of the async context: `async fn slow`, `async block`, ...
    pub context: String,
    /// True when the call is in test code (`#[cfg(test)]`, `#[test]` fns, `tests/`).
    pub in_test: bool,
    /// For [`Certainty::Transitive`]: one chain of calls from the reported site to each
    /// distinct blocking leaf it reaches (a blocking API in one fn), the first one the
    /// message names. Empty for a direct finding.
    pub chains: Vec<Vec<ChainLink>>,
    /// How to rewrite the call, from the catalog's fix rules; `None` where no `.await`
    /// can be written (a plain closure, a `poll` fn), the call is a fn passed as a value,
    /// or the blocking line is elsewhere (a transitive finding).
    pub fix: Option<LocatedFix>,
    /// For [`Certainty::Once`]: how many async paths (call sites in async code, directly
    /// or through sync fns) can reach the initialiser; `None` for other certainties.
    pub once_reach: Option<usize>,
}

impl Finding {
    /// The primary message, as the attribute and the CLI print it.
    ///
    /// Resolved: "blocking call `std::thread::sleep(..)` in async fn `slow`".
    /// Unresolved: "`sleep(..)` is not awaited; if this is `std::thread::sleep`, it blocks ...".
    /// Transitive: the headline, then each step of the first chain.
    pub fn message(&self) -> String {
        match self.certainty {
            Certainty::Unresolved => format!(
                "`{}` is not awaited; if this is `{}`, it blocks the executor thread in {}",
                self.call, self.resolved, self.context
            ),
            _ if self.is_transitive() || self.certainty == Certainty::Once => {
                let mut msg = self.lead();
                for link in self.chain() {
                    msg.push_str(": calls ");
                    msg.push_str(&link.to_string());
                }
                msg
            }
            _ => format!("blocking call `{}` in {}", self.call, self.context),
        }
    }

    /// The message without the chain (which a renderer may print as notes of its own).
    ///
    /// ```
    /// let file: syn::File = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
    /// let f = &blockwatch_lint::check_file(&file, &Default::default())[0];
    /// assert_eq!(f.headline(), f.message());
    /// ```
    pub fn headline(&self) -> String {
        match self.certainty {
            _ if self.is_transitive() || self.certainty == Certainty::Once => self.lead(),
            _ => self.message(),
        }
    }

    /// The headline of a finding whose message goes on with its chain.
    fn lead(&self) -> String {
        match self.certainty {
            Certainty::Once => crate::run_once::once_headline(
                &self.call,
                &self.context,
                self.once_reach.unwrap_or(1),
            ),
            _ => format!(
                "`{}` blocks the executor thread in {}",
                self.call, self.context
            ),
        }
    }

    /// Whether the call blocks through a chain of calls ([`Certainty::Transitive`], or
    /// [`Certainty::MethodShape`] with a chain: a hop of it matched a method by name).
    ///
    /// ```
    /// let file: syn::File = syn::parse_str(
    ///     "fn helper() { std::thread::sleep(d); } async fn run() { helper(); }").unwrap();
    /// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
    /// let files = [blockwatch_lint::CrateFile { unit: 0, summary: &s }];
    /// assert!(blockwatch_lint::workspace_findings(&files, &Default::default())[0].is_transitive());
    /// let direct: syn::File = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
    /// assert!(!blockwatch_lint::check_file(&direct, &Default::default())[0].is_transitive());
    /// ```
    pub fn is_transitive(&self) -> bool {
        match self.certainty {
            Certainty::Transitive => true,
            Certainty::MethodShape => !self.chains.is_empty(),
            _ => false,
        }
    }

    /// 1-based (line, column) of the start of the call.
    pub fn start(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    /// 1-based (line, column) just past the end of the call.
    pub fn end(&self) -> (usize, usize) {
        (self.end_line, self.end_column)
    }

    /// The first chain (the one [`Finding::message`] names); empty for a direct finding.
    pub fn chain(&self) -> &[ChainLink] {
        self.chains.first().map_or(&[], Vec::as_slice)
    }

    /// The chains to the other blocking leaves the call reaches, after the first.
    ///
    /// ```
    /// let file: syn::File = syn::parse_str(
    ///     "fn helper() { std::thread::sleep(d); std::fs::read(p); } async fn run() { helper(); }",
    /// ).unwrap();
    /// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
    /// let files = [blockwatch_lint::CrateFile { unit: 0, summary: &s }];
    /// let f = &blockwatch_lint::workspace_findings(&files, &Default::default())[0];
    /// assert_eq!(f.chain()[0].callee, "std::thread::sleep");
    /// assert_eq!(f.more_chains()[0][0].callee, "std::fs::read");
    /// ```
    pub fn more_chains(&self) -> &[Vec<ChainLink>] {
        self.chains.get(1..).unwrap_or(&[])
    }

    /// The API the finding is about in the end: the blocking API at the end of the first
    /// chain, or the resolved call itself.
    ///
    /// ```
    /// let file: syn::File = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
    /// let f = &blockwatch_lint::check_file(&file, &Default::default())[0];
    /// assert_eq!(f.blocking_api(), "std::thread::sleep");
    /// ```
    pub fn blocking_api(&self) -> &str {
        self.chain()
            .last()
            .map(|l| l.callee.as_str())
            .unwrap_or(&self.resolved)
    }

    /// What to do about it, as one clause: the engine's fix written out with the call's
    /// own arguments ("use instead: `tokio::fs::read(p).await`"), else the catalog's
    /// replacement, or for a transitive finding the replacement's own advice.
    ///
    /// ```
    /// let file: syn::File = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
    /// let f = &blockwatch_lint::check_file(&file, &Default::default())[0];
    /// assert_eq!(f.advice(), "use instead: tokio::time::sleep(d).await");
    /// ```
    pub fn advice(&self) -> String {
        match &self.fix {
            // As the attribute's help line shows it; the generic `spawn_blocking` wrapper
            // is worse advice than the catalog's replacement.
            Some(fix) if fix.rewrite != crate::fix::Rewrite::SpawnBlocking => {
                format!("use instead: {}", fix.code)
            }
            _ if self.is_transitive() => self.replacement.clone(),
            _ => format!("use instead: {}", self.replacement),
        }
    }
}

/// A [`Finding`] placed on the attribute's tokens: `span` is the call's first token,
/// `span_end` its last, so a diagnostic underlines the whole call.
///
/// ```
/// let item: syn::Item = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
/// let report = blockwatch_lint::check_item_report(&item, &Default::default());
/// let spanned = &report.findings[0];
/// assert_eq!(spanned.span.start().line, spanned.finding.line);
/// ```
#[derive(Debug, Clone)]
pub struct SpannedFinding {
    /// The finding.
    pub finding: Finding,
    /// Span of the first token of the call.
    pub span: Span,
    /// Span of the last token of the call.
    pub span_end: Span,
}
