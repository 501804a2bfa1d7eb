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
//! that proves it, the quiet methods whose type and own name a blocking method shares,
//! without a body, and each file's offloading wrappers. A fn absent from the file does
//! nothing the call graph reports (the key also covers the keys of the crates it depends
//! on, whose fns its chains reach). Readers such as the attribute read it with
//! [`decode`] and place each file's summaries in the graph as a dependency unit.
//!
//! The format (see [`VERSION`]):
//!
//! ```text
//! { "format": "blockwatch-dependency-summaries", "version": <VERSION>, "key": "<16 hex digits>",
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
//!                "returns": ["crate::db::Store"], "offloads_param": false, "trait_impl": 0 } ],
//!     "traits": [ { "path": ["store", "Store"], "methods": ["load"] } ],
//!     "trait_impls": [ { "trait": "crate::store::Store", "self_ty": "Disk", "methods": ["load"],
//!                        "in_test": false } ],
//!     "imports": [ { "module": ["api"], "defined": ["load"],
//!                    "names": [["Pool", ["crate", "pool", "Pool"]]], "globs": [["crate", "db"]] } ] } ] }
//! ```

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

use super::json_reader::Reader;

use crate::run_once::{OnceBlocking, RunOnce};
use crate::summary::{BlockingCall, CallSite, FileSummary, FnSummary};
use crate::{ArgRange, Category, ModuleImports, TraitDecl, TraitImpl};

/// The `format` field of a cache file.
pub const FORMAT: &str = "blockwatch-dependency-summaries";
/// The version of the format.
pub const VERSION: u64 = 14;

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
           "offloads_param": f.offloads_param, "trait_impl": f.trait_impl})
}

fn trait_impl_json(t: &TraitImpl) -> Value {
    json!({"trait": t.trait_path, "self_ty": t.self_ty, "methods": t.methods,
           "in_test": t.in_test})
}

fn imports_json(m: &ModuleImports) -> Value {
    json!({"module": m.module, "defined": m.defined, "names": m.names, "globs": m.globs})
}

/// One file's record in a cache file (read back by [`file_of`]).
pub(super) fn file_json(s: &FileSummary) -> Value {
    json!({"file": s.file, "unchecked_deep": s.unchecked_deep,
           "offload_wrappers": s.offload_wrappers,
           "fns": s.fns.iter().map(fn_json).collect::<Vec<_>>(),
           "imports": s.imports.iter().map(imports_json).collect::<Vec<_>>(),
           "traits": s.traits.iter()
               .map(|t| json!({"path": t.path, "methods": t.methods}))
               .collect::<Vec<_>>(),
           "trait_impls": s.trait_impls.iter().map(trait_impl_json).collect::<Vec<_>>()})
}

/// The cache file's text for one dependency's summaries. Direct findings are not
/// stored: nothing inside a dependency is reported.
///
/// ```
/// let file: syn::File = syn::parse_str(
///     "pub fn f() { std::fs::read(\"a\").unwrap(); }\n\
///      pub trait Store { fn load(&self); }\n\
///      pub struct Disk; impl Store for Disk { fn load(&self) { f() } }").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "/dep/src/lib.rs", &[], false, &Default::default());
/// let text = blockwatch_lint::deps::encode(&[s.clone()], "k1", "dep 1.0.0");
/// let back = blockwatch_lint::deps::decode(&text, "k1").unwrap();
/// assert_eq!(back[0].fns, s.fns);
/// assert_eq!(back[0].fns[1].trait_impl, Some(0));
/// assert_eq!(back[0].imports, s.imports);
/// assert_eq!((&back[0].traits, &back[0].trait_impls), (&s.traits, &s.trait_impls));
/// assert!(blockwatch_lint::deps::decode(&text, "other key").is_none());
/// assert!(blockwatch_lint::deps::decode(&text[..text.len() / 2], "k1").is_none());
/// ```
pub fn encode(files: &[FileSummary], key: &str, krate: &str) -> String {
    let files: Vec<Value> = files.iter().map(file_json).collect();
    // The header first, so that a reader refuses a foreign or stale file before its files.
    format!(
        "{{\"format\":{},\"version\":{VERSION},\"key\":{},\"crate\":{},\"files\":{}}}",
        Value::from(FORMAT),
        Value::from(key),
        Value::from(krate),
        Value::Array(files)
    )
}

