//! How the catalog and the configuration name APIs: a path (`std::thread::sleep`), or a
//! prefix ending in `::` (`reqwest::blocking::`) for everything below it. The one place
//! that rule is written; catalog prefixes, `extra`, `exempt`, `offload`, `allow` and
//! receiver lists all read it.

/// A path, or a prefix when it ends in `::`.
///
/// ```
/// use blockwatch_lint::PathPattern;
/// let prefix = PathPattern::new("reqwest::blocking::");
/// assert!(prefix.is_prefix());
/// assert!(prefix.matches("reqwest::blocking::get"));
/// let path = PathPattern::new("std::process::Command");
/// assert!(!path.matches("std::process::Command::new"));
/// assert!(path.covers("std::process::Command::new"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PathPattern<'a> {
    text: &'a str,
}

impl<'a> PathPattern<'a> {
    /// The pattern written as `text`.
    pub fn new(text: &'a str) -> Self {
        PathPattern { text }
    }

    /// Whether it is a prefix (ends in `::`).
    pub fn is_prefix(&self) -> bool {
        self.text.ends_with("::")
    }

    /// The path it names, without a prefix's trailing `::`.
    ///
    /// ```
    /// assert_eq!(blockwatch_lint::PathPattern::new("ureq::").base(), "ureq");
    /// ```
    pub fn base(&self) -> &'a str {
        self.text.strip_suffix("::").unwrap_or(self.text)
    }

    /// Whether `path` is the named path, or lies below a prefix.
    pub fn matches(&self, path: &str) -> bool {
        if self.is_prefix() {
            path.starts_with(self.text) && path.len() > self.text.len()
        } else {
            path == self.text
        }
    }

    /// Whether `path` is the named path or anything below it (`std::fs::File` covers
    /// `std::fs::File::open`), for a prefix as for a path.
    pub fn covers(&self, path: &str) -> bool {
        let base = self.base();
        path == base || (path.starts_with(base) && path[base.len()..].starts_with("::"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_prefixes() {
        let path = PathPattern::new("std::fs::File");
        assert!(path.matches("std::fs::File") && !path.matches("std::fs::File::open"));
        assert!(path.covers("std::fs::File::open") && !path.covers("std::fs::FileType"));
        let prefix = PathPattern::new("crossbeam_channel::");
        assert!(prefix.matches("crossbeam_channel::bounded"));
        assert!(!prefix.matches("crossbeam_channel::") && !prefix.matches("crossbeam_channels::x"));
        assert!(
            prefix.covers("crossbeam_channel::bounded") && !prefix.covers("crossbeam_channels")
        );
    }
}

#[cfg(test)]
mod exemption_tests {
    use crate::{Catalog, CatalogConfig};

    /// The catalog in force and the matcher once read `exempt` differently: the catalog
    /// kept `std::fs::File::open` for `exempt = ["std::fs::File"]`, the matcher did not.
    #[test]
    fn exempting_a_type_removes_its_entries_from_the_catalog_in_force() {
        let config = CatalogConfig {
            exempt: vec!["std::fs::File".into()],
            ..CatalogConfig::default()
        };
        let open = |c: &Catalog| c.entries().iter().any(|e| e.key() == "std::fs::File::open");
        assert!(open(&Catalog::builtin()));
        assert!(!open(&config.to_catalog()));
        assert!(config
            .to_catalog()
            .entries()
            .iter()
            .any(|e| e.key() == "std::fs::read"));
    }
}
