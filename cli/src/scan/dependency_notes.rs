//! The notes a dependency gives (a file that does not parse, is not UTF-8 or is too
//! large; its source missing), said by every scan, not only by the one that read it.
//! A scan that takes a dependency's summaries from the cache, or does not read the
//! dependency at all because the workspace's code does not reach it, reads no file of
//! it, so what its files gave is kept next to its summaries, in a small file of its own
//! (only for a dependency that gave notes, under the same key as its summaries): the
//! same input gives the same report, cold or warm.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use blockwatch_lint::deps::{store, Dependency, DependencyGraph};
use serde_json::{json, Value};

use super::{DependencyPlan, Parsed, Planner};
use crate::diagnostic::InputError;
use crate::walk::display_path;

/// The `format` field of a notes file.
const FORMAT: &str = "blockwatch-dependency-notes";
/// Its version.
const VERSION: u64 = 1;

/// How a notes file's name ends.
const NOTES_SUFFIX: &str = ".notes.json";

/// Where dependency `i`'s notes are kept: next to its summaries.
fn notes_file(deps: &DependencyPlan, graph: &DependencyGraph, i: usize) -> PathBuf {
    deps.cache_file(graph, i).with_extension(&NOTES_SUFFIX[1..])
}

/// Whether the note at `path` (as the report shows it) is about a file under `dir`
/// (shown the same way).
fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Keeps the notes of each dependency this scan parsed (and is caching), removing the
/// file of one that gave none. A notes file that cannot be written is a note itself.
pub(super) fn store_parsed(
    plan: &mut Planner<'_>,
    graph: &DependencyGraph,
    deps: &DependencyPlan,
    parsed: &Parsed,
) {
    let mut failed = None;
    for (unit, _, key, _) in &plan.to_cache {
        let Some(i) = deps.units.iter().position(|u| u == unit) else {
            continue;
        };
        let dir = display_path(&plan.root, &graph.dependencies[i].dir);
        let own: Vec<Value> = plan
            .notes
            .iter()
            .chain(&parsed.notes)
            .filter(|n| is_under(&n.path, &dir))
            .map(|n| {
                json!({
                    "path": absolute(&plan.root, &n.path),
                    "line": n.line, "column": n.column, "message": n.message,
                })
            })
            .collect();
        let file = notes_file(deps, graph, i);
        if own.is_empty() {
            // Stale notes of an earlier key would be refused anyway; this keeps the
            // directory tidy.
            let _ = fs::remove_file(&file);
            continue;
        }
        let id = &graph.dependencies[i].id;
        let text =
            json!({"format": FORMAT, "version": VERSION, "key": key, "id": id, "notes": own});
        if let Err(e) = store(&file, &text.to_string()) {
            failed = Some(InputError::new(
                display_path(&plan.root, &file),
                format!("cannot write the dependency cache: {e}"),
            ));
            break;
        }
    }
    plan.notes.extend(failed);
}

/// Says again, for every dependency this scan did not parse, what it gave when it was
/// parsed (when its notes file holds its current key), and notes the dependencies whose
/// source is missing.
pub(super) fn replay_unparsed(
    plan: &mut Planner<'_>,
    graph: &DependencyGraph,
    deps: &DependencyPlan,
) {
    let parsed_here = |i: usize| {
        plan.to_cache
            .iter()
            .any(|(unit, ..)| *unit == deps.units[i])
    };
    let missing: Vec<&Dependency> = graph
        .dependencies
        .iter()
        .enumerate()
        .filter(|&(i, dep)| !parsed_here(i) && !dep.lib_root.is_file())
        .map(|(_, dep)| dep)
        .collect();
    // Few dependencies give notes: list the notes files there are, rather than look
    // for one per dependency (which costs a warm scan a file name per dependency).
    let mut replayed = Vec::new();
    let mut by_id: Option<HashMap<&str, usize>> = None;
    if let Ok(entries) = fs::read_dir(&deps.cache_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name.as_encoded_bytes().ends_with(NOTES_SUFFIX.as_bytes()) {
                continue;
            }
            let Ok(text) = fs::read_to_string(entry.path()) else {
                continue;
            };
            let by_id = by_id.get_or_insert_with(|| {
                graph
                    .dependencies
                    .iter()
                    .enumerate()
                    .map(|(i, dep)| (dep.id.as_str(), i))
                    .collect()
            });
            let Some(i) = id_of(&text).and_then(|id| by_id.get(id.as_str()).copied()) else {
                continue;
            };
            if parsed_here(i) || !graph.dependencies[i].lib_root.is_file() {
                continue;
            }
            replayed.extend(decode(&text, deps.keys.key(graph, i), &plan.root));
        }
    }
    plan.notes.extend(replayed);
    let note = missing_sources(&plan.root, &missing);
    plan.notes.extend(note);
}

