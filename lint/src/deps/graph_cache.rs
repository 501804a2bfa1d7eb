//! The dependency graph cache: what `cargo metadata` said, kept under
//! `target/blockwatch/` with the files it was computed from, so a scan whose manifests,
//! lock file and cargo configuration are unchanged does not run cargo again.
//!
//! A file is trusted only when its `format` is [`GRAPH_FORMAT`], its `version` is
//! [`GRAPH_VERSION`], its `key` is the reader's (the scanned directory and packages,
//! the flags and environment that change cargo's answer) and every input file still has
//! the [`file_stamp`] recorded (an input recorded as absent must still be absent).
//! Anything else (corrupt, truncated, foreign, stale) is ignored and rewritten, through
//! [`store`](crate::deps::store) (a temporary file, then a rename).
//!
//! ```text
//! { "format": "blockwatch-dependency-graph", "version": 1, "key": "<16 hex digits>",
//!   "inputs": [ ["/w/Cargo.lock", "1733100000000000000:1234"], ["/w/.cargo/config.toml", "absent"] ],
//!   "target_directory": "/w/target",
//!   "members": [ { "name": "app", "dir": "/w/app", "externs": [["db", 0]] } ],
//!   "dependencies": [ { "id": "..", "name": "store-db", "version": "1.2.0", "source": "registry",
//!                       "dir": "..", "lib_root": "../src/lib.rs", "features": ["default"],
//!                       "externs": [] } ] }
//! ```

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::metadata::{Dependency, DependencyGraph, Member, SourceKind};

/// The `format` field of a graph cache file.
pub const GRAPH_FORMAT: &str = "blockwatch-dependency-graph";
/// The version of that format.
pub const GRAPH_VERSION: u64 = 1;

/// What identifies a file's contents cheaply: its modification time (nanoseconds since
/// the epoch) and length, or `absent`.
///
/// ```
/// assert_eq!(blockwatch_lint::deps::file_stamp(std::path::Path::new("/no/such/file")), "absent");
/// ```
pub fn file_stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{mtime}:{}", meta.len())
        }
        Err(_) => "absent".to_string(),
    }
}

fn source_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Registry => "registry",
        SourceKind::Git => "git",
        SourceKind::Path => "path",
    }
}

fn externs_json(externs: &[(String, usize)]) -> Value {
    Value::Array(externs.iter().map(|(n, i)| json!([n, i])).collect())
}

/// The cache file's text for `graph`, computed from `inputs` (each file with its
/// [`file_stamp`] when cargo ran).
///
/// ```
/// use blockwatch_lint::deps::{decode_graph, encode_graph, parse_metadata};
/// let json = r#"{"workspace_members": ["a"], "packages": [
///   {"id": "a", "name": "a", "version": "0.1.0", "source": null, "manifest_path": "/w/a/Cargo.toml", "targets": []}],
///   "resolve": {"nodes": [{"id": "a", "features": [], "deps": []}]}}"#;
/// let graph = parse_metadata(json, None).unwrap();
/// let inputs = vec![("/no/such/Cargo.lock".into(), "absent".to_string())];
/// let text = encode_graph(&graph, "k", &inputs);
/// assert_eq!(decode_graph(&text, "k"), Some((graph, inputs)));
/// assert_eq!(decode_graph(&text, "other"), None);
/// assert_eq!(decode_graph(&text[..10], "k"), None);
/// ```
pub fn encode_graph(graph: &DependencyGraph, key: &str, inputs: &[(PathBuf, String)]) -> String {
    let members: Vec<Value> = graph
        .members
        .iter()
        .map(|m| json!({"name": m.name, "dir": m.dir, "externs": externs_json(&m.externs)}))
        .collect();
    let dependencies: Vec<Value> = graph
        .dependencies
        .iter()
        .map(|d| {
            json!({"id": d.id, "name": d.name, "version": d.version,
                   "source": source_name(d.source), "dir": d.dir, "lib_root": d.lib_root,
                   "features": d.features, "externs": externs_json(&d.externs)})
        })
        .collect();
    let inputs: Vec<Value> = inputs.iter().map(|(p, s)| json!([p, s])).collect();
    json!({"format": GRAPH_FORMAT, "version": GRAPH_VERSION, "key": key, "inputs": inputs,
           "target_directory": graph.target_directory, "members": members,
           "dependencies": dependencies})
    .to_string()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_string)
}

fn externs_of(v: &Value) -> Option<Vec<(String, usize)>> {
    v.get("externs")?
        .as_array()?
        .iter()
        .map(|e| {
            let [name, index] = e.as_array()?.as_slice() else {
                return None;
            };
            Some((
                name.as_str()?.to_string(),
                usize::try_from(index.as_u64()?).ok()?,
            ))
        })
        .collect()
}

fn dependency_of(v: &Value, count: usize) -> Option<Dependency> {
    let externs = externs_of(v)?;
    if externs.iter().any(|(_, i)| *i >= count) {
        return None;
    }
    Some(Dependency {
        id: text(v, "id")?,
        name: text(v, "name")?,
        version: text(v, "version")?,
        source: match v.get("source")?.as_str()? {
            "registry" => SourceKind::Registry,
            "git" => SourceKind::Git,
            "path" => SourceKind::Path,
            _ => return None,
        },
        dir: PathBuf::from(text(v, "dir")?),
        lib_root: PathBuf::from(text(v, "lib_root")?),
        features: v
            .get("features")?
            .as_array()?
            .iter()
            .map(|f| f.as_str().map(str::to_string))
            .collect::<Option<_>>()?,
        externs,
    })
}

/// Reads a graph cache file's text: the graph and the inputs it was computed from, or
/// `None` unless it is a whole, well-formed file of this format and version with exactly
/// this key. Whether the inputs are unchanged is the caller's to check.
pub fn decode_graph(
    text_of_file: &str,
    key: &str,
) -> Option<(DependencyGraph, Vec<(PathBuf, String)>)> {
    let doc: Value = serde_json::from_str(text_of_file).ok()?;
    if doc.get("format")?.as_str()? != GRAPH_FORMAT
        || doc.get("version")?.as_u64()? != GRAPH_VERSION
        || doc.get("key")?.as_str()? != key
    {
        return None;
    }
    let inputs = doc
        .get("inputs")?
        .as_array()?
        .iter()
        .map(|i| {
            let [path, stamp] = i.as_array()?.as_slice() else {
                return None;
            };
            Some((PathBuf::from(path.as_str()?), stamp.as_str()?.to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    let deps = doc.get("dependencies")?.as_array()?;
    let dependencies = deps
        .iter()
        .map(|d| dependency_of(d, deps.len()))
        .collect::<Option<Vec<_>>>()?;
    let members = doc
        .get("members")?
        .as_array()?
        .iter()
        .map(|m| {
            let externs = externs_of(m)?;
            if externs.iter().any(|(_, i)| *i >= deps.len()) {
                return None;
            }
            Some(Member {
                name: text(m, "name")?,
                dir: PathBuf::from(text(m, "dir")?),
                externs,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let target_directory = match doc.get("target_directory")? {
        Value::Null => None,
        t => Some(PathBuf::from(t.as_str()?)),
    };
    Some((
        DependencyGraph {
            members,
            dependencies,
            target_directory,
        },
        inputs,
    ))
}
