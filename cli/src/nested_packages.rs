//! The packages and workspaces nested in a directory that has no Cargo.toml of its own
//! (a repository whose workspace lives in `rust/`, a folder of example crates).
//!
//! The walk honours `.gitignore` and `--exclude`, skips `target/` and hidden
//! directories, and stops at the first Cargo.toml on each branch: what lies below it
//! is that manifest's to describe (its members), as cargo would have it.

use std::path::{Path, PathBuf};

use crate::walk::Filter;

/// The topmost directories under `dir` (not `dir` itself) that hold a Cargo.toml, sorted.
pub(crate) fn manifest_dirs(dir: &Path, filter: &Filter<'_>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| {
            // Nothing below `target/`, nor below a directory that has its own manifest.
            entry.depth() == 0
                || (entry.file_name() != "target"
                    && (entry.depth() == 1
                        || !entry
                            .path()
                            .parent()
                            .is_some_and(|p| p.join("Cargo.toml").is_file())))
        })
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        if entry.depth() > 0
            && entry.file_type().is_some_and(|t| t.is_dir())
            && !filter.is_excluded(path)
            && path.join("Cargo.toml").is_file()
        {
            found.push(path.to_path_buf());
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_topmost_manifests_only() {
        let dir = std::env::temp_dir().join(format!("blockwatch-nested-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["rust/crates/a", "tools/x", "target/debug/y", "docs"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        for m in ["rust", "rust/crates/a", "tools/x", "target/debug/y"] {
            std::fs::write(dir.join(m).join("Cargo.toml"), "[package]\n").unwrap();
        }
        let exclude = globset::GlobSet::empty();
        let filter = Filter {
            root: &dir,
            exclude: &exclude,
            skip_tests_dir: false,
        };
        assert_eq!(
            manifest_dirs(&dir, &filter),
            vec![dir.join("rust"), dir.join("tools/x")]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
