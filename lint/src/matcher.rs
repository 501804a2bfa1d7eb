//! Matching calls against the catalog in force, with indexes so that each call costs
//! a hash lookup, not a scan of the table.

use std::collections::HashMap;

use crate::catalog::{Catalog, Entry, Pattern, Receiver};
use crate::path_pattern::PathPattern;
use crate::resolve::Origin;
use crate::Certainty;

/// A catalog hit: the entry and how sure the match is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit<'c> {
    pub entry: &'c Entry,
    pub certainty: Certainty,
}

/// The catalog in force, indexed.
#[derive(Debug)]
pub(crate) struct Matcher {
    catalog: Catalog,
    /// Path entries by last segment.
    paths: HashMap<String, Vec<usize>>,
    /// Prefix entries.
    prefixes: Vec<usize>,
    /// Method entries by method name.
    methods: HashMap<String, Vec<usize>>,
    /// Paths and prefixes never reported.
    exempt: Vec<String>,
}

impl Matcher {
    pub fn new(catalog: Catalog, exempt: Vec<String>) -> Matcher {
        let mut paths: HashMap<String, Vec<usize>> = HashMap::new();
        let mut prefixes = Vec::new();
        let mut methods: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in catalog.entries().iter().enumerate() {
            match &e.pattern {
                Pattern::Path(p) => {
                    let last = p.rsplit("::").next().unwrap_or(p).to_string();
                    paths.entry(last).or_default().push(i);
                }
                Pattern::Prefix(_) => prefixes.push(i),
                Pattern::Method { name, .. } => {
                    methods.entry(name.to_string()).or_default().push(i)
                }
            }
        }
        Matcher {
            catalog,
            paths,
            prefixes,
            methods,
            exempt,
        }
    }

    fn entry(&self, i: usize) -> &Entry {
        &self.catalog.entries()[i]
    }

    /// Whether `path` (joined) is exempt by configuration.
    pub fn is_exempt(&self, path: &str) -> bool {
        self.exempt.iter().any(|e| PathPattern::new(e).covers(path))
    }

    /// The entry for a resolved absolute path (`std::thread::sleep`), or a path below a
    /// prefix entry (`reqwest::blocking::get`).
    pub fn exact(&self, segs: &[String]) -> Option<&Entry> {
        let last = segs.last()?;
        let joined = segs.join("::");
        if self.is_exempt(&joined) {
            return None;
        }
        if let Some(ids) = self.paths.get(last) {
            for &i in ids {
                if let Pattern::Path(p) = &self.entry(i).pattern {
                    if *p == joined {
                        return Some(self.entry(i));
                    }
                }
            }
        }
        self.prefixes
            .iter()
            .map(|&i| self.entry(i))
            .find(|e| match &e.pattern {
                Pattern::Prefix(p) => PathPattern::new(p).matches(&joined),
                _ => false,
            })
    }

    /// The entry whose path ends with the written segments, for a path whose first
    /// segment is not in scope (`sleep`, `thread::sleep`, `File::open`). An associated fn
    /// needs its type written (`File::open`, never `open` alone).
    pub fn by_suffix(&self, written: &[String]) -> Option<&Entry> {
        let last = written.last()?;
        let ids = self.paths.get(last)?;
        ids.iter().map(|&i| self.entry(i)).find(|e| {
            let Pattern::Path(p) = &e.pattern else {
                return false;
            };
            let segs: Vec<&str> = p.split("::").collect();
            if written.len() > segs.len() {
                return false;
            }
            let tail = &segs[segs.len() - written.len()..];
            let same = tail.iter().zip(written).all(|(a, b)| *a == b);
            // Every segment from the last type-like (capitalised) one must be written.
            let type_pos = segs.iter().rposition(|s| s.starts_with(char::is_uppercase));
            let covers_type = type_pos.is_none_or(|t| t >= segs.len() - written.len());
            same && covers_type && !self.is_exempt(p)
        })
    }

