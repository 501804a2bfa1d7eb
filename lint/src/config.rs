//! Project configuration shared by the attribute and the CLI.

use std::fmt;
use std::path::{Path, PathBuf};

use std::borrow::Cow;

use crate::matcher::Matcher;
use crate::{Catalog, Category, Entry, Pattern};

/// A user-declared blocking fn (or path prefix ending in `::`) with its replacement.
///
/// ```
/// let e = blockwatch_lint::ExtraEntry {
///     path: "my_crate::db::query_sync".into(),
///     replacement: "my_crate::db::query(..).await".into(),
///     why: None,
/// };
/// assert!(!e.path.ends_with("::"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraEntry {
    /// Fn path, or a prefix ending in `::`.
    pub path: String,
    /// The async replacement.
    pub replacement: String,
    /// Why it blocks.
    pub why: Option<String>,
}

/// An accepted finding: calls to `path` (or every call, when `None`) in files matching
/// the glob `file` are not reported.
///
/// ```
/// let a = blockwatch_lint::AllowEntry {
///     file: "examples/**".into(),
///     path: Some("std::thread::sleep".into()),
///     reason: "the demo blocks on purpose".into(),
/// };
/// assert_eq!(a.reason, "the demo blocks on purpose");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    /// Glob relative to the root, e.g. `examples/**`.
    pub file: String,
    /// The resolved API, e.g. `std::thread::sleep`.
    pub path: Option<String>,
    /// Why it is accepted.
    pub reason: String,
}

/// The blockwatch configuration.
///
/// ```
/// let c = blockwatch_lint::Config::default();
/// assert!(c.is_category_enabled(blockwatch_lint::Category::Fs));
/// assert!(!c.is_category_enabled(blockwatch_lint::Category::Lock));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// User blocking fns / path prefixes with their replacement.
    pub extra: Vec<ExtraEntry>,
    /// Paths or prefixes (ending `::`) never reported.
    pub exempt: Vec<String>,
    /// Opt-in categories switched on.
    pub enable: Vec<Category>,
    /// Categories switched off.
    pub disable: Vec<Category>,
    /// Accepted findings.
    pub allow: Vec<AllowEntry>,
}

/// The result of [`Config::discover`]: the merged configuration and every file read.
///
/// ```
/// let d = blockwatch_lint::Discovered::default();
/// assert!(d.files.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// The merged configuration.
    pub config: Config,
    /// Every file read.
    pub files: Vec<PathBuf>,
}

/// A configuration error: names the file, the line and key, and the problem.
///
/// ```
/// let err = blockwatch_lint::Config::from_toml_str("enable = [\"locks\"]", "blockwatch.toml".as_ref()).unwrap_err();
/// assert!(err.to_string().starts_with("blockwatch.toml:1: `enable`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The key, e.g. `enable` or `extra[0].path`, when known.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Parses a `blockwatch.toml` body, or a `Cargo.toml` (by the file name of `origin`).
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        let _ = (text, origin);
        Ok(Config::default())
    }

    /// Finds and merges the configuration for the package in `dir`.
    pub fn discover(dir: &Path) -> Result<Discovered, ConfigError> {
        let _ = dir;
        Ok(Discovered::default())
    }

    /// Merges `other` into `self` (lists are appended).
    pub fn merge(&mut self, other: Config) {
        self.extra.extend(other.extra);
        self.exempt.extend(other.exempt);
        self.enable.extend(other.enable);
        self.disable.extend(other.disable);
        self.allow.extend(other.allow);
    }

    /// Whether category `c` is checked.
    pub fn is_category_enabled(&self, c: Category) -> bool {
        if self.disable.contains(&c) {
            return false;
        }
        c.enabled_by_default() || self.enable.contains(&c)
    }

    /// The catalog in force: built-in + extra, minus disabled categories and exempt paths.
    pub fn catalog(&self) -> Catalog {
        let mut entries: Vec<Entry> = Catalog::builtin()
            .entries()
            .iter()
            .filter(|e| self.is_category_enabled(e.category) && !self.exempts(e.key()))
            .cloned()
            .collect();
        if self.is_category_enabled(Category::User) {
            entries.extend(self.extra.iter().map(|x| {
                let pattern = if x.path.ends_with("::") {
                    Pattern::Prefix(Cow::Owned(x.path.clone()))
                } else {
                    Pattern::Path(Cow::Owned(x.path.clone()))
                };
                Entry {
                    pattern,
                    category: Category::User,
                    why: Cow::Owned(x.why.clone().unwrap_or_else(|| {
                        "declared blocking in the blockwatch configuration".to_string()
                    })),
                    replacement: Cow::Owned(x.replacement.clone()),
                }
            }));
        }
        Catalog::from_entries(entries)
    }

    /// Whether `path` is exempt (an exact path, or below a prefix ending in `::`).
    fn exempts(&self, path: &str) -> bool {
        self.exempt.iter().any(|e| {
            if e.ends_with("::") {
                path.starts_with(e.as_str())
            } else {
                path == e
            }
        })
    }

    /// The indexed catalog in force.
    pub(crate) fn matcher(&self) -> Matcher {
        Matcher::new(self.catalog(), self.exempt.clone())
    }
}
