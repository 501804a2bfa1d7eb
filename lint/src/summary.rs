//! Per-file summaries for the CLI's interprocedural (workspace) analysis.
//!
//! Everything here is plain owned data (`Send + Sync`): spans are converted to
//! line/column on the thread that parsed the file.

use crate::{Category, Certainty, ChainLink};

/// A [`Finding`](crate::Finding) with its location resolved to line/column, and its file.
///
/// ```
/// fn is_send<T: Send + Sync>() {}
/// is_send::<blockwatch_lint::LocatedFinding>();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocatedFinding {
    /// File, relative to the scanned root.
    pub file: String,
    /// 1-based line of the first token of the call.
    pub line: usize,
    /// 1-based column of the first token of the call.
    pub column: usize,
    /// 1-based line of the last token of the call.
    pub end_line: usize,
    /// 1-based column just past the last token of the call.
    pub end_column: usize,
    /// The call as written, shortened.
    pub call: String,
    /// The catalog path or entry it matched.
    pub resolved: String,
    /// How the match was made.
    pub certainty: Certainty,
    /// The category of the entry.
    pub category: Category,
    /// Why it blocks.
    pub why: String,
    /// The async replacement.
    pub replacement: String,
    /// The async context, e.g. "async fn `slow`".
    pub context: String,
    /// True in test code.
    pub in_test: bool,
    /// For transitive findings: the chain of calls down to the blocking API.
    pub chain: Vec<ChainLink>,
    /// The primary message (as [`Finding::message`](crate::Finding::message)).
    pub message: String,
    /// The fix, located (see [`Finding::fix`](crate::Finding::fix)).
    pub fix: Option<crate::LocatedFix>,
}

/// A blocking catalog call reached when a fn is called synchronously.
///
/// ```
/// fn is_send<T: Send + Sync>() {}
/// is_send::<blockwatch_lint::BlockingCall>();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockingCall {
    /// The catalog path or entry key.
    pub resolved: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The category of the entry.
    pub category: Category,
    /// The async replacement.
    pub replacement: String,
}

/// A call to something that is not in the catalog: maybe a workspace fn.
///
/// ```
/// fn is_send<T: Send + Sync>() {}
/// is_send::<blockwatch_lint::CallSite>();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallSite {
    /// Possible absolute paths of the callee (after `use`, `crate::`, `self::`, `super::`,
    /// `Self::` resolution), most likely first. Empty for method calls.
    pub candidates: Vec<Vec<String>>,
    /// The method name, for `x.foo(..)`.
    pub method: Option<String>,
    /// For method calls: where the receiver's value came from, as the source states it
    /// (the impl's type for `self`, a parameter's or field's declared type, the path of a
    /// constructor called): absolute paths where resolved (`crate::db::Store`,
    /// `std::sync::Arc`), as written otherwise. Empty when nothing is known.
    pub receiver: Vec<String>,
    /// `receiver` names the receiver's own type, not only where a chain of method calls
    /// started: the value of a path call written right there (`Builder::from_env(..).init()`),
    /// or a local, parameter or field whose annotation or constructor states it
    /// (`let mut h = Hasher::new(); h.finalize()`).
    pub receiver_constructed: bool,
    /// The call as written, shortened.
    pub call: String,
    /// 1-based line of the first token of the call.
    pub line: usize,
    /// 1-based column of the first token of the call.
    pub column: usize,
    /// 1-based line of the last token.
    pub end_line: usize,
    /// 1-based column just past the last token.
    pub end_column: usize,
    /// The call is in async context.
    pub in_async: bool,
    /// The call is inside a closure given to an offloading fn (`spawn_blocking`, ...).
    pub offloaded: bool,
    /// The call's result is awaited.
    pub awaited: bool,
    /// The context description, e.g. "async fn `main`".
    pub context: String,
    /// True in test code.
    pub in_test: bool,
}

/// One fn (free fn, method, trait default method) of a file.
///
/// ```
/// fn is_send<T: Send + Sync>() {}
/// is_send::<blockwatch_lint::FnSummary>();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FnSummary {
    /// module path + [Self type name, for methods] + fn name.
    pub path: Vec<String>,
    /// Declared in an `impl` or `trait` block: callable as `x.name(..)`.
    pub is_method: bool,
    /// The name of the impl's self type (`Store` for `impl<T> Store<T>`), or of the trait
    /// for a default method; `None` for free fns and impls of types without a name.
    pub self_ty: Option<String>,
    /// Declared `async`.
    pub is_async: bool,
    /// 1-based line of the fn name.
    pub line: usize,
    /// 1-based column of the fn name.
    pub column: usize,
    /// In test code.
    pub in_test: bool,
    /// Catalog hits reached when this fn is called synchronously (its body outside
    /// async blocks and offloaded closures).
    pub blocking: Vec<BlockingCall>,
    /// For an async fn: catalog hits in its async body (not offloaded), which run on the
    /// executor when the fn's future is awaited.
    pub polled: Vec<BlockingCall>,
    /// Calls to non-catalog paths and methods anywhere in the body.
    pub calls: Vec<CallSite>,
}