    /// The method-shape entry for `.name(args)` with `arity` arguments, given where the
    /// receiver came from and whether `crate_in_scope` says a crate is imported.
    pub fn method<'c>(
        &'c self,
        name: &str,
        arity: usize,
        origins: &[Origin],
        crate_in_scope: &dyn Fn(&str) -> bool,
    ) -> Option<Hit<'c>> {
        let ids = self.methods.get(name)?;
        ids.iter().map(|&i| self.entry(i)).find_map(|e| {
            let Pattern::Method {
                arity: want,
                receiver,
                api,
                ..
            } = &e.pattern
            else {
                return None;
            };
            if want.is_some_and(|w| w != arity) || self.is_exempt(api) {
                return None;
            }
            let ok = match receiver {
                Receiver::Any => true,
                Receiver::ChainCalls(listed) => origins
                    .iter()
                    .any(|o| listed.iter().any(|l| origin_matches(o, l))),
                Receiver::ImportedCrate(krate) => crate_in_scope(krate),
            };
            ok.then_some(Hit {
                entry: e,
                certainty: Certainty::MethodShape,
            })
        })
    }
}

/// Whether a receiver origin matches a listed path (`std::process::Command`, or a prefix
/// ending in `::`).
pub(crate) fn origin_matches(origin: &Origin, listed: &str) -> bool {
    let pattern = PathPattern::new(listed);
    if origin.exact {
        return pattern.covers(&origin.path);
    }
    let listed = pattern.base();
    // Unknown first segment: some leading part of the written path must be a suffix of
    // the listed path (`Command::new` vs `std::process::Command`, `stdin` vs `std::io::stdin`).
    let written: Vec<&str> = origin.path.split("::").collect();
    let listed: Vec<&str> = listed.split("::").collect();
    (1..=written.len()).any(|k| k <= listed.len() && listed[listed.len() - k..] == written[..k])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split("::").map(String::from).collect()
    }

    #[test]
    fn exact_and_prefix_paths() {
        let m = Matcher::new(Catalog::builtin(), vec!["std::fs::metadata".into()]);
        assert_eq!(
            m.exact(&segs("std::thread::sleep")).unwrap().key(),
            "std::thread::sleep"
        );
        assert_eq!(
            m.exact(&segs("reqwest::blocking::get")).unwrap().key(),
            "reqwest::blocking::"
        );
        assert!(m.exact(&segs("tokio::time::sleep")).is_none());
        assert!(m.exact(&segs("std::fs::metadata")).is_none(), "exempt");
    }

    #[test]
    fn suffix_needs_the_type_segment() {
        let m = Matcher::new(Catalog::builtin(), Vec::new());
        assert_eq!(
            m.by_suffix(&segs("sleep")).unwrap().key(),
            "std::thread::sleep"
        );
        assert_eq!(
            m.by_suffix(&segs("thread::sleep")).unwrap().key(),
            "std::thread::sleep"
        );
        assert_eq!(
            m.by_suffix(&segs("File::open")).unwrap().key(),
            "std::fs::File::open"
        );
        assert!(m.by_suffix(&segs("open")).is_none());
        assert!(m.by_suffix(&segs("time::sleep")).is_none());
    }

    #[test]
    fn origins_match_listed_types() {
        let exact = |p: &str| Origin {
            path: p.into(),
            exact: true,
        };
        let written = |p: &str| Origin {
            path: p.into(),
            exact: false,
        };
        assert!(origin_matches(
            &exact("std::process::Command::new"),
            "std::process::Command"
        ));
        assert!(!origin_matches(
            &exact("tokio::process::Command::new"),
            "std::process::Command"
        ));
        assert!(!origin_matches(
            &exact("std::process::CommandExt"),
            "std::process::Command"
        ));
        assert!(origin_matches(
            &written("Command::new"),
            "std::process::Command"
        ));
        assert!(origin_matches(&written("stdin"), "std::io::stdin"));
        assert!(origin_matches(
            &exact("crossbeam_channel::unbounded"),
            "crossbeam_channel::"
        ));
        assert!(!origin_matches(&written("new"), "std::process::Command"));
    }
}
