//! The analysis engine of blockwatch.
//!
//! Data flows one way: source text -> syn tree -> visitor (async context + name
//! resolution) -> [`Finding`]s. The `#[no_blocking]` attribute and `cargo blockwatch`
//! are two presentations of this one engine; neither holds rules of its own.
//!
//! ```
//! let file: syn::File = syn::parse_str(r#"
//!     async fn slow() { std::thread::sleep(std::time::Duration::from_secs(3)); }
//! "#).unwrap();
//! let findings = blockwatch_lint::check_file(&file, &blockwatch_lint::Config::default());
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].replacement, "tokio::time::sleep(..).await");
//! ```
#![warn(missing_docs)]

pub mod catalog;
pub mod category;
pub mod config;
pub mod finding;
pub mod summary;

pub use catalog::{Catalog, Entry, Pattern};
pub use category::Category;
pub use config::{AllowEntry, Config, ConfigError, Discovered, ExtraEntry};
pub use finding::{Certainty, ChainLink, Finding};
pub use summary::{BlockingCall, CallSite, FileSummary, FnSummary, LocatedFinding};

/// Checks a whole file: module-level `use` items, `mod` blocks, impls, everything.
pub fn check_file(file: &syn::File, config: &Config) -> Vec<Finding> {
    let _ = (file, config);
    Vec::new()
}

/// Checks one item, as the attribute sees it. Resolution is limited to `use` items
/// inside the item; unknown names fall back to [`Certainty::Unresolved`].
pub fn check_item(item: &syn::Item, config: &Config) -> Vec<Finding> {
    let _ = (item, config);
    Vec::new()
}

/// Summarizes a file for the CLI's workspace analysis.
pub fn summarize_file(
    file: &syn::File,
    rel_path: &str,
    module_path: &[String],
    is_test_file: bool,
    config: &Config,
) -> FileSummary {
    let _ = (file, module_path, is_test_file, config);
    FileSummary {
        file: rel_path.to_string(),
        ..FileSummary::default()
    }
}
