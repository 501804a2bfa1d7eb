//! The analysis engine of blockwatch.
//!
//! Data flows one way: source text -> [nesting guard](check_nesting) -> syn tree ->
//! visitor (async context, name resolution, receivers) matched against the [`Catalog`]
//! -> [`Finding`]s and [`FnSummary`]s; for a workspace, the [crate and module
//! model](workspace) places each file, and the [call graph](Graph) adds the transitive
//! findings ([`workspace_findings`]), all [`Finding`]s too. The `#[no_blocking]`
//! attribute and `cargo blockwatch` are two presentations of this one engine; neither
//! holds rules of its own. `lint/README.md` maps each stage to its module.
//!
//! ```
//! let file: syn::File = syn::parse_str(r#"
//!     async fn slow() { std::thread::sleep(std::time::Duration::from_secs(3)); }
//! "#).unwrap();
//! let findings = blockwatch_lint::check_file(&file, &blockwatch_lint::Config::default());
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].replacement, "tokio::time::sleep(..).await");
//! ```
//!
//! # What is reported
//!
//! A call that matches the [`Catalog`] in force ([`CatalogConfig::to_catalog`]) and runs on the
//! executor thread:
//!
//! - **async context**: `async fn` (free, inherent, trait impl, trait default), `async`
//!   blocks anywhere (also in sync fns and in `tokio::spawn(async move { .. })`), async
//!   closures (`async || ..`, `|| async { .. }`), `poll*` fns of impls of `Future`,
//!   `Stream`, `AsyncRead`, `AsyncWrite`, `AsyncBufRead`, `AsyncSeek`, `Sink`. Plain
//!   closures inherit the context they are written in (`iter().map(|p| fs::read(p))`
//!   in an async fn blocks). A nested `fn` item starts its own context.
//! - **not async context**: closures given to offloaders (`spawn_blocking`,
//!   `block_in_place`, `std::thread::spawn`, `thread::Builder::spawn`, scoped `s.spawn`,
//!   `rayon::spawn`/`scope`, `smol::unblock`, `blocking::unblock`, ... also imported
//!   bare), to fns whose name says they offload (`asyncify*`, `*unblock*`,
//!   `*offload*`, `*_blocking`: tokio's own `asyncify`, a project's `run_blocking`),
//!   to wrappers of them defined in the same file, and to fns listed under `offload`
//!   in the configuration. In a workspace scan, any fn of the workspace or of a
//!   dependency that hands its closure or fn parameter to an offloader (or to another
//!   such fn, transitively) is one too ([`ArgRange`], `workspace_offloaders.rs`).
//! - **run once**: a blocking call inside a run-once initialiser (`OnceLock`/`OnceCell`
//!   `get_or_init`, `LazyLock::new`, once_cell's `Lazy::new`, `Once::call_once`,
//!   `lazy_static!`, `thread_local!`) is [`Certainty::Once`]: reported once, at the
//!   initialiser, with the number of async paths that reach it, and the fn around it
//!   does not block its callers ([`run_once`]). On by default: it does block the
//!   executor, once; an `allow` entry accepts it like any other finding.
//!
//! # How calls are matched
//!
//! - Paths are resolved through `use` items (aliases, globs, groups, nested groups,
//!   fn-local ones, `::std::..`), items defined in the module, `crate::`/`self::`/
//!   `super::`/`Self::`, and local bindings: [`Certainty::Resolved`].
//! - A path whose first segment nothing in scope provides (the attribute sees only its
//!   item) is compared by its trailing segments (`sleep`, `thread::sleep`, `File::open`;
//!   an associated fn needs its type written) and reported only when not awaited:
//!   [`Certainty::Unresolved`]. `sleep(d).await` is never reported; a name resolved to
//!   something else (`use tokio::time::sleep;`) never matches.
//! - Method calls are matched by shape: name, number of arguments, not awaited, and
//!   where needed what the receiver is built from (`Command::new(..)` in the chain, a
//!   `let` or a typed parameter): [`Certainty::MethodShape`].
//! - In the workspace call graph, a call of a workspace (or dependency) fn that blocks
//!   is [`Certainty::Transitive`] when every call of its chain was resolved by path or
//!   by the receiver's stated type (a call through a trait, `&dyn Store` or `T: Store`,
//!   blocks when every impl does), and [`Certainty::MethodShape`] when a method of the
//!   chain was matched by its name alone ([`Finding::is_transitive`] holds for both).
//! - Macro bodies are code: format- and assert-style arguments, `select!` branches
//!   (the futures are awaited by the macro), `join!` arguments; other macros are parsed
//!   as expressions when possible, else scanned for catalog paths. Spans stay the user's.
//! - `#[allow_blocking]` / `#[blockwatch::allow_blocking(reason = "..")]` on an item,
//!   statement, expression or match arm skips it and everything in it.
//! - Findings in test code ([`is_test_code`]: `#[test]`/`#[tokio::test]` fns, items
//!   whose `cfg` requires `test`) have `in_test` set.
//!
//! # Fixes
//!
//! A finding on a call where `.await` can be written carries a [`Fix`]: edits (spans
//! and text), the code after them, whether it is machine-applicable, and the crate
//! feature it needs. How each API is rewritten is data, the fix rules of
//! [`catalog::fixes`]; APIs without a rule get the `spawn_blocking` wrapper as a
//! suggestion.
//!
//! # Limits
//!
//! The walk descends at most [`MAX_DEPTH`] nested expressions, blocks and items; code
//! nested deeper is not checked (and counted in [`FileSummary::unchecked_deep`], so a
//! caller can say so), so no input can overflow the caller's stack through
//! the engine (syn's own parser may, on extreme input: parse such files on a thread
//! with a big stack). Macro bodies nested too deep are only token-scanned.
#![warn(missing_docs)]

