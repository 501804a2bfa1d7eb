//! Finding the configuration files that apply to a package directory.

use std::path::{Component, Path, PathBuf};

use super::toml_reader::{parse_cargo, Doc};
use super::{Config, ConfigError, Discovered};

impl Config {
    /// [`Config::discover`] that reads no `Cargo.toml` above `ceiling`: the walk up from
    /// `dir` stops at `ceiling` (inclusive) even when no `[workspace]` was found, so a
    /// crate checked out under someone else's workspace (a scratch directory under
    /// `$TMPDIR`, a fixture inside another repository) picks up none of its settings.
    /// A `dir` outside `ceiling` reads only its own files. Paths are compared after
    /// making them absolute against the current directory and folding `.` and `..`
    /// (without following symbolic links).
    ///
    /// ```
    /// use std::path::Path;
    /// let lint = Path::new(env!("CARGO_MANIFEST_DIR"));
    /// let d = blockwatch_lint::Config::discover_within(lint, lint).unwrap();
    /// assert_eq!(d.files, [lint.join("Cargo.toml")]);
    /// ```
    ///
    /// # Errors
    /// As [`Config::discover`]: a file that exists but cannot be read or is invalid.
    pub fn discover_within(dir: &Path, ceiling: &Path) -> Result<Discovered, ConfigError> {
        discover_below(dir, Some(&lexical(&absolute(ceiling))))
    }
}

/// See [`Config::discover`].
pub(super) fn discover(dir: &Path) -> Result<Discovered, ConfigError> {
    discover_below(dir, None)
}

/// `path` made absolute against the current directory (kept as is if that is unknown).
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// `path` with `.` dropped and each `..` taking off the component before it.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Discovery from `dir`, walking up no higher than `ceiling` when one is given.
fn discover_below(dir: &Path, ceiling: Option<&Path>) -> Result<Discovered, ConfigError> {
    let mut found = Discovered::default();
    let own_manifest = dir.join("Cargo.toml");
    let mut own_is_workspace = false;
    let own_text = read_optional(&own_manifest)?;
    if let Some(text) = &own_text {
        found.files.push(own_manifest.clone());
        own_is_workspace = has_workspace_table(text, &own_manifest)?;
    }
    if !own_is_workspace {
        // Walk up from an absolute path, so a relative `dir` (".") still finds the
        // workspace root above the current directory.
        let absolute = absolute(dir);
        let mut parent = absolute.parent();
        while let Some(p) = parent {
            if ceiling.is_some_and(|c| !lexical(p).starts_with(c)) {
                break;
            }
            let manifest = p.join("Cargo.toml");
            if let Some(text) = read_optional(&manifest)? {
                found.files.push(manifest.clone());
                if has_workspace_table(&text, &manifest)? {
                    found
                        .config
                        .merge(parse_cargo(&text, &manifest, true, false)?);
                    break;
                }
            }
            parent = p.parent();
        }
    }
    if let Some(text) = &own_text {
        found
            .config
            .merge(parse_cargo(text, &own_manifest, own_is_workspace, true)?);
    }
    let own_toml = dir.join("blockwatch.toml");
    if let Some(text) = read_optional(&own_toml)? {
        found.files.push(own_toml.clone());
        found.config.merge(Config::from_toml_str(&text, &own_toml)?);
    }
    Ok(found)
}

pub(super) fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError {
            file: path.to_path_buf(),
            line: None,
            key: None,
            message: format!("cannot read: {e}"),
        }),
    }
}

fn has_workspace_table(text: &str, file: &Path) -> Result<bool, ConfigError> {
    let doc = Doc { text, file };
    let root = doc.parse()?;
    Ok(root
        .get_ref()
        .iter()
        .any(|(k, _)| k.get_ref() == "workspace"))
}
