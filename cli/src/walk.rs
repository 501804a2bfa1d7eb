//! Finding the `.rs` files of a directory: gitignore-aware, without `target/`,
//! without nested packages (directories with their own Cargo.toml, scanned as
//! packages of their own when they are workspace members), and without `--exclude`d paths.

use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::diagnostic::InputError;

/// What to leave out of a walk.
pub(crate) struct Filter<'a> {
    /// The scanned root; `--exclude` globs match paths relative to it.
    pub(crate) root: &'a Path,
    /// The `--exclude` globs.
    pub(crate) exclude: &'a GlobSet,
    /// Skip `tests/` directories directly under the walked directory.
    pub(crate) skip_tests_dir: bool,
}

impl Filter<'_> {
    /// Whether `path` matches an `--exclude` glob.
    pub(crate) fn is_excluded(&self, path: &Path) -> bool {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        self.exclude.is_match(rel)
    }
}

/// Path relative to `root` with `/` separators, or the path as it is when outside `root`.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => path.to_string_lossy().into_owned(),
    }
}

/// The `.rs` files under `dir`, sorted, and the errors met on the way.
pub(crate) fn rust_files(dir: &Path, filter: &Filter<'_>) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let top = dir.to_path_buf();
    let skip_tests = filter.skip_tests_dir;
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(true)
        .require_git(false)
        .filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || path.join("Cargo.toml").is_file() {
                return false;
            }
            !(skip_tests && name == "tests" && path.parent() == Some(top.as_path()))
        })
        .build();
    for result in walker {
        match result {
            Ok(entry) => {
                let path = entry.path();
                if filter.is_excluded(path) {
                    continue;
                }
                let is_rs = path.extension().is_some_and(|e| e == "rs");
                // Symlinks that cannot be followed have no file type: keep them so the
                // read reports why.
                let is_file = entry.file_type().is_none_or(|t| !t.is_dir());
                if is_rs && is_file && entry.depth() > 0 {
                    files.push(path.to_path_buf());
                }
            }
            Err(err) => errors.push(walk_error(filter.root, &err)),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk_error(root: &Path, err: &ignore::Error) -> InputError {
    let mut path = None;
    let mut current = err;
    let message = loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            ignore::Error::Loop { ancestor, child } => {
                path.get_or_insert_with(|| child.clone());
                break format!(
                    "symbolic link loop: {} points back to {}",
                    display_path(root, child),
                    display_path(root, ancestor)
                );
            }
            ignore::Error::Io(io) => {
                // walkdir's errors carry their path inside the io::Error's text; take the
                // path from there and keep only the OS's reason.
                if let Some(p) = io_error_path(io) {
                    path.get_or_insert(p);
                }
                break describe_io(path.as_deref(), io);
            }
            other => break other.to_string(),
        }
    };
    let shown = path
        .map(|p| display_path(root, &p))
        .unwrap_or_else(|| display_path(root, root));
    InputError::new(shown, message)
}

fn io_error_path(io: &std::io::Error) -> Option<PathBuf> {
    let text = io.to_string();
    let rest = text.strip_prefix("IO error for operation on ")?;
    let (path, _) = rest.rsplit_once(": ")?;
    Some(PathBuf::from(path))
}

/// A reason for an I/O error on `path`, naming symbolic-link trouble as such.
pub(crate) fn describe_io(path: Option<&Path>, io: &std::io::Error) -> String {
    let is_symlink = path
        .and_then(|p| std::fs::symlink_metadata(p).ok())
        .is_some_and(|m| m.file_type().is_symlink());
    let reason = match io.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => {
            let text = io.to_string();
            match text.strip_prefix("IO error for operation on ") {
                Some(rest) => rest
                    .rsplit_once(": ")
                    .map_or(text.clone(), |(_, r)| r.to_string()),
                None => text,
            }
        }
    };
    if is_symlink && io.kind() == std::io::ErrorKind::NotFound {
        format!("broken symbolic link: {reason}")
    } else if is_symlink && reason.contains("symbolic links") {
        format!("symbolic link loop: {reason}")
    } else {
        reason
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_rs_files_respecting_gitignore_target_nested_packages_and_excludes() {
        let dir = std::env::temp_dir().join(format!("blockwatch-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for f in [
            "src/lib.rs",
            "src/a/b.rs",
            "src/notes.txt",
            "target/debug/gen.rs",
            "generated/out.rs",
            "nested/Cargo.toml",
            "nested/src/lib.rs",
            "benches/big.rs",
            "tests/it.rs",
        ] {
            let p = dir.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "").unwrap();
        }
        fs::write(dir.join(".gitignore"), "generated/\n").unwrap();
        let exclude = {
            let mut b = globset::GlobSetBuilder::new();
            b.add(globset::Glob::new("benches/**").unwrap());
            b.build().unwrap()
        };
        let filter = Filter {
            root: &dir,
            exclude: &exclude,
            skip_tests_dir: true,
        };
        let (files, errors) = rust_files(&dir, &filter);
        assert!(errors.is_empty(), "{errors:?}");
        let rel: Vec<String> = files.iter().map(|f| display_path(&dir, f)).collect();
        assert_eq!(rel, ["src/a/b.rs", "src/lib.rs"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
