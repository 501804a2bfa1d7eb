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
//! { "format": "blockwatch-dependency-graph", "version": 2, "key": "<16 hex digits>",
//!   "inputs": [ ["/w/Cargo.lock", "1733100000000000000:1234"], ["/w/.cargo/config.toml", "absent"] ],
//!   "target_directory": "/w/target",
//!   "members": [ { "name": "app", "dir": "/w/app", "externs": [["db", 0]] } ],
//!   "dependencies": [ { "id": "..", "name": "store-db", "version": "1.2.0", "source": "registry",
//!                       "dir": "..", "lib_root": "../src/lib.rs", "features": ["default"],
//!                       "externs": [] } ] }
//! ```

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::json_reader::Reader;

use super::metadata::{Dependency, DependencyGraph, Member, SourceKind};

/// The `format` field of a graph cache file.
pub const GRAPH_FORMAT: &str = "blockwatch-dependency-graph";
/// The version of that format.
pub const GRAPH_VERSION: u64 = 3;

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
    // The header first, so that a reader refuses a foreign or stale file before the rest.
    format!(
        "{{\"format\":{},\"version\":{GRAPH_VERSION},\"key\":{},\"inputs\":{},\
         \"target_directory\":{},\"members\":{},\"dependencies\":{}}}",
        Value::from(GRAPH_FORMAT),
        Value::from(key),
        Value::Array(inputs),
        json!(graph.target_directory),
        Value::Array(members),
        Value::Array(dependencies)
    )
}

fn externs_of(r: &mut Reader<'_>) -> Option<Vec<(String, usize)>> {
    r.list(|r| {
        let mut name = None;
        let mut pair = None;
        let mut index = 0;
        r.array(|r| {
            match index {
                0 => name = Some(r.string()?),
                1 => pair = Some((name.take()?, r.usize()?)),
                _ => return None,
            }
            index += 1;
            Some(())
        })?;
        pair
    })
}

fn dependency_of(r: &mut Reader<'_>) -> Option<Dependency> {
    let (mut id, mut name, mut version, mut source) = (None, None, None, None);
    let (mut dir, mut lib_root, mut features, mut externs) = (None, None, None, None);
    r.object(|r, key| {
        match key {
            "id" => id = Some(r.string()?),
            "name" => name = Some(r.string()?),
            "version" => version = Some(r.string()?),
            "source" => {
                source = Some(match &*r.str()? {
                    "registry" => SourceKind::Registry,
                    "git" => SourceKind::Git,
                    "path" => SourceKind::Path,
                    _ => return None,
                })
            }
            "dir" => dir = Some(PathBuf::from(r.string()?)),
            "lib_root" => lib_root = Some(PathBuf::from(r.string()?)),
            "features" => features = Some(r.strings()?),
            "externs" => externs = Some(externs_of(r)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(Dependency {
        id: id?,
        name: name?,
        version: version?,
        source: source?,
        dir: dir?,
        lib_root: lib_root?,
        features: features?,
        externs: externs?,
    })
}

fn member_of(r: &mut Reader<'_>) -> Option<Member> {
    let (mut name, mut dir, mut externs) = (None, None, None);
    r.object(|r, key| {
        match key {
            "name" => name = Some(r.string()?),
            "dir" => dir = Some(PathBuf::from(r.string()?)),
            "externs" => externs = Some(externs_of(r)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(Member {
        name: name?,
        dir: dir?,
        externs: externs?,
    })
}

fn input_of(r: &mut Reader<'_>) -> Option<(PathBuf, String)> {
    let mut path = None;
    let mut pair = None;
    let mut index = 0;
    r.array(|r| {
        match index {
            0 => path = Some(PathBuf::from(r.string()?)),
            1 => pair = Some((path.take()?, r.string()?)),
            _ => return None,
        }
        index += 1;
        Some(())
    })?;
    pair
}

/// Reads a graph cache file's text: the graph and the inputs it was computed from, or
/// `None` unless it is a whole, well-formed file of this format and version with exactly
/// this key. Whether the inputs are unchanged is the caller's to check.
pub fn decode_graph(
    text_of_file: &str,
    key: &str,
) -> Option<(DependencyGraph, Vec<(PathBuf, String)>)> {
    let mut r = Reader::new(text_of_file);
    let (mut format_ok, mut version_ok, mut key_ok) = (false, false, false);
    let (mut inputs, mut members, mut dependencies, mut target_directory) =
        (None, None, None, None);
    r.object(|r, field| {
        let header = format_ok && version_ok && key_ok;
        match field {
            "format" => format_ok = r.str()? == GRAPH_FORMAT,
            "version" => version_ok = r.u64()? == GRAPH_VERSION,
            "key" => key_ok = r.str()? == key,
            // The rest is read only when the header (written first) already matched.
            "inputs" if header => inputs = Some(r.list(input_of)?),
            "members" if header => members = Some(r.list(member_of)?),
            "dependencies" if header => dependencies = Some(r.list(dependency_of)?),
            "target_directory" if header => {
                target_directory = Some(r.optional_string()?.map(PathBuf::from))
            }
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    r.end()?;
    if !(format_ok && version_ok && key_ok) {
        return None;
    }
    let (inputs, members, dependencies): (_, Vec<Member>, Vec<Dependency>) =
        (inputs?, members?, dependencies?);
    let count = dependencies.len();
    let in_range = |externs: &[(String, usize)]| externs.iter().all(|(_, i)| *i < count);
    if !members.iter().all(|m| in_range(&m.externs))
        || !dependencies.iter().all(|d| in_range(&d.externs))
    {
        return None;
    }
    Some((
        DependencyGraph {
            members,
            dependencies,
            target_directory: target_directory?,
        },
        inputs,
    ))
}