mod callgraph;
pub mod catalog;
pub mod category;
pub mod config;
mod crate_names;
mod crate_reachability;
mod crate_view;
mod dead_cfg;
pub mod deps;
mod escape_hatch;
pub mod finding;
pub mod fix;
mod in_memory_io;
mod item_macros;
mod item_recovery;
mod matcher;
mod matcher_cache;
mod method_steps;
mod nesting;
mod parse;
mod path_pattern;
mod prefilter;
mod receiver_types;
mod reexports;
mod resolve;
pub mod run_once;
mod self_type;
pub mod summary;
mod test_code;
#[cfg(test)]
mod test_support;
mod trait_impls;
mod visitor;
pub mod workspace;
mod workspace_offloaders;
mod wrappers;

use visitor::Analyzer;

/// How deep the engine descends into nested expressions, blocks and items; deeper
/// code is not checked (see the crate docs).
///
/// ```
/// assert!(blockwatch_lint::MAX_DEPTH >= 128);
/// ```
pub use visitor::MAX_DEPTH;

pub use callgraph::{
    dependency_essentials, workspace_findings, workspace_findings_with_dependencies,
    workspace_findings_with_reachability, CrateFile, Graph,
};
pub use catalog::{Catalog, Entry, Pattern};
pub use category::Category;
pub use config::{AllowEntry, CatalogConfig, Config, ConfigError, Discovered, ExtraEntry};
pub use crate_names::CrateNames;
pub use crate_reachability::{CrateReachability, PackageUnits};
pub use crate_view::{CrateView, CrateViewError};
pub use dead_cfg::is_never_compiled;
pub use escape_hatch::is_allow_blocking_path;
pub use finding::{Certainty, ChainLink, Finding, SpannedFinding};
pub use fix::{Applicability, Fix, LocatedFix, Requirement};
pub use item_macros::flatten_item_macros;
pub use item_recovery::{parse_source_recovering, RecoveredFile, SkippedItem};
pub use nesting::{check_nesting, check_source_nesting, nesting_estimate, TooDeep};
pub use parse::{parse_source, SourceError};
pub use path_pattern::PathPattern;
pub use prefilter::{may_report, may_report_text};
pub use reexports::ModuleImports;
pub use run_once::{OnceBlocking, RunOnce};
pub use self_type::self_type_name;
pub use summary::{BlockingCall, CallSite, FileSummary, FnSummary};
pub use test_code::is_test_code;
pub use trait_impls::{TraitDecl, TraitImpl};
pub use workspace_offloaders::ArgRange;

/// Checks a whole file: module-level `use` items, `mod` blocks, impls, everything.
///
/// ```
/// let file: syn::File = syn::parse_str(r#"
///     use std::fs;
///     async fn load() -> String { fs::read_to_string("a.toml").unwrap() }
/// "#).unwrap();
/// let findings = blockwatch_lint::check_file(&file, &blockwatch_lint::Config::default());
/// assert_eq!(findings[0].resolved, "std::fs::read_to_string");
/// assert_eq!(findings[0].context, "async fn `load`");
/// ```
pub fn check_file(file: &syn::File, config: &Config) -> Vec<Finding> {
    let matcher = config.matcher();
    let mut v = Analyzer::new(&matcher, Vec::new(), false, false);
    v.wrappers = wrappers::offload_wrappers(&file.items, config);
    v.visit_module_items(&file.items);
    v.findings.0.into_iter().map(|s| s.finding).collect()
}

/// Checks one item, as the attribute sees it. Resolution is limited to `use` items
/// inside the item; unknown names fall back to [`Certainty::Unresolved`].
///
/// ```
/// let item: syn::Item = syn::parse_str(r#"
///     async fn slow() { thread::sleep(d); tokio::time::sleep(d).await; }
/// "#).unwrap();
/// let findings = blockwatch_lint::check_item(&item, &blockwatch_lint::Config::default());
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].certainty, blockwatch_lint::Certainty::Unresolved);
/// ```
pub fn check_item(item: &syn::Item, config: &Config) -> Vec<Finding> {
    check_item_report(item, config)
        .findings
        .into_iter()
        .map(|s| s.finding)
        .collect()
}

