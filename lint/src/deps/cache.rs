//! The dependency summary cache: one JSON file per dependency under
//! `target/blockwatch/deps/`, so a second scan reads summaries instead of parsing the
//! dependency tree again.
//!
//! A file (named by [`summary_file_name`](crate::deps::summary_file_name)) is trusted
//! only when its `format` is [`FORMAT`], its `version` is [`VERSION`] and its `key`
//! equals the key the reader computed ([`summary_keys`](crate::deps::summary_keys): over the
//! package id and version, the source's identity — path and mtimes of its files for a
//! path dependency, the id for registry and git sources, whose contents never change —
//! the enabled features, the engine version and the catalog part of the configuration).
//! Anything else (corrupt, truncated, foreign, stale) is ignored and rewritten. Writes go
//! to a temporary file in the same directory, then are renamed over the old one, so two
//! scans at once never leave a half-written file.
//!
//! What is stored is a dependency's essentials ([`Graph::essentials`](crate::Graph::essentials)):
//! the fns that block when called or awaited, each with only the catalog hit or the call
//! that proves it, and each file's offloading wrappers. A fn absent from the file does
//! nothing the call graph reports (the key also covers the keys of the crates it depends
//! on, whose fns its chains reach). Readers such as the attribute read it with
//! [`decode`] and place each file's summaries in the graph as a dependency unit.
//!
//! The format (version 5):
//!
//! ```text
//! { "format": "blockwatch-dependency-summaries", "version": 5, "key": "<16 hex digits>",
//!   "crate": "name version",
//!   "files": [ { "file": "/abs/path.rs", "unchecked_deep": 0, "offload_wrappers": ["run"],
//!     "fns": [ { "path": ["module", "Type", "name"], "is_method": true, "self_ty": "Type",
//!                "is_async": false, "line": 3, "column": 8, "in_test": false,
//!                "blocking": [ { "resolved": "std::fs::read", "line": 4, "column": 5,
//!                                "category": "fs", "replacement": "tokio::fs::read(..).await" } ],
//!                "polled": [ ],
//!                "once": [ { "blocking": { .. as above }, "written_in": "sync",
//!                            "call": "std::fs::read(..)", "end_line": 6, "end_column": 30,
//!                            "why": "..", "context": "the run-once initialiser of .." } ],
//!                "calls": [ { "candidates": [["module", "helper"]], "method": null,
//!                             "call": "helper()", "line": 5, "column": 5, "end_line": 5,
//!                             "end_column": 13, "in_async": false, "offloaded": false,
//!                             "awaited": false, "context": "", "in_test": false,
//!                             "receiver": ["crate::db::Store"],
//!                             "receiver_constructed": false, "run_once": "not",
//!                             "passes_param": false, "fn_args": [[5, 12, 5, 20]] } ],
//!                "returns": ["crate::db::Store"], "offloads_param": false } ],
//!     "imports": [ { "module": ["api"], "defined": ["load"],
//!                    "names": [["Pool", ["crate", "pool", "Pool"]]], "globs": [["crate", "db"]] } ] } ] }
//! ```

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

use crate::run_once::{OnceBlocking, RunOnce};
use crate::summary::{BlockingCall, CallSite, FileSummary, FnSummary};
use crate::{ArgRange, Category, ModuleImports};

/// The `format` field of a cache file.
pub const FORMAT: &str = "blockwatch-dependency-summaries";
/// The version of the format.
pub const VERSION: u64 = 5;

