//! Receiver origins that keep the methods called since the chain began:
//! `walker::Walk::new.max_depth.into_iter` for the value of
//! `Walk::new(dir).max_depth(1).into_iter()`. A plain origin says where a chain started
//! (the builder assumption: most methods of a chain hand back their receiver's type);
//! a stepped one lets the call graph follow the declared return type of each method
//! called, inside the workspace or a dependency, to the type whose method the call
//! reaches (`Iter::next`, which reads a directory), though no line of the caller names
//! that type.
//!
//! The steps are joined with `.`, which no path holds, so a stepped origin matches no
//! catalog shape and no path lookup that its plain start does not already match.

use crate::resolve::Origin;

/// Joins a chain's start and each method called on it.
pub(crate) const SEPARATOR: char = '.';

/// How many methods a stepped origin follows; past them its last step is [`PAST_BOUND`].
const MAX_STEPS: usize = 4;

/// The last step of a chain longer than [`MAX_STEPS`] (no method is named so): the
/// call graph follows it nowhere, and the origin stays as it is for the rest of the
/// chain, so that its start does not begin a chain of its own.
pub(crate) const PAST_BOUND: &str = "_";

/// Methods that hand back (a reference to, or a wrapper of) their receiver's own value,
/// whatever its type: a step through them would say nothing the start does not.
const SAME_VALUE: &[&str] = &[
    "as_deref",
    "as_deref_mut",
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "by_ref",
    "clone",
    "context",
    "expect",
    "map_err",
    "ok",
    "to_owned",
    "unwrap",
    "unwrap_or_default",
    "with_context",
];

/// The origins of `receiver.method(..)` given `base`, the receiver's, when no signature
/// of the file states what `method` returns: every plain origin (where the chain
/// started), and for each chain one stepped origin ending in `method`. A stepped origin
/// of `base` is replaced by its longer form; a plain one that no stepped origin extends
/// gets its first step.
///
/// ```text
/// [walker::Walk::new] .max_depth  -> [walker::Walk::new, walker::Walk::new.max_depth]
///   .into_iter -> [walker::Walk::new, walker::Walk::new.max_depth.into_iter]
/// ```
pub(crate) fn after_method(base: Vec<Origin>, method: &str) -> Vec<Origin> {
    if SAME_VALUE.contains(&method) {
        return base;
    }
    let extended = |o: &Origin| {
        base.iter()
            .any(|s| s.path.len() > o.path.len() && is_step_of(&s.path, &o.path))
    };
    let mut out: Vec<Origin> = Vec::with_capacity(base.len() + 1);
    for o in &base {
        if !is_stepped(&o.path) {
            out.push(o.clone());
        }
    }
    for o in &base {
        if !is_stepped(&o.path) && extended(o) {
            continue;
        }
        let past_bound = o
            .path
            .strip_suffix(PAST_BOUND)
            .is_some_and(|rest| rest.ends_with(SEPARATOR));
        let path = if past_bound {
            o.path.clone()
        } else if step_count(&o.path) < MAX_STEPS {
            format!("{}{SEPARATOR}{method}", o.path)
        } else {
            format!("{}{SEPARATOR}{PAST_BOUND}", o.path)
        };
        out.push(Origin {
            path,
            exact: o.exact,
        });
    }
    out
}

/// `origins` without the stepped ones: for a value that is part of the chain's value
/// (a field of it), not the value itself.
pub(crate) fn without_steps(mut origins: Vec<Origin>) -> Vec<Origin> {
    origins.retain(|o| !is_stepped(&o.path));
    origins
}

/// Whether `path` is a stepped origin.
pub(crate) fn is_stepped(path: &str) -> bool {
    path.contains(SEPARATOR)
}

/// The start of a stepped origin and the methods called on it, in order; `None` for a
/// plain path.
///
/// ```text
/// split("walker::Walk::new.into_iter") == Some(("walker::Walk::new", ["into_iter"]))
/// ```
pub(crate) fn split(path: &str) -> Option<(&str, Vec<&str>)> {
    let mut parts = path.split(SEPARATOR);
    let start = parts.next()?;
    let steps: Vec<&str> = parts.collect();
    (!steps.is_empty()).then_some((start, steps))
}

fn step_count(path: &str) -> usize {
    path.matches(SEPARATOR).count()
}

/// Whether `longer` is `start` followed by steps.
fn is_step_of(longer: &str, start: &str) -> bool {
    longer
        .strip_prefix(start)
        .is_some_and(|rest| rest.starts_with(SEPARATOR))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(paths: &[&str]) -> Vec<Origin> {
        paths
            .iter()
            .map(|p| Origin {
                path: p.to_string(),
                exact: true,
            })
            .collect()
    }

    fn paths(origins: &[Origin]) -> Vec<&str> {
        origins.iter().map(|o| o.path.as_str()).collect()
    }

    #[test]
    fn each_chain_keeps_its_start_and_one_stepped_origin() {
        let first = after_method(origins(&["walker::Walk::new"]), "max_depth");
        assert_eq!(
            paths(&first),
            ["walker::Walk::new", "walker::Walk::new.max_depth"]
        );
        let second = after_method(first, "into_iter");
        assert_eq!(
            paths(&second),
            ["walker::Walk::new", "walker::Walk::new.max_depth.into_iter"]
        );
        assert_eq!(
            split(&second[1].path),
            Some(("walker::Walk::new", vec!["max_depth", "into_iter"]))
        );
        assert_eq!(split("walker::Walk::new"), None);
    }

    #[test]
    fn two_chains_step_each_and_a_plain_start_without_steps_gets_its_first() {
        let merged = origins(&["a::A::new", "a::A::new.iter", "b::B::open"]);
        assert_eq!(
            paths(&after_method(merged, "next")),
            [
                "a::A::new",
                "b::B::open",
                "a::A::new.iter.next",
                "b::B::open.next"
            ]
        );
    }

    #[test]
    fn value_keeping_methods_add_no_step_and_chains_stop_at_the_bound() {
        let start = origins(&["a::A::new", "a::A::new.iter"]);
        assert_eq!(after_method(start.clone(), "unwrap"), start);
        let mut o = origins(&["a::A::new"]);
        for m in ["b", "c", "d", "e", "f", "g"] {
            o = after_method(o, m);
        }
        assert_eq!(paths(&o), ["a::A::new", "a::A::new.b.c.d.e._"]);
    }

    #[test]
    fn a_stepped_origin_is_covered_by_no_catalog_path_its_start_is_not() {
        let pattern = crate::path_pattern::PathPattern::new("std::process::Command::new");
        assert!(pattern.covers("std::process::Command::new"));
        assert!(!pattern.covers("std::process::Command::new.arg"));
    }
}