/// What [`check_item_report`] found in one item, and how much of it was left unchecked.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ItemReport {
    /// The findings, as [`check_item`] returns them, with the spans of their calls.
    pub findings: Vec<SpannedFinding>,
    /// How many expressions, blocks or items lie deeper than [`MAX_DEPTH`] and were not
    /// checked: 0 when the whole item was.
    pub unchecked_deep: usize,
}

/// [`check_item`], also saying whether the whole item was checked (code nested deeper
/// than [`MAX_DEPTH`] is not), so that a caller never passes unchecked code as clean.
///
/// ```
/// let item: syn::Item = syn::parse_str("async fn f() { a().b().c().await; }").unwrap();
/// let report = blockwatch_lint::check_item_report(&item, &blockwatch_lint::Config::default());
/// assert!(report.findings.is_empty());
/// assert_eq!(report.unchecked_deep, 0);
/// ```
pub fn check_item_report(item: &syn::Item, config: &Config) -> ItemReport {
    let matcher = config.matcher();
    let mut v = Analyzer::new(&matcher, Vec::new(), false, false);
    v.wrappers = wrappers::offload_wrappers(std::slice::from_ref(item), config);
    v.visit_module_items(std::slice::from_ref(item));
    ItemReport {
        findings: v.findings.0,
        unchecked_deep: v.too_deep,
    }
}

/// Summarizes a file for the CLI's workspace analysis: the direct findings (as
/// [`check_file`]) with line/column locations, and every fn with the blocking calls it
/// makes when called synchronously and the calls it makes to other (workspace) fns.
///
/// ```
/// let file: syn::File = syn::parse_str(r#"
///     pub fn load() -> String { std::fs::read_to_string("a").unwrap() }
///     pub async fn run() { load(); }
/// "#).unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "src/config.rs", &["config".to_string()], false,
///     &blockwatch_lint::Config::default());
/// assert_eq!(s.fns[0].path, ["config", "load"]);
/// assert_eq!(s.fns[0].blocking[0].resolved, "std::fs::read_to_string");
/// assert_eq!(s.fns[1].calls[0].candidates[0], ["config", "load"]);
/// assert!(s.fns[1].calls[0].in_async);
/// ```
pub fn summarize_file(
    file: &syn::File,
    rel_path: &str,
    module_path: &[String],
    is_test_file: bool,
    config: &Config,
) -> FileSummary {
    summarize_file_in_crate(file, rel_path, module_path, is_test_file, config, None)
}

/// [`summarize_file`], with what the crate's other files say about names this file
/// imports or aliases it uses ([`CrateNames`], built from a first pass over the crate).
///
/// ```
/// let main: syn::File = syn::parse_str("mod exporter; use reqwest::blocking::Client;").unwrap();
/// let child: syn::File = syn::parse_str(
///     "use super::*; struct S { c: Client } async fn f(s: S) { s.c.get(\"u\").send(); }").unwrap();
/// let cfg = blockwatch_lint::Config::default();
/// let main = blockwatch_lint::summarize_file(&main, "src/main.rs", &[], false, &cfg);
/// let module = ["exporter".to_string()];
/// let alone = blockwatch_lint::summarize_file(&child, "src/exporter.rs", &module, false, &cfg);
/// assert!(alone.findings.is_empty());
/// let names = blockwatch_lint::CrateNames::new([&main, &alone]);
/// let seen = blockwatch_lint::summarize_file_in_crate(
///     &child, "src/exporter.rs", &module, false, &cfg, Some(&names));
/// assert_eq!(seen.findings[0].resolved, "reqwest::blocking::RequestBuilder::send");
/// ```
pub fn summarize_file_in_crate(
    file: &syn::File,
    rel_path: &str,
    module_path: &[String],
    is_test_file: bool,
    config: &Config,
    crate_names: Option<&CrateNames>,
) -> FileSummary {
    let matcher = config.matcher();
    let mut v = Analyzer::new(&matcher, module_path.to_vec(), is_test_file, true);
    v.crate_names = crate_names;
    v.wrappers = wrappers::offload_wrappers(&file.items, config);
    let configured = wrappers::offload_wrappers(&[], config);
    let mut offload_wrappers: Vec<String> = v.wrappers.difference(&configured).cloned().collect();
    offload_wrappers.sort();
    v.visit_module_items(&file.items);
    let aliases = v.alias_paths();
    let findings = v
        .findings
        .0
        .into_iter()
        .map(|s| Finding {
            file: rel_path.to_string(),
            ..s.finding
        })
        .collect();
    FileSummary {
        file: rel_path.to_string(),
        findings,
        fns: v.summaries.map(|s| s.done).unwrap_or_default(),
        unchecked_deep: v.too_deep,
        offload_wrappers,
        imports: v.module_imports,
        aliases,
        traits: v.traits,
        trait_impls: v.trait_impls,
    }
}