/// Everything the CLI needs from one file.
///
/// ```
/// fn is_send<T: Send + Sync>() {}
/// is_send::<blockwatch_lint::FileSummary>();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FileSummary {
    /// File, relative to the scanned root.
    pub file: String,
    /// The direct findings (as [`check_file`](crate::check_file)).
    pub findings: Vec<LocatedFinding>,
    /// Every fn of the file.
    pub fns: Vec<FnSummary>,
    /// How many expressions, blocks or items lie deeper than [`MAX_DEPTH`](crate::MAX_DEPTH)
    /// and were not checked: 0 when the whole file was.
    pub unchecked_deep: usize,
    /// Names of the file's fns that hand a parameter to an offloader (`spawn_blocking`,
    /// `thread::spawn`, ...): callers' closures given to them run off the executor.
    pub offload_wrappers: Vec<String>,
}

impl LocatedFinding {
    /// The API the finding is about in the end: the blocking API at the end of a chain,
    /// or the resolved call itself.
    ///
    /// ```
    /// let file: syn::File = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
    /// let s = blockwatch_lint::summarize_file(&file, "a.rs", &[], false, &Default::default());
    /// assert_eq!(s.findings[0].blocking_api(), "std::thread::sleep");
    /// ```
    pub fn blocking_api(&self) -> &str {
        self.chain
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
    /// let s = blockwatch_lint::summarize_file(&file, "a.rs", &[], false, &Default::default());
    /// assert_eq!(s.findings[0].advice(), "use instead: tokio::time::sleep(d).await");
    /// ```
    pub fn advice(&self) -> String {
        match &self.fix {
            // As the attribute's help line shows it; the generic `spawn_blocking` wrapper
            // is worse advice than the catalog's replacement.
            Some(fix) if fix.rewrite != crate::fix::Rewrite::SpawnBlocking => {
                format!("use instead: {}", fix.code)
            }
            _ if self.certainty == Certainty::Transitive => self.replacement.clone(),
            _ => format!("use instead: {}", self.replacement),
        }
    }

    /// The message without the chain (which a renderer may print as notes of its own).
    ///
    /// ```
    /// let file: syn::File = syn::parse_str("async fn f() { std::thread::sleep(d); }").unwrap();
    /// let s = blockwatch_lint::summarize_file(&file, "a.rs", &[], false, &Default::default());
    /// assert_eq!(s.findings[0].headline(), s.findings[0].message);
    /// ```
    pub fn headline(&self) -> String {
        if self.chain.is_empty() || self.certainty != Certainty::Transitive {
            self.message.clone()
        } else {
            crate::finding::transitive_headline(&self.call, &self.context)
        }
    }

    /// Locates `finding` (its spans must carry locations: parsed outside a proc macro).
    ///
    /// ```
    /// let file: syn::File = syn::parse_str("async fn f() {\n    std::thread::sleep(d);\n}").unwrap();
    /// let f = &blockwatch_lint::check_file(&file, &Default::default())[0];
    /// let located = blockwatch_lint::LocatedFinding::new("src/a.rs", f);
    /// assert_eq!((located.line, located.column), (2, 5));
    /// assert_eq!((located.end_line, located.end_column), (2, 26));
    /// ```
    pub fn new(file: &str, finding: &crate::Finding) -> LocatedFinding {
        let (line, column) = finding.start();
        let (end_line, end_column) = finding.end();
        LocatedFinding {
            file: file.to_string(),
            line,
            column,
            end_line,
            end_column,
            call: finding.call.clone(),
            resolved: finding.resolved.clone(),
            certainty: finding.certainty,
            category: finding.category,
            why: finding.why.clone(),
            replacement: finding.replacement.clone(),
            context: finding.context.clone(),
            in_test: finding.in_test,
            chain: finding.chain.clone(),
            message: finding.message(),
            fix: finding.fix.as_ref().map(crate::Fix::locate),
        }
    }
}
