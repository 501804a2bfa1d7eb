//! The patch `--diff` prints: a unified diff per file, with three lines of context.
//!
//! Fixes change lines in place or remove whole lines (unused `use` items), never add
//! any, so old and new lines pair up once the removed ones are skipped.

use std::collections::BTreeSet;

const CONTEXT: usize = 3;

/// The unified diff of `old` → `new` for `path` (relative, `/`-separated), where
/// `removed` are the 1-based old lines that `new` no longer has.
pub(crate) fn unified(path: &str, old: &str, new: &str, removed: &BTreeSet<usize>) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    // For each old line: the new line it became, or None when removed.
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::with_capacity(old_lines.len());
    let mut j = 0;
    for i in 0..old_lines.len() {
        if removed.contains(&(i + 1)) {
            pairs.push((i, None));
        } else {
            pairs.push((i, Some(j)));
            j += 1;
        }
    }
    let changed: Vec<bool> = pairs
        .iter()
        .map(|&(i, n)| n.is_none_or(|n| new_lines.get(n) != Some(&old_lines[i])))
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < pairs.len() {
        if !changed[i] {
            i += 1;
            continue;
        }
        // A hunk: from CONTEXT lines before the first change to CONTEXT lines after the
        // last change that is within 2 * CONTEXT of the previous one.
        let start = i.saturating_sub(CONTEXT);
        let mut end = i;
        let mut k = i;
        while k < pairs.len() {
            if changed[k] {
                end = k;
            } else if k > end + 2 * CONTEXT {
                break;
            }
            k += 1;
        }
        let stop = (end + CONTEXT + 1).min(pairs.len());
        if out.is_empty() {
            out.push_str(&format!("--- a/{path}\n+++ b/{path}\n"));
        }
        let mut body = String::new();
        let (mut old_count, mut new_count) = (0, 0);
        let new_start = pairs[start..stop]
            .iter()
            .find_map(|&(_, n)| n)
            .unwrap_or_else(|| pairs[..start].iter().filter(|(_, n)| n.is_some()).count());
        for (idx, &(o, n)) in pairs[start..stop].iter().enumerate() {
            let line = |s: &str| {
                let mut l = s.to_string();
                if !l.ends_with('\n') {
                    l.push_str("\n\\ No newline at end of file\n");
                }
                l
            };
            if changed[start + idx] {
                body.push('-');
                body.push_str(&line(old_lines[o]));
                old_count += 1;
                if let Some(n) = n {
                    body.push('+');
                    body.push_str(&line(new_lines[n]));
                    new_count += 1;
                }
            } else {
                body.push(' ');
                body.push_str(&line(old_lines[o]));
                old_count += 1;
                new_count += 1;
            }
        }
        out.push_str(&format!(
            "@@ -{},{old_count} +{},{new_count} @@\n",
            start + 1,
            if new_count == 0 {
                new_start
            } else {
                new_start + 1
            }
        ));
        out.push_str(&body);
        i = stop;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_and_removed_lines_with_context() {
        let old = "use std::thread;\nfn a() {}\nasync fn f() {\n    thread::sleep(d);\n}\n";
        let new = "fn a() {}\nasync fn f() {\n    tokio::time::sleep(d).await;\n}\n";
        let diff = unified("src/a.rs", old, new, &BTreeSet::from([1]));
        assert_eq!(
            diff,
            "--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,5 +1,4 @@\n-use std::thread;\n fn a() {}\n async fn f() {\n-    thread::sleep(d);\n+    tokio::time::sleep(d).await;\n }\n"
        );
    }

    #[test]
    fn distant_changes_are_separate_hunks() {
        let old: String = (1..=20).map(|i| format!("l{i}\n")).collect();
        let new = old.replace("l2\n", "L2\n").replace("l18\n", "L18\n");
        let diff = unified("a.rs", &old, &new, &BTreeSet::new());
        assert_eq!(
            diff,
            "--- a/a.rs\n+++ b/a.rs\n@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5\n@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+L18\n l19\n l20\n"
        );
    }
}
