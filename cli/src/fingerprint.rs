//! Line-insensitive identities of findings: the SARIF `partialFingerprints` and the keys
//! of a baseline.
//!
//! A fingerprint hashes the file, the reported category, the resolved API, the call as
//! written and its async context, plus an occurrence index that tells identical calls
//! in one context apart. Line numbers stay out, so a finding keeps its identity when
//! code above it moves. Occurrences are counted over every finding in source order,
//! allowed or not, so that allowing or baselining one finding never renames another.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Report};

/// FNV-1a, 64 bit: a fingerprint that is stable across Rust releases and platforms.
pub(crate) fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The fingerprints of `report.findings` and of `report.allowed`, index for index.
pub(crate) fn of_report(report: &Report) -> (Vec<String>, Vec<String>) {
    let mut all: Vec<(&Diagnostic, bool, usize)> = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, d)| (d, false, i))
        .chain(
            report
                .allowed
                .iter()
                .enumerate()
                .map(|(i, a)| (&a.diagnostic, true, i)),
        )
        .collect();
    all.sort_by(|a, b| {
        (&a.0.file, a.0.line, a.0.column, a.1).cmp(&(&b.0.file, b.0.line, b.0.column, b.1))
    });
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut findings = vec![String::new(); report.findings.len()];
    let mut allowed = vec![String::new(); report.allowed.len()];
    for (d, is_allowed, index) in all {
        let key = format!("{}\0{}\0{}\0{}", d.file, d.resolved, d.call, d.context);
        let n = seen.entry(key).or_insert(0);
        *n += 1;
        let occurrence = n.to_string();
        let fp = fnv1a(&[
            &d.file,
            report.category_name(d),
            &d.resolved,
            &d.call,
            &d.context,
            &occurrence,
        ]);
        if is_allowed {
            allowed[index] = fp;
        } else {
            findings[index] = fp;
        }
    }
    (findings, allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        // Fixed value: a change here changes every fingerprint users have stored.
        assert_eq!(fnv1a(&[""]), "af63bd4c8601b7df");
    }
}
