//! Reading configuration tables out of TOML, with file and line in every error.

use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{AllowEntry, Config, ConfigError, ExtraEntry};
use crate::Category;

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

pub(super) fn is_cargo_toml(origin: &Path) -> bool {
    origin.file_name().is_some_and(|n| n == "Cargo.toml")
}

/// A `Cargo.toml`: the `[workspace.metadata.blockwatch]` and/or
/// `[package.metadata.blockwatch]` tables, merged (package last).
pub(super) fn parse_cargo(
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
pub(super) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) file: &'a Path,
}

impl<'a> Doc<'a> {
    pub(super) fn parse(&self) -> Result<Spanned<DeTable<'a>>, ConfigError> {
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

    pub(super) fn config(
        &self,
        root: &Spanned<DeTable<'a>>,
        prefix: &str,
    ) -> Result<Config, ConfigError> {
        self.config_table(root.get_ref(), prefix)
    }

    fn config_table(&self, table: &DeTable<'a>, prefix: &str) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let full = format!("{prefix}{name}");
            match name {
                "extra" => config.catalog.extra = self.extra(value, &full)?,
                "exempt" => {
                    for (i, item) in self.array(value, &full)?.iter().enumerate() {
                        let path = self.string(item, &format!("{full}[{i}]"))?;
                        self.check_path(&path, item.span(), &format!("{full}[{i}]"))?;
                        config.catalog.exempt.push(path);
                    }
                }
                "offload" => {
                    for (i, item) in self.array(value, &full)?.iter().enumerate() {
                        let path = self.string(item, &format!("{full}[{i}]"))?;
                        if crate::PathPattern::new(&path).is_prefix() {
                            return Err(self.error(
                                item.span(),
                                Some(&format!("{full}[{i}]")),
                                format!("`{path}` is a prefix; `offload` takes fn paths or names"),
                            ));
                        }
                        self.check_path(&path, item.span(), &format!("{full}[{i}]"))?;
                        config.catalog.offload.push(path);
                    }
                }
                "enable" => config.catalog.enable = self.categories(value, &full)?,
                "disable" => config.catalog.disable = self.categories(value, &full)?,
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
                            "enable" => config.catalog.enable.extend(self.categories(v, &sub)?),
                            "disable" => config.catalog.disable.extend(self.categories(v, &sub)?),
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
