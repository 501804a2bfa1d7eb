//! The indexed catalog, built once per distinct configuration and shared.
//!
//! Building a [`Matcher`] copies the built-in catalog, filters it by category and
//! exemption, and indexes it. The attribute checks hundreds of items per crate with the
//! same configuration, in one process (rustc's proc-macro server is reused across a
//! crate's expansions), and the CLI checks every file of a workspace with one: building
//! it per check made the catalog, not the item, the main cost of a small item's check.

use std::sync::{Arc, Mutex, OnceLock};

use crate::config::{Config, ExtraEntry};
use crate::matcher::Matcher;
use crate::Category;

/// How many distinct configurations are kept. A crate has one project configuration,
/// plus one per distinct set of attribute options; the oldest entry goes first.
const CAPACITY: usize = 16;

/// The cached matchers, oldest first.
type Entries = Vec<(Key, Arc<Matcher>)>;

/// The parts of a [`Config`] the matcher is built from (not `allow` or `offload`, which
/// the visitor reads from the configuration itself): the cache key.
#[derive(PartialEq, Eq, Hash)]
struct Key {
    extra: Vec<ExtraEntry>,
    exempt: Vec<String>,
    enable: Vec<Category>,
    disable: Vec<Category>,
}

impl Key {
    /// Compares without building a key (the attribute looks up once per item).
    fn matches(&self, config: &Config) -> bool {
        let Key {
            extra,
            exempt,
            enable,
            disable,
        } = self;
        *extra == config.extra
            && *exempt == config.exempt
            && *enable == config.enable
            && *disable == config.disable
    }

    fn of(config: &Config) -> Key {
        // Destructured without `..`: a field added to `Config` does not compile until it
        // is either part of the key or named here as not read by the matcher.
        let Config {
            extra,
            exempt,
            enable,
            disable,
            allow: _,
            offload: _,
        } = config;
        Key {
            extra: extra.clone(),
            exempt: exempt.clone(),
            enable: enable.clone(),
            disable: disable.clone(),
        }
    }
}

/// The matcher for `config`: built on first use, then shared by every check with an equal
/// configuration.
pub(crate) fn matcher_for(config: &Config) -> Arc<Matcher> {
    static CACHE: OnceLock<Mutex<Entries>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    {
        // Entries are inserted whole, so a panic elsewhere cannot leave one half-built.
        let cached = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, matcher)) = cached.iter().find(|(key, _)| key.matches(config)) {
            return Arc::clone(matcher);
        }
    }
    // Built outside the lock: two threads may both build it, and both results are right.
    let matcher = Arc::new(Matcher::new(config.catalog(), config.exempt.clone()));
    let mut cached = cache.lock().unwrap_or_else(|p| p.into_inner());
    if !cached.iter().any(|(key, _)| key.matches(config)) {
        if cached.len() == CAPACITY {
            cached.remove(0);
        }
        cached.push((Key::of(config), Arc::clone(&matcher)));
    }
    matcher
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_configurations_share_one_matcher() {
        let config = Config {
            exempt: vec!["cache::test::only".into()],
            ..Config::default()
        };
        let first = matcher_for(&config);
        let second = matcher_for(&config.clone());
        assert!(Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn different_configurations_get_their_own_matcher() {
        let sleep: Vec<String> = ["std", "thread", "sleep"].map(String::from).to_vec();
        let exempting = Config {
            exempt: vec!["std::thread::sleep".into()],
            ..Config::default()
        };
        let plain = Config::default();
        let a = matcher_for(&exempting);
        let b = matcher_for(&plain);
        assert!(!Arc::ptr_eq(&a, &b));
        assert!(a.exact(&sleep).is_none());
        assert!(b.exact(&sleep).is_some());
    }

    #[test]
    fn fields_the_matcher_ignores_do_not_split_the_cache() {
        let base = Config {
            exempt: vec!["cache::test::offload".into()],
            ..Config::default()
        };
        let with_offload = Config {
            offload: vec!["run_elsewhere".into()],
            ..base.clone()
        };
        assert!(Arc::ptr_eq(
            &matcher_for(&base),
            &matcher_for(&with_offload)
        ));
    }
}
