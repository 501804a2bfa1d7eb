//! The crates a workspace depends on, analysed from source: where each one's code is and
//! what name the caller writes for it ([`metadata`]), and which of its items the enabled
//! features keep ([`features`]). The CLI summarizes the kept code with the same engine
//! as the workspace and hands the summaries to the call graph
//! ([`Graph::with_dependencies`](crate::Graph::with_dependencies)).
//!
//! Nothing here runs the dependencies' code: sources are read as text, the only
//! process is `cargo metadata` ([`metadata::metadata_command`]), which resolves the
//! dependency graph without build scripts or proc macros.

pub mod cache;
pub mod demand;
pub(crate) mod fast_hash;
pub mod features;
pub mod graph_cache;
mod json_reader;
pub mod keys;
pub mod metadata;
pub(crate) mod methods;
pub mod reached_cache;
pub mod reached_items;
pub mod units;
pub mod wrappers;

pub use cache::{cache_key, decode, encode, store};
pub use demand::{
    crate_names, demanded_dependencies, reached_dependencies, reached_dependencies_in, Known,
    NotCached,
};
pub use features::{strip_disabled, Cfg};
pub use graph_cache::{decode_graph, encode_graph, file_stamp};
pub use keys::{summary_file_name, summary_keys, SummaryKeys};
pub use metadata::{
    metadata_command, parse_metadata, scanned_platform, Dependency, DependencyGraph, Member,
    MetadataError, SourceKind,
};
pub use reached_cache::ReachedSet;
pub use reached_items::ReachedItems;
pub use units::DependencyUnits;
pub use wrappers::DependencyWrappers;