fn blocking_of(r: &mut Reader<'_>) -> Option<BlockingCall> {
    let (mut resolved, mut line, mut column, mut category, mut replacement) =
        (None, None, None, None, None);
    r.object(|r, key| {
        match key {
            "resolved" => resolved = Some(r.string()?),
            "line" => line = Some(r.usize()?),
            "column" => column = Some(r.usize()?),
            "category" => category = Some(r.str()?.parse::<Category>().ok()?),
            "replacement" => replacement = Some(r.string()?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(BlockingCall {
        resolved: resolved?,
        line: line?,
        column: column?,
        category: category?,
        replacement: replacement?,
    })
}

fn arg_range_of(r: &mut Reader<'_>) -> Option<ArgRange> {
    let n = r.list(Reader::usize)?;
    let [line, column, end_line, end_column] = n.as_slice() else {
        return None;
    };
    Some(ArgRange {
        line: *line,
        column: *column,
        end_line: *end_line,
        end_column: *end_column,
    })
}

fn run_once_of(r: &mut Reader<'_>) -> Option<RunOnce> {
    RunOnce::from_name(&r.str()?)
}

fn call_of(r: &mut Reader<'_>) -> Option<CallSite> {
    let mut candidates = None;
    let mut method = None;
    let mut call = None;
    let [mut line, mut column, mut end_line, mut end_column] = [None; 4];
    let [mut in_async, mut offloaded, mut awaited, mut in_test] = [None; 4];
    let [mut receiver_constructed, mut passes_param] = [None; 2];
    let mut context = None;
    let mut receiver = None;
    let mut run_once = None;
    let mut fn_args = None;
    r.object(|r, key| {
        match key {
            "candidates" => candidates = Some(r.list(Reader::strings)?),
            "method" => method = Some(r.optional_string()?),
            "call" => call = Some(r.string()?),
            "line" => line = Some(r.usize()?),
            "column" => column = Some(r.usize()?),
            "end_line" => end_line = Some(r.usize()?),
            "end_column" => end_column = Some(r.usize()?),
            "in_async" => in_async = Some(r.bool()?),
            "offloaded" => offloaded = Some(r.bool()?),
            "awaited" => awaited = Some(r.bool()?),
            "context" => context = Some(r.string()?),
            "in_test" => in_test = Some(r.bool()?),
            "receiver" => receiver = Some(r.strings()?),
            "receiver_constructed" => receiver_constructed = Some(r.bool()?),
            "run_once" => run_once = Some(run_once_of(r)?),
            "passes_param" => passes_param = Some(r.bool()?),
            "fn_args" => fn_args = Some(r.list(arg_range_of)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(CallSite {
        candidates: candidates?,
        method: method?,
        call: call?,
        line: line?,
        column: column?,
        end_line: end_line?,
        end_column: end_column?,
        in_async: in_async?,
        offloaded: offloaded?,
        awaited: awaited?,
        context: context?,
        in_test: in_test?,
        receiver: receiver?,
        receiver_constructed: receiver_constructed?,
        run_once: run_once?,
        passes_param: passes_param?,
        fn_args: fn_args?,
    })
}

fn once_of(r: &mut Reader<'_>) -> Option<OnceBlocking> {
    let (mut blocking, mut written_in, mut call, mut why, mut context) =
        (None, None, None, None, None);
    let (mut end_line, mut end_column) = (None, None);
    r.object(|r, key| {
        match key {
            "blocking" => blocking = Some(blocking_of(r)?),
            "written_in" => written_in = Some(run_once_of(r)?),
            "call" => call = Some(r.string()?),
            "end_line" => end_line = Some(r.usize()?),
            "end_column" => end_column = Some(r.usize()?),
            "why" => why = Some(r.string()?),
            "context" => context = Some(r.string()?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(OnceBlocking {
        blocking: blocking?,
        written_in: written_in?,
        call: call?,
        end_line: end_line?,
        end_column: end_column?,
        why: why?,
        context: context?,
    })
}

fn fn_of(r: &mut Reader<'_>) -> Option<FnSummary> {
    let (mut path, mut self_ty, mut returns) = (None, None, None);
    let [mut is_method, mut is_async, mut in_test, mut offloads_param] = [None; 4];
    let (mut line, mut column) = (None, None);
    let (mut blocking, mut polled, mut calls, mut once) = (None, None, None, None);
    let mut trait_impl = None;
    r.object(|r, key| {
        match key {
            "path" => path = Some(r.strings()?),
            "is_method" => is_method = Some(r.bool()?),
            "self_ty" => self_ty = Some(r.optional_string()?),
            "is_async" => is_async = Some(r.bool()?),
            "line" => line = Some(r.usize()?),
            "column" => column = Some(r.usize()?),
            "in_test" => in_test = Some(r.bool()?),
            "blocking" => blocking = Some(r.list(blocking_of)?),
            "polled" => polled = Some(r.list(blocking_of)?),
            "calls" => calls = Some(r.list(call_of)?),
            "returns" => returns = Some(r.strings()?),
            "once" => once = Some(r.list(once_of)?),
            "offloads_param" => offloads_param = Some(r.bool()?),
            "trait_impl" => trait_impl = Some(optional_usize(r)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(FnSummary {
        path: path?,
        is_method: is_method?,
        self_ty: self_ty?,
        is_async: is_async?,
        line: line?,
        column: column?,
        in_test: in_test?,
        blocking: blocking?,
        polled: polled?,
        calls: calls?,
        returns: returns?,
        once: once?,
        offloads_param: offloads_param?,
        trait_impl: trait_impl?,
    })
}

fn optional_usize(r: &mut Reader<'_>) -> Option<Option<usize>> {
    if r.peek()? == b'n' {
        r.null()?;
        return Some(None);
    }
    r.usize().map(Some)
}

fn trait_decl_of(r: &mut Reader<'_>) -> Option<TraitDecl> {
    let (mut path, mut methods) = (None, None);
    r.object(|r, key| {
        match key {
            "path" => path = Some(r.strings()?),
            "methods" => methods = Some(r.strings()?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(TraitDecl::new(path?, methods?))
}

fn trait_impl_of(r: &mut Reader<'_>) -> Option<TraitImpl> {
    let (mut trait_path, mut self_ty, mut methods, mut in_test) = (None, None, None, None);
    r.object(|r, key| {
        match key {
            "trait" => trait_path = Some(r.string()?),
            "self_ty" => self_ty = Some(r.optional_string()?),
            "methods" => methods = Some(r.strings()?),
            "in_test" => in_test = Some(r.bool()?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(TraitImpl {
        trait_path: trait_path?,
        self_ty: self_ty?,
        methods: methods?,
        in_test: in_test?,
    })
}

fn name_of(r: &mut Reader<'_>) -> Option<(String, Vec<String>)> {
    let mut pair = None;
    let mut index = 0;
    let mut name = None;
    r.array(|r| {
        match index {
            0 => name = Some(r.string()?),
            1 => pair = Some((name.take()?, r.strings()?)),
            _ => return None,
        }
        index += 1;
        Some(())
    })?;
    pair
}

fn imports_of(r: &mut Reader<'_>) -> Option<ModuleImports> {
    let (mut module, mut defined, mut names, mut globs) = (None, None, None, None);
    r.object(|r, key| {
        match key {
            "module" => module = Some(r.strings()?),
            "defined" => defined = Some(r.strings()?),
            "names" => names = Some(r.list(name_of)?),
            "globs" => globs = Some(r.list(Reader::strings)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(ModuleImports {
        module: module?,
        defined: defined?,
        names: names?,
        globs: globs?,
    })
}

/// One file's record of a cache file, as [`file_json`] wrote it.
pub(super) fn file_of(r: &mut Reader<'_>) -> Option<FileSummary> {
    let (mut file, mut fns, mut unchecked_deep, mut offload_wrappers, mut imports) =
        (None, None, None, None, None);
    let (mut traits, mut trait_impls) = (None, None);
    r.object(|r, key| {
        match key {
            "file" => file = Some(r.string()?),
            "fns" => fns = Some(r.list(fn_of)?),
            "unchecked_deep" => unchecked_deep = Some(r.usize()?),
            "offload_wrappers" => offload_wrappers = Some(r.strings()?),
            "imports" => imports = Some(r.list(imports_of)?),
            "traits" => traits = Some(r.list(trait_decl_of)?),
            "trait_impls" => trait_impls = Some(r.list(trait_impl_of)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    Some(FileSummary {
        file: file?,
        findings: Vec::new(),
        fns: fns?,
        unchecked_deep: unchecked_deep?,
        offload_wrappers: offload_wrappers?,
        imports: imports?,
        // Not cached: only the walks of the crate's own files read them.
        aliases: Vec::new(),
        traits: traits?,
        trait_impls: trait_impls?,
    })
}

/// Reads a cache file's text: `None` unless it is a whole, well-formed file of this
/// format and version with exactly this key.
pub fn decode(text: &str, key: &str) -> Option<Vec<FileSummary>> {
    let mut r = Reader::new(text);
    let (mut format_ok, mut version_ok, mut key_ok) = (false, false, false);
    let mut files = None;
    r.object(|r, field| {
        match field {
            "format" => format_ok = r.str()? == FORMAT,
            "version" => version_ok = r.u64()? == VERSION,
            "key" => key_ok = r.str()? == key,
            // Read only when the header (written first) already matched.
            "files" if format_ok && version_ok && key_ok => files = Some(r.list(file_of)?),
            _ => r.skip_value()?,
        }
        Some(())
    })?;
    r.end()?;
    (format_ok && version_ok && key_ok)
        .then_some(files)
        .flatten()
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
