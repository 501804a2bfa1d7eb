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

pub use catalog::{Catalog, Entry, Pattern};
pub use category::Category;
pub use config::{Config, ConfigError};
pub use finding::{Certainty, ChainLink, Finding};
