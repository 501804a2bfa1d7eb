//! A scan that finds nothing to scan is an error, never a pass: an empty directory, a
//! directory of other files, or excludes that leave nothing would otherwise report
//! "0 findings" and exit 0, and a CI gate pointed at the wrong path would stay green.

use std::path::{Path, PathBuf};

/// Why scanning `paths` (the current directory when empty) found no Rust file.
pub(crate) fn explain(paths: &[PathBuf], excludes: bool) -> String {
    let cwd = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &cwd[..] } else { paths };
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let why = match paths {
        [one] if is_empty_dir(one) => "the directory is empty".to_string(),
        _ if excludes => {
            "no `.rs` file outside `target/`, git-ignored paths and the --exclude globs"
                .to_string()
        }
        _ => "no `.rs` file outside `target/` and git-ignored paths, and no Cargo.toml in it or below it"
            .to_string(),
    };
    format!("no Rust file to scan in {}: {why}", shown.join(", "))
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}
