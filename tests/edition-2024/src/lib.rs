//! No library: this package exists for its tests, which compile `#[blockwatch::no_blocking]`
//! in a crate of edition 2024 (the attribute reads the edition from this manifest).
#![warn(missing_docs)]