/// A stable key over `parts` (FNV-1a, 64 bits, as 16 hex digits); each part is
/// terminated, so `["ab", "c"]` and `["a", "bc"]` differ.
///
/// ```
/// use blockwatch_lint::deps::cache_key;
/// assert_eq!(cache_key(&["a"]), cache_key(&["a"]));
/// assert_ne!(cache_key(&["ab", "c"]), cache_key(&["a", "bc"]));
/// assert_eq!(cache_key(&[]).len(), 16);
/// ```
pub fn cache_key(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xffu8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn blocking_json(b: &BlockingCall) -> Value {
    json!({"resolved": b.resolved, "line": b.line, "column": b.column,
           "category": b.category.name(), "replacement": b.replacement})
}

fn call_json(c: &CallSite) -> Value {
    json!({"candidates": c.candidates, "method": c.method, "call": c.call, "line": c.line,
           "column": c.column, "end_line": c.end_line, "end_column": c.end_column,
           "in_async": c.in_async, "offloaded": c.offloaded, "awaited": c.awaited,
           "context": c.context, "in_test": c.in_test, "receiver": c.receiver,
           "receiver_constructed": c.receiver_constructed, "run_once": c.run_once.name(),
           "passes_param": c.passes_param,
           "fn_args": c.fn_args.iter()
               .map(|r| [r.line, r.column, r.end_line, r.end_column]).collect::<Vec<_>>()})
}

fn once_json(o: &OnceBlocking) -> Value {
    json!({"blocking": blocking_json(&o.blocking), "written_in": o.written_in.name(),
           "call": o.call, "end_line": o.end_line, "end_column": o.end_column,
           "why": o.why, "context": o.context})
}

fn fn_json(f: &FnSummary) -> Value {
    json!({"path": f.path, "is_method": f.is_method, "self_ty": f.self_ty,
           "is_async": f.is_async, "line": f.line, "column": f.column, "in_test": f.in_test,
           "blocking": f.blocking.iter().map(blocking_json).collect::<Vec<_>>(),
           "polled": f.polled.iter().map(blocking_json).collect::<Vec<_>>(),
           "calls": f.calls.iter().map(call_json).collect::<Vec<_>>(),
           "returns": f.returns,
           "once": f.once.iter().map(once_json).collect::<Vec<_>>(),
           "offloads_param": f.offloads_param})
}

fn imports_json(m: &ModuleImports) -> Value {
    json!({"module": m.module, "defined": m.defined, "names": m.names, "globs": m.globs})
}

/// The cache file's text for one dependency's summaries. Direct findings are not
/// stored: nothing inside a dependency is reported.
///
/// ```
/// let file: syn::File = syn::parse_str("pub fn f() { std::fs::read(\"a\").unwrap(); }").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "/dep/src/lib.rs", &[], false, &Default::default());
/// let text = blockwatch_lint::deps::encode(&[s.clone()], "k1", "dep 1.0.0");
/// let back = blockwatch_lint::deps::decode(&text, "k1").unwrap();
/// assert_eq!(back[0].fns, s.fns);
/// assert_eq!(back[0].imports, s.imports);
/// assert!(blockwatch_lint::deps::decode(&text, "other key").is_none());
/// assert!(blockwatch_lint::deps::decode(&text[..text.len() / 2], "k1").is_none());
/// ```
pub fn encode(files: &[FileSummary], key: &str, krate: &str) -> String {
    let files: Vec<Value> = files
        .iter()
        .map(|s| {
            json!({"file": s.file, "unchecked_deep": s.unchecked_deep,
                   "offload_wrappers": s.offload_wrappers,
                   "fns": s.fns.iter().map(fn_json).collect::<Vec<_>>(),
                   "imports": s.imports.iter().map(imports_json).collect::<Vec<_>>()})
        })
        .collect();
    json!({"format": FORMAT, "version": VERSION, "key": key, "crate": krate, "files": files})
        .to_string()
}

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_string)
}

fn number(v: &Value, key: &str) -> Option<usize> {
    usize::try_from(v.get(key)?.as_u64()?).ok()
}

