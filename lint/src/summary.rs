//! Per-file summaries for the CLI's interprocedural (workspace) analysis.
//!
//! Everything here is plain owned data (`Send + Sync`): spans are converted to
//! line/column on the thread that parsed the file.

use crate::{Category, Finding};

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
    /// The call is inside a run-once initialiser (`get_or_init(|| ..)`): it runs once,
    /// so it does not make the fn blocking for each of its callers.
    pub run_once: crate::RunOnce,
    /// An argument is a parameter of the enclosing fn, passed on as it is (`run(f)`).
    pub passes_param: bool,
    /// The sync closures and fn paths given as arguments: if the callee turns out to be
    /// an offloader of the workspace, they run off the executor.
    pub fn_args: Vec<crate::ArgRange>,
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
    /// The paths its declared return type names (`Result<Self, Error>` in `impl Db`
    /// gives `Result`, `crate::db::Db`, `crate::Error`), resolved in its module as
    /// [`CallSite::receiver`] is: a call's receiver built by this fn has one of them.
    pub returns: Vec<String>,
    /// Catalog hits inside run-once initialisers of the body (not in `blocking`).
    pub once: Vec<crate::OnceBlocking>,
    /// The fn hands a parameter to an offloader (`spawn_blocking(f)`, or calls it in a
    /// closure given to one): it is an offloader itself (see `workspace_offloaders.rs`).
    pub offloads_param: bool,
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
    pub findings: Vec<Finding>,
    /// Every fn of the file.
    pub fns: Vec<FnSummary>,
    /// How many expressions, blocks or items lie deeper than [`MAX_DEPTH`](crate::MAX_DEPTH)
    /// and were not checked: 0 when the whole file was.
    pub unchecked_deep: usize,
    /// Names of the file's fns that hand a parameter to an offloader (`spawn_blocking`,
    /// `thread::spawn`, ...): callers' closures given to them run off the executor.
    pub offload_wrappers: Vec<String>,
    /// The `use` items of the file's modules (those that import anything), so the call
    /// graph can follow re-exports across files and crates.
    pub imports: Vec<crate::ModuleImports>,
    /// The type aliases of the file's modules, by absolute path (`crate::db::Pool`),
    /// with the paths each stands for, so the other files of the crate can see through
    /// them (see [`CrateNames`](crate::CrateNames)).
    pub aliases: Vec<(String, Vec<String>)>,
}
