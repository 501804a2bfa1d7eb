//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use blockwatch_lint::{check_file, check_item, Config, Finding};

/// Parses `src` as a file and checks it with `config`.
pub fn file_findings_with(src: &str, config: &Config) -> Vec<Finding> {
    let file: syn::File =
        syn::parse_str(src).unwrap_or_else(|e| panic!("test source does not parse: {e}\n{src}"));
    check_file(&file, config)
}

/// Parses `src` as a file and checks it with the default configuration.
pub fn file_findings(src: &str) -> Vec<Finding> {
    file_findings_with(src, &Config::default())
}

/// The resolved paths flagged in `src` (whole-file check).
pub fn flagged(src: &str) -> Vec<String> {
    file_findings(src).into_iter().map(|f| f.resolved).collect()
}

/// Parses `src` as one item and checks it as the attribute does.
pub fn item_findings(src: &str) -> Vec<Finding> {
    let item: syn::Item =
        syn::parse_str(src).unwrap_or_else(|e| panic!("test source does not parse: {e}\n{src}"));
    check_item(&item, &Config::default())
}
