//! The origins of one value as a set: each origin kept once, in the order first seen
//! (the in-memory check reads the outermost first), and at most [`MAX_ORIGINS`] of them.
//!
//! Without the bound, stages of arrays built from the previous stage
//! (`let s2 = [s1[0] + s1[1], s1[2], ..]`, as in unrolled transforms) copy every origin
//! of the stage before once per element, so the sets grow geometrically with the chain.
//! Past the bound a value's origins are unknown: a set that holds the unknown origin
//! stands for "could be anything", which its consumers treat as matching nothing
//! (no method shape, no call-graph edge, no drop, no fn value), so the bound can only
//! lose a finding, never make one.

use crate::resolve::Origin;

/// How many distinct origins one value keeps; one more makes them unknown. Real code
/// keeps a handful per value; the bound only stops pathological chains.
pub(super) const MAX_ORIGINS: usize = 64;

/// The path of the one origin an unknown set holds: no Rust path is written so.
const UNKNOWN: &str = "{unknown}";

/// Adds `o` to `out` unless it is there already; past [`MAX_ORIGINS`], or when `o` is
/// itself unknown, `out` becomes unknown, and stays so.
///
/// `add_origin(&mut out, Origin { path: "std::fs::File".into(), exact: true })`
pub(super) fn add_origin(out: &mut Vec<Origin>, o: Origin) {
    if is_unknown(out) || out.contains(&o) {
        return;
    }
    if o.path == UNKNOWN || out.len() >= MAX_ORIGINS {
        out.clear();
        out.push(unknown());
        return;
    }
    out.push(o);
}

/// [`add_origin`] for each of `origins`, in order.
pub(super) fn add_origins(out: &mut Vec<Origin>, origins: impl IntoIterator<Item = Origin>) {
    for o in origins {
        if is_unknown(out) {
            return;
        }
        add_origin(out, o);
    }
}

/// Whether a set of origins is unknown (it went past [`MAX_ORIGINS`], or was built from
/// one that did).
pub(crate) fn is_unknown(origins: &[Origin]) -> bool {
    origins.iter().any(|o| o.path == UNKNOWN)
}

fn unknown() -> Origin {
    Origin {
        path: UNKNOWN.to_string(),
        exact: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(path: &str) -> Origin {
        Origin {
            path: path.to_string(),
            exact: true,
        }
    }

    #[test]
    fn each_origin_is_kept_once_in_first_seen_order() {
        let mut out = Vec::new();
        for p in [
            "std::io::BufReader::new",
            "std::fs::File",
            "std::io::BufReader::new",
        ] {
            add_origin(&mut out, origin(p));
        }
        add_origins(
            &mut out,
            [origin("std::fs::File"), origin("std::fs::File::open")],
        );
        let paths: Vec<&str> = out.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "std::io::BufReader::new",
                "std::fs::File",
                "std::fs::File::open"
            ]
        );
        assert!(!is_unknown(&out));
    }

    #[test]
    fn one_origin_past_the_bound_makes_the_set_unknown_for_good() {
        let mut out = Vec::new();
        add_origins(
            &mut out,
            (0..MAX_ORIGINS).map(|i| origin(&format!("crate::f{i}"))),
        );
        assert_eq!(out.len(), MAX_ORIGINS);
        assert!(!is_unknown(&out));
        // A duplicate does not count towards the bound.
        add_origin(&mut out, origin("crate::f0"));
        assert!(!is_unknown(&out));
        add_origin(&mut out, origin("crate::one_more"));
        assert!(is_unknown(&out));
        assert_eq!(out.len(), 1);
        add_origin(&mut out, origin("std::fs::File"));
        assert_eq!(out.len(), 1, "an unknown set takes nothing more");
        // What is built from an unknown set is unknown.
        let mut built = vec![origin("std::fs::File")];
        add_origins(&mut built, out);
        assert!(is_unknown(&built));
        assert_eq!(built.len(), 1);
    }
}
