//! Project configuration shared by the attribute and the CLI.

use std::fmt;
use std::path::{Path, PathBuf};

use std::borrow::Cow;

use crate::matcher::Matcher;
use crate::{Catalog, Category, Entry, PathPattern, Pattern};

mod discover;
mod toml_reader;

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
    /// The project's own offloading fns (e.g. `my_crate::blocking::run`, or a bare
    /// name): closures passed to them run off the executor, as with `spawn_blocking`.
    /// Matched by the last path segment. Wrappers defined in the checked file itself are
    /// recognised without configuration, and in a workspace scan so are those of the
    /// other files and crates (and of dependencies).
    pub offload: Vec<String>,
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
    /// assert_eq!(c.extra[0].path, "my_crate::db::query_sync");
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

    /// Merges `other` into `self` (lists are appended).
    ///
    /// Lists are appended; a category enabled (disabled) by `other` is taken off the
    /// disabled (enabled) list, so the later configuration wins.
    ///
    /// ```
    /// use blockwatch_lint::{Category, Config};
    /// let mut c = Config { disable: vec![Category::Fs], ..Config::default() };
    /// c.merge(Config { enable: vec![Category::Fs], ..Config::default() });
    /// assert!(c.is_category_enabled(Category::Fs));
    /// ```
    pub fn merge(&mut self, other: Config) {
        self.extra.extend(other.extra);
        self.exempt.extend(other.exempt);
        for c in other.enable {
            self.disable.retain(|d| *d != c);
            if !self.enable.contains(&c) {
                self.enable.push(c);
            }
        }
        for c in other.disable {
            self.enable.retain(|d| *d != c);
            if !self.disable.contains(&c) {
                self.disable.push(c);
            }
        }
        self.allow.extend(other.allow);
        self.offload.extend(other.offload);
    }

    /// Whether category `c` is checked: switched on by default or by `enable`, and not
    /// switched off by `disable`.
    pub fn is_category_enabled(&self, c: Category) -> bool {
        if self.disable.contains(&c) {
            return false;
        }
        c.enabled_by_default() || self.enable.contains(&c)
    }

    /// The catalog in force: built-in + extra, minus disabled categories and exempt paths.
    ///
    /// ```
    /// use blockwatch_lint::{Category, Config};
    /// let all = Config::default().catalog().entries().len();
    /// let c = Config { disable: vec![Category::Fs], exempt: vec!["std::thread::sleep".into()], ..Config::default() };
    /// let cat = c.catalog();
    /// assert!(cat.entries().len() < all);
    /// assert!(cat.entries().iter().all(|e| e.category != Category::Fs && e.key() != "std::thread::sleep"));
    /// ```
    pub fn catalog(&self) -> Catalog {
        let mut entries: Vec<Entry> = Catalog::builtin()
            .entries()
            .iter()
            .filter(|e| self.is_category_enabled(e.category) && !self.exempts(e.key()))
            .cloned()
            .collect();
        if self.is_category_enabled(Category::User) {
            entries.extend(self.extra.iter().map(|x| {
                let pattern = if PathPattern::new(&x.path).is_prefix() {
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
                    returns_unit: false,
                }
            }));
        }
        Catalog::from_entries(entries)
    }

    /// Whether `path` is exempt: the exempt path or anything below it (the matcher's
    /// rule too, so the catalog in force never lists an API the matcher would exempt).
    fn exempts(&self, path: &str) -> bool {
        self.exempt.iter().any(|e| PathPattern::new(e).covers(path))
    }

    /// The indexed catalog in force, shared by every check with an equal configuration.
    pub(crate) fn matcher(&self) -> std::sync::Arc<Matcher> {
        crate::matcher_cache::matcher_for(self)
    }
}