fn flag(v: &Value, key: &str) -> Option<bool> {
    v.get(key)?.as_bool()
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn blocking_of(v: &Value) -> Option<BlockingCall> {
    Some(BlockingCall {
        resolved: string(v, "resolved")?,
        line: number(v, "line")?,
        column: number(v, "column")?,
        category: string(v, "category")?.parse::<Category>().ok()?,
        replacement: string(v, "replacement")?,
    })
}

fn call_of(v: &Value) -> Option<CallSite> {
    Some(CallSite {
        candidates: v
            .get("candidates")?
            .as_array()?
            .iter()
            .map(strings)
            .collect::<Option<_>>()?,
        method: match v.get("method")? {
            Value::Null => None,
            m => Some(m.as_str()?.to_string()),
        },
        call: string(v, "call")?,
        line: number(v, "line")?,
        column: number(v, "column")?,
        end_line: number(v, "end_line")?,
        end_column: number(v, "end_column")?,
        in_async: flag(v, "in_async")?,
        offloaded: flag(v, "offloaded")?,
        awaited: flag(v, "awaited")?,
        context: string(v, "context")?,
        in_test: flag(v, "in_test")?,
        receiver: strings(v.get("receiver")?)?,
        receiver_constructed: flag(v, "receiver_constructed")?,
        run_once: RunOnce::from_name(v.get("run_once")?.as_str()?)?,
        passes_param: flag(v, "passes_param")?,
        fn_args: list(v, "fn_args", arg_range_of)?,
    })
}

fn arg_range_of(v: &Value) -> Option<ArgRange> {
    let n = |i: usize| usize::try_from(v.get(i)?.as_u64()?).ok();
    Some(ArgRange {
        line: n(0)?,
        column: n(1)?,
        end_line: n(2)?,
        end_column: n(3)?,
    })
}

fn once_of(v: &Value) -> Option<OnceBlocking> {
    Some(OnceBlocking {
        blocking: blocking_of(v.get("blocking")?)?,
        written_in: RunOnce::from_name(v.get("written_in")?.as_str()?)?,
        call: string(v, "call")?,
        end_line: number(v, "end_line")?,
        end_column: number(v, "end_column")?,
        why: string(v, "why")?,
        context: string(v, "context")?,
    })
}

fn list<T>(v: &Value, key: &str, each: fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    v.get(key)?.as_array()?.iter().map(each).collect()
}

fn fn_of(v: &Value) -> Option<FnSummary> {
    Some(FnSummary {
        path: strings(v.get("path")?)?,
        is_method: flag(v, "is_method")?,
        self_ty: match v.get("self_ty")? {
            Value::Null => None,
            t => Some(t.as_str()?.to_string()),
        },
        is_async: flag(v, "is_async")?,
        line: number(v, "line")?,
        column: number(v, "column")?,
        in_test: flag(v, "in_test")?,
        blocking: list(v, "blocking", blocking_of)?,
        polled: list(v, "polled", blocking_of)?,
        calls: list(v, "calls", call_of)?,
        returns: strings(v.get("returns")?)?,
        once: list(v, "once", once_of)?,
        offloads_param: flag(v, "offloads_param")?,
    })
}

fn file_of(v: &Value) -> Option<FileSummary> {
    Some(FileSummary {
        file: string(v, "file")?,
        findings: Vec::new(),
        fns: list(v, "fns", fn_of)?,
        unchecked_deep: number(v, "unchecked_deep")?,
        offload_wrappers: strings(v.get("offload_wrappers")?)?,
        imports: list(v, "imports", imports_of)?,
        // Not cached: only the walks of the crate's own files read them.
        aliases: Vec::new(),
    })
}

fn imports_of(v: &Value) -> Option<ModuleImports> {
    let paths = |key: &str| -> Option<Vec<Vec<String>>> {
        v.get(key)?.as_array()?.iter().map(strings).collect()
    };
    let names = v
        .get("names")?
        .as_array()?
        .iter()
        .map(|pair| {
            let pair = pair.as_array()?;
            Some((pair.first()?.as_str()?.to_string(), strings(pair.get(1)?)?))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(ModuleImports {
        module: strings(v.get("module")?)?,
        defined: strings(v.get("defined")?)?,
        names,
        globs: paths("globs")?,
    })
}

/// Reads a cache file's text: `None` unless it is a whole, well-formed file of this
/// format and version with exactly this key.
pub fn decode(text: &str, key: &str) -> Option<Vec<FileSummary>> {
    let doc: Value = serde_json::from_str(text).ok()?;
    if doc.get("format")?.as_str()? != FORMAT
        || doc.get("version")?.as_u64()? != VERSION
        || doc.get("key")?.as_str()? != key
    {
        return None;
    }
    list(&doc, "files", file_of)
}

/// Writes `text` to `path` atomically: a temporary file next to it, then a rename, so a
/// reader sees the old file or the new one, never a part.
pub fn store(path: &Path, text: &str) -> std::io::Result<()> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}
