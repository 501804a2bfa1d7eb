//! The indexed catalog, built once per distinct [`CatalogConfig`] and shared.
//!
//! Building a [`Matcher`] copies the built-in catalog, filters it by category and
//! exemption, and indexes it. The attribute checks hundreds of items per crate with the
//! same configuration, in one process (rustc's proc-macro server is reused across a
//! crate's expansions), and the CLI checks every file of a workspace with one: building
//! it per check made the catalog, not the item, the main cost of a small item's check.
//!
//! The key is the whole catalog configuration, compared by its derived `Eq`: a setting
//! added to [`CatalogConfig`] is part of the key without anything written here.

use std::sync::{Arc, Mutex, OnceLock};

use crate::config::CatalogConfig;
use crate::matcher::Matcher;

/// How many distinct configurations are kept. A crate has one project configuration,
/// plus one per distinct set of attribute options; the oldest entry goes first.
const CAPACITY: usize = 16;

/// The cached matchers, oldest first.
type Entries = Vec<(CatalogConfig, Arc<Matcher>)>;

/// The matcher for `config`: built on first use, then shared by every check with an equal
/// configuration.
pub(crate) fn matcher_for(config: &CatalogConfig) -> Arc<Matcher> {
    static CACHE: OnceLock<Mutex<Entries>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    {
        // Entries are inserted whole, so a panic elsewhere cannot leave one half-built.
        let cached = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, matcher)) = cached.iter().find(|(key, _)| key == config) {
            return Arc::clone(matcher);
        }
    }
    // Built outside the lock: two threads may both build it, and both results are right.
    let matcher = Arc::new(Matcher::new(config.to_catalog(), config.exempt.clone()));
    let mut cached = cache.lock().unwrap_or_else(|p| p.into_inner());
    if !cached.iter().any(|(key, _)| key == config) {
        if cached.len() == CAPACITY {
            cached.remove(0);
        }
        cached.push((config.clone(), Arc::clone(&matcher)));
    }
    matcher
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, ExtraEntry};

    #[test]
    fn equal_configurations_share_one_matcher() {
        let config = CatalogConfig {
            exempt: vec!["cache::test::only".into()],
            ..CatalogConfig::default()
        };
        let first = matcher_for(&config);
        let second = matcher_for(&config.clone());
        assert!(Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn different_configurations_get_their_own_matcher() {
        let sleep: Vec<String> = ["std", "thread", "sleep"].map(String::from).to_vec();
        let exempting = CatalogConfig {
            exempt: vec!["std::thread::sleep".into()],
            ..CatalogConfig::default()
        };
        let plain = CatalogConfig::default();
        let a = matcher_for(&exempting);
        let b = matcher_for(&plain);
        assert!(!Arc::ptr_eq(&a, &b));
        assert!(a.exact(&sleep).is_none());
        assert!(b.exact(&sleep).is_some());
    }

    /// One configuration per field of [`CatalogConfig`], each differing from the default
    /// in that field only. Destructured without `..`: a field added to the type does not
    /// compile here until it has a case.
    fn one_field_changed() -> Vec<(&'static str, CatalogConfig)> {
        let base = CatalogConfig::default();
        let CatalogConfig {
            extra: _,
            exempt: _,
            enable: _,
            disable: _,
            offload: _,
        } = &base;
        vec![
            (
                "extra",
                CatalogConfig {
                    extra: vec![ExtraEntry {
                        path: "cache_key::db::query_sync".into(),
                        replacement: "query(..).await".into(),
                        why: None,
                    }],
                    ..base.clone()
                },
            ),
            (
                "exempt",
                CatalogConfig {
                    exempt: vec!["std::fs::read".into()],
                    ..base.clone()
                },
            ),
            (
                "enable",
                CatalogConfig {
                    enable: vec![Category::Lock],
                    ..base.clone()
                },
            ),
            (
                "disable",
                CatalogConfig {
                    disable: vec![Category::Sleep],
                    ..base.clone()
                },
            ),
            (
                "offload",
                CatalogConfig {
                    offload: vec!["cache_key::run_elsewhere".into()],
                    ..base.clone()
                },
            ),
        ]
    }

    /// A catalog-relevant field left out of the key would hand one configuration the
    /// matcher built for another that differs only in that field.
    #[test]
    fn every_catalog_field_is_part_of_the_key() {
        let base = matcher_for(&CatalogConfig::default());
        let mut seen = vec![Arc::clone(&base)];
        for (field, config) in one_field_changed() {
            let matcher = matcher_for(&config);
            assert!(
                seen.iter().all(|m| !Arc::ptr_eq(m, &matcher)),
                "a configuration differing only in `{field}` got another one's matcher"
            );
            assert!(Arc::ptr_eq(&matcher, &matcher_for(&config.clone())));
            seen.push(matcher);
        }
    }
}
