//! Project configuration shared by the attribute and the CLI.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::matcher::Matcher;
use crate::{Category, PathPattern};

mod catalog_config;
mod discover;
mod toml_reader;

pub use catalog_config::CatalogConfig;

use toml_reader::{is_cargo_toml, parse_cargo, Doc};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

/// The blockwatch configuration: what the engine reports ([`CatalogConfig`]) and which
/// findings are accepted (`allow`).
///
/// ```
/// let c = blockwatch_lint::Config::default();
/// assert!(c.is_category_enabled(blockwatch_lint::Category::Fs));
/// assert!(!c.is_category_enabled(blockwatch_lint::Category::Lock));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Everything that changes what the engine finds: the catalog in force and the
    /// project's offloaders.
    pub catalog: CatalogConfig,
    /// Accepted findings: reported as allowed, after the analysis.
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
    /// Parses a `blockwatch.toml` body (top-level keys), or a `Cargo.toml`
    /// (`[workspace.metadata.blockwatch]` and `[package.metadata.blockwatch]`, merged),
    /// as told by the file name of `origin`, which also names the file in errors.
    ///
    /// ```
    /// use blockwatch_lint::{Category, Config};
    /// let c = Config::from_toml_str(r#"
    ///     enable = ["lock"]
    ///     extra = [{ path = "my_crate::db::query_sync", replacement = "my_crate::db::query(..).await" }]
    /// "#, "blockwatch.toml".as_ref()).unwrap();
    /// assert!(c.is_category_enabled(Category::Lock));
    /// assert_eq!(c.catalog.extra[0].path, "my_crate::db::query_sync");
    ///
    /// let c = Config::from_toml_str(r#"
    ///     [package]
    ///     name = "app"
    ///     [package.metadata.blockwatch]
    ///     disable = ["fs"]
    /// "#, "Cargo.toml".as_ref()).unwrap();
    /// assert!(!c.is_category_enabled(Category::Fs));
    /// ```
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        if is_cargo_toml(origin) {
            parse_cargo(text, origin, true, true)
        } else {
            let doc = Doc { text, file: origin };
            let root = doc.parse()?;
            doc.config(&root, "")
        }
    }

    /// Finds and merges the configuration that applies to the package in `dir`: the
    /// enclosing workspace root's `Cargo.toml` `[workspace.metadata.blockwatch]` (found
    /// by walking up to a `Cargo.toml` with `[workspace]`), then `dir/Cargo.toml`'s
    /// `[package.metadata.blockwatch]`, then `dir/blockwatch.toml`; later ones refine
    /// earlier ones. Missing files are fine; unreadable or invalid ones are errors.
    ///
    /// ```
    /// let d = blockwatch_lint::Config::discover(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    /// assert!(d.files.iter().any(|f| f.ends_with("lint/Cargo.toml")));
    /// ```
    pub fn discover(dir: &Path) -> Result<Discovered, ConfigError> {
        discover::discover(dir)
    }

    /// The accepted-finding entry that covers a finding of `resolved` in `file` (a path
    /// relative to the root, with `/` separators), if any.
    ///
    /// ```
    /// let mut c = blockwatch_lint::Config::default();
    /// c.allow.push(blockwatch_lint::AllowEntry {
    ///     file: "examples/**".into(),
    ///     path: Some("std::thread::sleep".into()),
    ///     reason: "the demo blocks on purpose".into(),
    /// });
    /// assert!(c.allows("examples/spinner.rs", "std::thread::sleep").is_some());
    /// assert!(c.allows("examples/spinner.rs", "std::fs::read").is_none());
    /// assert!(c.allows("src/main.rs", "std::thread::sleep").is_none());
    /// ```
    pub fn allows(&self, file: &str, resolved: &str) -> Option<&AllowEntry> {
        let opts = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        self.allow.iter().find(|a| {
            let path_ok = a
                .path
                .as_deref()
                .is_none_or(|p| PathPattern::new(p).matches(resolved));
            path_ok
                && glob::Pattern::new(&a.file)
                    .map(|g| g.matches_with(file, opts) || a.file == file)
                    .unwrap_or(false)
        })
    }

    /// Merges `other` into `self`: its catalog settings by [`CatalogConfig::merge`] (a
    /// category enabled or disabled later wins), its `allow` entries appended.
    ///
    /// ```
    /// use blockwatch_lint::{CatalogConfig, Category, Config};
    /// let mut c = Config::default();
    /// c.catalog.disable.push(Category::Fs);
    /// c.merge(Config {
    ///     catalog: CatalogConfig { enable: vec![Category::Fs], ..CatalogConfig::default() },
    ///     ..Config::default()
    /// });
    /// assert!(c.is_category_enabled(Category::Fs));
    /// ```
    pub fn merge(&mut self, other: Config) {
        let Config { catalog, allow } = other;
        self.catalog.merge(catalog);
        self.allow.extend(allow);
    }

    /// Whether category `c` is checked (see [`CatalogConfig::is_category_enabled`]).
    pub fn is_category_enabled(&self, c: Category) -> bool {
        self.catalog.is_category_enabled(c)
    }

    /// The indexed catalog in force, shared by every check with an equal configuration.
    pub(crate) fn matcher(&self) -> std::sync::Arc<Matcher> {
        crate::matcher_cache::matcher_for(&self.catalog)
    }
}
