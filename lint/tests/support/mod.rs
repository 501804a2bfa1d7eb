//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use std::collections::HashMap;

use blockwatch_lint::{
    check_file, check_item, summarize_file, workspace_findings, Config, CrateFile, Finding,
};

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

/// Parses `src` as the one file (`src/lib.rs`) of a one-crate workspace and returns its
/// findings with the call graph's transitive ones, as `cargo blockwatch` reports them.
pub fn crate_findings(src: &str) -> Vec<Finding> {
    let file: syn::File =
        syn::parse_str(src).unwrap_or_else(|e| panic!("test source does not parse: {e}\n{src}"));
    let summary = summarize_file(&file, "src/lib.rs", &[], false, &Config::default());
    let placed = [CrateFile {
        unit: 0,
        summary: &summary,
    }];
    workspace_findings(&placed, &HashMap::new())
}

/// Asserts that `src` (a whole file) reports exactly the resolved APIs `expected`, in order.
pub fn assert_flags(src: &str, expected: &[&str]) {
    let got = flagged(src);
    assert_eq!(got, expected, "in:\n{src}");
}

/// Asserts that `src` (a whole file) reports nothing.
pub fn assert_clean(src: &str) {
    let got = flagged(src);
    assert!(got.is_empty(), "unexpected findings {got:?} in:\n{src}");
}

/// A file of a test workspace: (crate unit, path, module path, source).
pub type Src<'a> = (usize, &'a str, &'a [&'a str], &'a str);

/// The findings of the workspace of `files`, direct and transitive, as `cargo
/// blockwatch` reports them; `crates` names the library crates by unit.
pub fn workspace_of(files: &[Src<'_>], crates: &[(&str, usize)]) -> Vec<Finding> {
    let summaries: Vec<(usize, blockwatch_lint::FileSummary)> = files
        .iter()
        .map(|(unit, path, module, src)| {
            let file: syn::File = syn::parse_str(src)
                .unwrap_or_else(|e| panic!("test source does not parse: {e}\n{src}"));
            let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
            let summary = summarize_file(&file, path, &module, false, &Config::default());
            (*unit, summary)
        })
        .collect();
    let placed: Vec<CrateFile<'_>> = summaries
        .iter()
        .map(|(unit, summary)| CrateFile {
            unit: *unit,
            summary,
        })
        .collect();
    let crates: HashMap<String, usize> = crates.iter().map(|(n, u)| (n.to_string(), *u)).collect();
    workspace_findings(&placed, &crates)
}
