//! Project configuration shared by the attribute and the CLI.

use std::fmt;
use std::path::{Path, PathBuf};

use std::borrow::Cow;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

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
    /// The project's own offloading fns (e.g. `my_crate::blocking::run`, or a bare
    /// name): closures passed to them run off the executor, as with `spawn_blocking`.
    /// Matched by the last path segment. Wrappers defined in the checked file itself are
    /// recognised without configuration.
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
        let mut found = Discovered::default();
        let own_manifest = dir.join("Cargo.toml");
        let mut own_is_workspace = false;
        let own_text = read_optional(&own_manifest)?;
        if let Some(text) = &own_text {
            found.files.push(own_manifest.clone());
            own_is_workspace = has_workspace_table(text, &own_manifest)?;
        }
        if !own_is_workspace {
            let mut parent = dir.parent();
            while let Some(p) = parent {
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
                .is_none_or(|p| p == resolved || (p.ends_with("::") && resolved.starts_with(p)));
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

/// The keys a configuration table accepts.
const KEYS: &[&str] = &[
    "extra",
    "exempt",
    "enable",
    "disable",
    "allow",
    "offload",
    "categories",
];

fn is_cargo_toml(origin: &Path) -> bool {
    origin.file_name().is_some_and(|n| n == "Cargo.toml")
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
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

/// A `Cargo.toml`: the `[workspace.metadata.blockwatch]` and/or
/// `[package.metadata.blockwatch]` tables, merged (package last).
fn parse_cargo(
    text: &str,
    file: &Path,
    workspace: bool,
    package: bool,
) -> Result<Config, ConfigError> {
    let doc = Doc { text, file };
    let root = doc.parse()?;
    let mut config = Config::default();
    for (section, wanted) in [("workspace", workspace), ("package", package)] {
        if !wanted {
            continue;
        }
        let table = lookup(root.get_ref(), section)
            .and_then(|v| v.get_ref().as_table())
            .and_then(|t| lookup(t, "metadata"))
            .and_then(|v| v.get_ref().as_table())
            .and_then(|t| lookup(t, "blockwatch"));
        if let Some(value) = table {
            let prefix = format!("{section}.metadata.blockwatch.");
            let Some(t) = value.get_ref().as_table() else {
                return Err(doc.error(
                    value.span(),
                    Some(prefix.trim_end_matches('.')),
                    "expected a table".into(),
                ));
            };
            config.merge(doc.config_table(t, &prefix)?);
        }
    }
    Ok(config)
}

fn lookup<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

/// One configuration text being read, for errors with file and line.
struct Doc<'a> {
    text: &'a str,
    file: &'a Path,
}

impl<'a> Doc<'a> {
    fn parse(&self) -> Result<Spanned<DeTable<'a>>, ConfigError> {
        DeTable::parse(self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            self.error(span, None, format!("invalid TOML: {}", e.message().trim()))
        })
    }

    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn error(
        &self,
        span: std::ops::Range<usize>,
        key: Option<&str>,
        message: String,
    ) -> ConfigError {
        ConfigError {
            file: self.file.to_path_buf(),
            line: Some(self.line_of(span.start)),
            key: key.map(String::from),
            message,
        }
    }

    fn config(&self, root: &Spanned<DeTable<'a>>, prefix: &str) -> Result<Config, ConfigError> {
        self.config_table(root.get_ref(), prefix)
    }

    fn config_table(&self, table: &DeTable<'a>, prefix: &str) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let full = format!("{prefix}{name}");
            match name {
                "extra" => config.extra = self.extra(value, &full)?,
                "exempt" => {
                    for (i, item) in self.array(value, &full)?.iter().enumerate() {
                        let path = self.string(item, &format!("{full}[{i}]"))?;
                        self.check_path(&path, item.span(), &format!("{full}[{i}]"))?;
                        config.exempt.push(path);
                    }
                }
                "offload" => {
                    for (i, item) in self.array(value, &full)?.iter().enumerate() {
                        let path = self.string(item, &format!("{full}[{i}]"))?;
                        if path.ends_with("::") {
                            return Err(self.error(
                                item.span(),
                                Some(&format!("{full}[{i}]")),
                                format!("`{path}` is a prefix; `offload` takes fn paths or names"),
                            ));
                        }
                        self.check_path(&path, item.span(), &format!("{full}[{i}]"))?;
                        config.offload.push(path);
                    }
                }
                "enable" => config.enable = self.categories(value, &full)?,
                "disable" => config.disable = self.categories(value, &full)?,
                "allow" => config.allow = self.allow(value, &full)?,
                "categories" => {
                    let Some(t) = value.get_ref().as_table() else {
                        return Err(self.error(
                            value.span(),
                            Some(&full),
                            "expected a table with `enable` and/or `disable`".into(),
                        ));
                    };
                    for (k, v) in t.iter() {
                        let sub = format!("{full}.{}", k.get_ref());
                        match k.get_ref().as_ref() {
                            "enable" => config.enable.extend(self.categories(v, &sub)?),
                            "disable" => config.disable.extend(self.categories(v, &sub)?),
                            other => {
                                return Err(self.error(
                                    k.span(),
                                    Some(&sub),
                                    format!(
                                        "unknown key `{other}`; expected one of: enable, disable"
                                    ),
                                ))
                            }
                        }
                    }
                }
                other => {
                    return Err(self.error(
                        key.span(),
                        Some(&full),
                        format!(
                            "unknown key `{other}`; expected one of: {}",
                            KEYS.join(", ")
                        ),
                    ))
                }
            }
        }
        Ok(config)
    }

    fn array<'v>(
        &self,
        value: &'v Spanned<DeValue<'a>>,
        key: &str,
    ) -> Result<&'v [Spanned<DeValue<'a>>], ConfigError> {
        match value.get_ref() {
            DeValue::Array(a) => Ok(a.as_ref()),
            other => Err(self.error(
                value.span(),
                Some(key),
                format!("expected an array, found {}", other.type_str()),
            )),
        }
    }

    fn string(&self, value: &Spanned<DeValue<'a>>, key: &str) -> Result<String, ConfigError> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.error(
                value.span(),
                Some(key),
                format!("expected a string, found {}", other.type_str()),
            )),
        }
    }

    fn table<'v>(
        &self,
        value: &'v Spanned<DeValue<'a>>,
        key: &str,
        fields: &[&str],
    ) -> Result<&'v DeTable<'a>, ConfigError> {
        let DeValue::Table(t) = value.get_ref() else {
            return Err(self.error(
                value.span(),
                Some(key),
                format!("expected a table, found {}", value.get_ref().type_str()),
            ));
        };
        for (k, _) in t.iter() {
            if !fields.contains(&k.get_ref().as_ref()) {
                return Err(self.error(
                    k.span(),
                    Some(&format!("{key}.{}", k.get_ref())),
                    format!(
                        "unknown key `{}`; expected one of: {}",
                        k.get_ref(),
                        fields.join(", ")
                    ),
                ));
            }
        }
        Ok(t)
    }

    fn field(
        &self,
        table: &DeTable<'a>,
        span: std::ops::Range<usize>,
        key: &str,
        name: &str,
        required: bool,
    ) -> Result<Option<String>, ConfigError> {
        match lookup(table, name) {
            Some(v) => {
                let s = self.string(v, &format!("{key}.{name}"))?;
                if s.trim().is_empty() {
                    return Err(self.error(
                        v.span(),
                        Some(&format!("{key}.{name}")),
                        "must not be empty".into(),
                    ));
                }
                Ok(Some(s))
            }
            None if required => Err(self.error(span, Some(key), format!("missing `{name}`"))),
            None => Ok(None),
        }
    }

    fn check_path(
        &self,
        path: &str,
        span: std::ops::Range<usize>,
        key: &str,
    ) -> Result<(), ConfigError> {
        let body = path.strip_suffix("::").unwrap_or(path);
        let ok = !body.is_empty()
            && body.split("::").all(|seg| {
                let mut chars = seg.chars();
                chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && chars.all(|c| c.is_alphanumeric() || c == '_')
            });
        if ok {
            Ok(())
        } else {
            Err(self.error(span, Some(key), format!("`{path}` is not a path such as `my_crate::db::query_sync` or a prefix such as `my_crate::db::`")))
        }
    }

    fn extra(
        &self,
        value: &Spanned<DeValue<'a>>,
        key: &str,
    ) -> Result<Vec<ExtraEntry>, ConfigError> {
        let mut out = Vec::new();
        for (i, item) in self.array(value, key)?.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let t = self.table(item, &k, &["path", "replacement", "why"])?;
            let path = self
                .field(t, item.span(), &k, "path", true)?
                .unwrap_or_default();
            self.check_path(&path, item.span(), &format!("{k}.path"))?;
            out.push(ExtraEntry {
                path,
                replacement: self
                    .field(t, item.span(), &k, "replacement", true)?
                    .unwrap_or_default(),
                why: self.field(t, item.span(), &k, "why", false)?,
            });
        }
        Ok(out)
    }

    fn allow(
        &self,
        value: &Spanned<DeValue<'a>>,
        key: &str,
    ) -> Result<Vec<AllowEntry>, ConfigError> {
        let mut out = Vec::new();
        for (i, item) in self.array(value, key)?.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let t = self.table(item, &k, &["file", "path", "reason"])?;
            let file = self
                .field(t, item.span(), &k, "file", true)?
                .unwrap_or_default();
            if let Err(e) = glob::Pattern::new(&file) {
                return Err(self.error(
                    item.span(),
                    Some(&format!("{k}.file")),
                    format!("invalid glob `{file}`: {e}"),
                ));
            }
            let path = self.field(t, item.span(), &k, "path", false)?;
            if let Some(p) = &path {
                self.check_path(p, item.span(), &format!("{k}.path"))?;
            }
            out.push(AllowEntry {
                file,
                path,
                reason: self
                    .field(t, item.span(), &k, "reason", true)?
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    fn categories(
        &self,
        value: &Spanned<DeValue<'a>>,
        key: &str,
    ) -> Result<Vec<Category>, ConfigError> {
        let mut out = Vec::new();
        for item in self.array(value, key)? {
            let name = self.string(item, key)?;
            let c = name
                .parse::<Category>()
                .map_err(|e| self.error(item.span(), Some(key), e.to_string()))?;
            out.push(c);
        }
        Ok(out)
    }
}