/// The package id a notes file is for, if it reads.
fn id_of(text: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(text).ok()?;
    Some(doc["id"].as_str()?.to_string())
}

/// How many missing dependencies one note names before it counts the rest.
const NAMED_MISSING: usize = 5;

/// The note for the dependencies whose source is missing: one, at the dependency's
/// directory, or, for a tree that was never fetched (every registry dependency at
/// once), one for the scan that names the first few and counts the rest.
fn missing_sources(root: &Path, missing: &[&Dependency]) -> Option<InputError> {
    match missing {
        [] => None,
        [dep] => Some(InputError::new(
            display_path(root, &dep.dir),
            format!(
                "dependency {} {}: its source is missing (run `cargo fetch`); calls into it \
                 are not analysed",
                dep.name, dep.version
            ),
        )),
        many => {
            let mut named: Vec<String> = many
                .iter()
                .take(NAMED_MISSING)
                .map(|d| format!("{} {}", d.name, d.version))
                .collect();
            if many.len() > NAMED_MISSING {
                named.push(format!("{} more", many.len() - NAMED_MISSING));
            }
            Some(InputError::new(
                display_path(root, root),
                format!(
                    "{} dependencies have no source on disk ({}): run `cargo fetch`; calls \
                     into them are not analysed",
                    many.len(),
                    named.join(", ")
                ),
            ))
        }
    }
}

/// The notes of a notes file, shown from `root`: none unless the file is whole, of this
/// format and version, and has `key`.
fn decode(text: &str, key: &str, root: &Path) -> Vec<InputError> {
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let header_ok = doc["format"] == FORMAT && doc["version"] == VERSION && doc["key"] == key;
    let Some(notes) = doc["notes"].as_array().filter(|_| header_ok) else {
        return Vec::new();
    };
    let read = |n: &Value| {
        let number = |field: &str| n[field].as_u64().and_then(|v| usize::try_from(v).ok());
        Some(InputError {
            path: display_path(root, Path::new(n["path"].as_str()?)),
            line: number("line"),
            column: number("column"),
            message: n["message"].as_str()?.to_string(),
        })
    };
    // All or nothing: a note that does not read makes the file foreign.
    notes
        .iter()
        .map(read)
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

/// `path` as the report shows it, made absolute again.
fn absolute(root: &Path, path: &str) -> String {
    let p = Path::new(path);
    if p.is_absolute() {
        path.to_string()
    } else {
        root.join(p).to_string_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_read_back_only_under_their_own_key_and_shown_from_the_root() {
        let root = Path::new("/work/app");
        let text = json!({
            "format": FORMAT, "version": VERSION, "key": "k1", "id": "dep 1.0.0 (registry)",
            "notes": [
                {"path": "/work/app/broken/src/bad.rs", "line": 1, "column": 10, "message": "syntax error"},
                {"path": "/reg/dep-1.0.0/src/big.rs", "line": null, "column": null, "message": "too large"},
            ],
        })
        .to_string();
        let back = decode(&text, "k1", root);
        let shown: Vec<(&str, Option<usize>, &str)> = back
            .iter()
            .map(|n| (n.path.as_str(), n.line, n.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("broken/src/bad.rs", Some(1), "syntax error"),
                ("/reg/dep-1.0.0/src/big.rs", None, "too large"),
            ]
        );
        assert_eq!(id_of(&text).as_deref(), Some("dep 1.0.0 (registry)"));
        assert!(decode(&text, "k2", root).is_empty(), "another key");
        assert!(
            decode(&text[..text.len() / 2], "k1", root).is_empty(),
            "truncated"
        );
        let foreign = text.replace(FORMAT, "something else");
        assert!(decode(&foreign, "k1", root).is_empty(), "foreign");
    }

    #[test]
    fn a_note_belongs_to_the_directory_it_lies_under() {
        assert!(is_under("broken/src/bad.rs", "broken"));
        assert!(is_under("gone", "gone"));
        assert!(!is_under("broken-too/src/lib.rs", "broken"));
        assert_eq!(absolute(Path::new("/r"), "a/b.rs"), "/r/a/b.rs");
        assert_eq!(absolute(Path::new("/r"), "/x/b.rs"), "/x/b.rs");
    }
}
