//! The part of the configuration that decides what the engine reports in a file: the
//! catalog in force (built-in entries, `extra`, minus `exempt` and disabled categories)
//! and the project's own offloaders. One hashable value, so that whatever is computed
//! from it (the indexed catalog, a dependency's summaries) can be cached under it.

use std::borrow::Cow;

use crate::{Catalog, Category, Entry, PathPattern, Pattern};

use super::ExtraEntry;

/// The catalog-relevant configuration: every setting that changes what the engine finds
/// in a file, and nothing else (the `allow` list only filters findings afterwards).
///
/// Equal values give equal findings on equal code; it is the key of the engine's
/// matcher cache and part of the key of the dependency summary cache.
///
/// ```
/// use blockwatch_lint::{CatalogConfig, Category};
/// let mut c = CatalogConfig { disable: vec![Category::Fs], ..CatalogConfig::default() };
/// c.merge(CatalogConfig { enable: vec![Category::Fs, Category::Lock], ..CatalogConfig::default() });
/// assert!(c.is_category_enabled(Category::Fs));
/// assert!(c.is_category_enabled(Category::Lock));
/// assert!(!CatalogConfig::default().is_category_enabled(Category::Lock));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CatalogConfig {
    /// User blocking fns / path prefixes with their replacement.
    pub extra: Vec<ExtraEntry>,
    /// Paths or prefixes (ending `::`) never reported.
    pub exempt: Vec<String>,
    /// Opt-in categories switched on.
    pub enable: Vec<Category>,
    /// Categories switched off.
    pub disable: Vec<Category>,
    /// The project's own offloading fns (e.g. `my_crate::blocking::run`, or a bare
    /// name): closures passed to them run off the executor, as with `spawn_blocking`.
    /// Matched by the last path segment. Wrappers defined in the checked file itself are
    /// recognised without configuration.
    pub offload: Vec<String>,
}

impl CatalogConfig {
    /// Merges `other` into `self`, the one place categories are combined: lists are
    /// appended, and a category enabled (disabled) by `other` is taken off the disabled
    /// (enabled) list, so the later configuration wins.
    ///
    /// ```
    /// use blockwatch_lint::{CatalogConfig, Category};
    /// let mut c = CatalogConfig { enable: vec![Category::Lock], ..CatalogConfig::default() };
    /// c.merge(CatalogConfig { disable: vec![Category::Lock], ..CatalogConfig::default() });
    /// assert_eq!((c.enable.len(), c.disable.as_slice()), (0, [Category::Lock].as_slice()));
    /// ```
    pub fn merge(&mut self, other: CatalogConfig) {
        let CatalogConfig {
            extra,
            exempt,
            enable,
            disable,
            offload,
        } = other;
        self.extra.extend(extra);
        self.exempt.extend(exempt);
        for c in enable {
            self.disable.retain(|d| *d != c);
            if !self.enable.contains(&c) {
                self.enable.push(c);
            }
        }
        for c in disable {
            self.enable.retain(|d| *d != c);
            if !self.disable.contains(&c) {
                self.disable.push(c);
            }
        }
        self.offload.extend(offload);
    }

    /// Whether category `c` is checked: switched on by default or by `enable`, and not
    /// switched off by `disable`.
    pub fn is_category_enabled(&self, c: Category) -> bool {
        if self.disable.contains(&c) {
            return false;
        }
        c.enabled_by_default() || self.enable.contains(&c)
    }

    /// Whether `path` is exempt: the exempt path or anything below it (the matcher's
    /// rule too, so the catalog in force never lists an API the matcher would exempt).
    ///
    /// ```
    /// let c = blockwatch_lint::CatalogConfig { exempt: vec!["std::fs::".into()], ..Default::default() };
    /// assert!(c.exempts("std::fs::read"));
    /// assert!(!c.exempts("std::thread::sleep"));
    /// ```
    pub fn exempts(&self, path: &str) -> bool {
        self.exempt.iter().any(|e| PathPattern::new(e).covers(path))
    }

    /// The catalog in force: built-in + extra, minus disabled categories and exempt paths.
    ///
    /// ```
    /// use blockwatch_lint::{CatalogConfig, Category};
    /// let all = CatalogConfig::default().to_catalog().entries().len();
    /// let c = CatalogConfig { disable: vec![Category::Fs], exempt: vec!["std::thread::sleep".into()], ..Default::default() };
    /// let cat = c.to_catalog();
    /// assert!(cat.entries().len() < all);
    /// assert!(cat.entries().iter().all(|e| e.category != Category::Fs && e.key() != "std::thread::sleep"));
    /// ```
    pub fn to_catalog(&self) -> Catalog {
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
}
