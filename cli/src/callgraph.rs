//! Interprocedural analysis across the workspace: a sync fn that (transitively) calls a
//! blocking API is itself blocking, and calling it from async context is reported at the
//! call site, with the chain of calls down to the blocking API.
//!
//! Rules:
//! - Only sync fns propagate. An async fn's own blocking calls are reported inside it
//!   (directly by the engine), and calling an async fn only builds a future.
//! - A fn blocks when its body, run synchronously, reaches a blocking catalog call, or a
//!   call (not in an async block, not in a closure given to `spawn_blocking` & co.) to a
//!   workspace fn that blocks. Computed breadth-first from the direct blockers up the
//!   reverse call edges, so each fn's chain is a shortest one, cycles (recursion)
//!   terminate, and the work is linear in the number of calls.
//! - Path calls (`helper()`, `crate::db::load()`, `Store::open(..)`, `other_crate::f()`)
//!   match fns by their absolute path, in the caller's crate, or in the workspace crate
//!   whose name is the first segment.
//! - Method calls (`x.load_all()`) carry no type, so they are matched by name against
//!   the methods (fns inside `impl` blocks) of the whole workspace, conservatively: never
//!   when awaited, never for names common on std types (`get`, `read`, `load`, ...,
//!   see [`AMBIGUOUS_METHOD_NAMES`]), and only when every workspace method of that name
//!   blocks (which, for a unique name, is that one method).

use std::collections::{HashMap, VecDeque};

use blockwatch_lint::{Category, Certainty, ChainLink};

use crate::diagnostic::Diagnostic;

/// A catalog call reached when a fn runs synchronously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blocker {
    /// The blocking API (`std::fs::read_to_string`).
    pub(crate) resolved: String,
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column.
    pub(crate) column: usize,
    /// Its category.
    pub(crate) category: Category,
    /// Its async replacement.
    pub(crate) replacement: String,
}

/// A call from a fn's body to something that may be a workspace fn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    /// Candidate absolute paths (empty for method calls).
    pub(crate) candidates: Vec<Vec<String>>,
    /// The method name for `x.name(..)`.
    pub(crate) method: Option<String>,
    /// The call as written.
    pub(crate) call: String,
    /// 1-based start line.
    pub(crate) line: usize,
    /// 1-based start column.
    pub(crate) column: usize,
    /// 1-based end line.
    pub(crate) end_line: usize,
    /// 1-based column past the end.
    pub(crate) end_column: usize,
    /// In async context.
    pub(crate) in_async: bool,
    /// In a closure given to an offloading fn.
    pub(crate) offloaded: bool,
    /// Awaited.
    pub(crate) awaited: bool,
    /// The async context's description.
    pub(crate) context: String,
    /// In test code.
    pub(crate) in_test: bool,
}

/// One workspace fn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphFn {
    /// The crate (target) it belongs to.
    pub(crate) unit: usize,
    /// Module path + [Self type] + name, inside its crate.
    pub(crate) path: Vec<String>,
    /// Whether it is a method (declared in an `impl` or `trait` block).
    pub(crate) is_method: bool,
    /// Declared `async`.
    pub(crate) is_async: bool,
    /// Its file, relative to the scanned root.
    pub(crate) file: String,
    /// In test code.
    pub(crate) in_test: bool,
    /// Blocking catalog calls its synchronous body makes.
    pub(crate) blocking: Vec<Blocker>,
    /// Its calls.
    pub(crate) calls: Vec<Call>,
}

/// Method names too common on std and popular library types to be matched by name alone:
/// `x.get(k)` is far more often a map than the workspace's own `get`.
pub(crate) const AMBIGUOUS_METHOD_NAMES: &[&str] = &[
    "and_then",
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "call",
    "clear",
    "clone",
    "close",
    "cmp",
    "collect",
    "contains",
    "contains_key",
    "count",
    "deref",
    "drop",
    "entry",
    "eq",
    "expect",
    "extend",
    "filter",
    "find",
    "first",
    "flush",
    "fmt",
    "from",
    "get",
    "get_mut",
    "hash",
    "insert",
    "into",
    "into_iter",
    "is_empty",
    "iter",
    "iter_mut",
    "join",
    "last",
    "len",
    "load",
    "lock",
    "map",
    "max",
    "min",
    "next",
    "ok",
    "open",
    "parse",
    "poll",
    "pop",
    "push",
    "read",
    "recv",
    "remove",
    "replace",
    "run",
    "send",
    "set",
    "spawn",
    "split",
    "start",
    "store",
    "sum",
    "swap",
    "take",
    "to_owned",
    "to_string",
    "try_recv",
    "unwrap",
    "wait",
    "with",
    "write",
];

/// Why a fn blocks.
#[derive(Debug, Clone, Copy)]
enum Witness {
    /// It makes this blocking catalog call (index into `blocking`).
    Direct(usize),
    /// It makes this call (index into `calls`) to this blocking fn.
    Via { call: usize, callee: usize },
}

/// How a call's targets must block for the call to block.
enum Targets {
    /// Path call: any of these (cfg variants of one fn).
    Any(Vec<usize>),
    /// Method call: all of these (every workspace method of that name).
    All(Vec<usize>),
}

/// The workspace call graph.
pub(crate) struct Graph<'a> {
    fns: &'a [GraphFn],
    by_path: HashMap<(usize, &'a [String]), Vec<usize>>,
    methods: HashMap<&'a str, Vec<usize>>,
    crates: &'a HashMap<String, usize>,
    /// The targets of each call of each fn, resolved once: `targets[fn][call]`.
    targets: Vec<Vec<Option<Targets>>>,
    witness: Vec<Option<Witness>>,
}

impl<'a> Graph<'a> {
    /// Builds the graph. `crates` maps the name of each library crate of the workspace
    /// to its unit, for `other_crate::path` calls.
    pub(crate) fn new(fns: &'a [GraphFn], crates: &'a HashMap<String, usize>) -> Self {
        let mut by_path: HashMap<(usize, &[String]), Vec<usize>> = HashMap::new();
        let mut methods: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in fns.iter().enumerate() {
            by_path
                .entry((f.unit, f.path.as_slice()))
                .or_default()
                .push(i);
            if f.is_method {
                if let Some(name) = f.path.last() {
                    methods.entry(name.as_str()).or_default().push(i);
                }
            }
        }
        let mut graph = Graph {
            fns,
            by_path,
            methods,
            crates,
            targets: Vec::new(),
            witness: vec![None; fns.len()],
        };
        graph.targets = fns
            .iter()
            .enumerate()
            .map(|(i, f)| f.calls.iter().map(|c| graph.resolve(i, c)).collect())
            .collect();
        graph.solve();
        graph
    }

    fn resolve(&self, caller: usize, call: &Call) -> Option<Targets> {
        let unit = self.fns[caller].unit;
        if let Some(name) = &call.method {
            if call.candidates.is_empty() {
                if call.awaited || AMBIGUOUS_METHOD_NAMES.contains(&name.as_str()) {
                    return None;
                }
                let all = self.methods.get(name.as_str())?;
                let sync: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| !self.fns[i].is_async)
                    .collect();
                // An async method of the same name makes the call ambiguous: give up.
                if sync.len() != all.len() || sync.is_empty() {
                    return None;
                }
                return Some(Targets::All(sync));
            }
        }
        for candidate in &call.candidates {
            let mut found: Vec<usize> = Vec::new();
            if let Some(ids) = self.by_path.get(&(unit, candidate.as_slice())) {
                found.extend(ids);
            }
            if let Some((first, rest)) = candidate.split_first() {
                if let Some(&other) = self.crates.get(first) {
                    if let Some(ids) = self.by_path.get(&(other, rest)) {
                        found.extend(ids);
                    }
                }
            }
            if !found.is_empty() {
                found.retain(|&i| !self.fns[i].is_async);
                return (!found.is_empty()).then_some(Targets::Any(found));
            }
        }
        None
    }

    /// The blocking fn that call `call` of fn `caller` reaches, if the call blocks.
    fn blocking_target(&self, caller: usize, call: usize) -> Option<usize> {
        match self.targets.get(caller)?.get(call)?.as_ref()? {
            Targets::Any(ids) => ids.iter().copied().find(|&i| self.witness[i].is_some()),
            Targets::All(ids) => {
                if ids.iter().all(|&i| self.witness[i].is_some()) {
                    ids.first().copied()
                } else {
                    None
                }
            }
        }
    }

    /// Breadth-first from the fns that block directly, up the reverse call edges: each
    /// fn is marked once, by a shortest chain, and cycles end because a marked fn is
    /// never visited again. Linear in the number of call edges.
    fn solve(&mut self) {
        let mut callers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.fns.len()];
        for (i, f) in self.fns.iter().enumerate() {
            if f.is_async {
                continue;
            }
            for (c, call) in f.calls.iter().enumerate() {
                if call.in_async || call.offloaded {
                    continue;
                }
                let ids = match &self.targets[i][c] {
                    Some(Targets::Any(ids) | Targets::All(ids)) => ids,
                    None => continue,
                };
                for &t in ids {
                    callers[t].push((i, c));
                }
            }
        }
        let mut queue = VecDeque::new();
        for (i, f) in self.fns.iter().enumerate() {
            if !f.is_async && !f.blocking.is_empty() {
                self.witness[i] = Some(Witness::Direct(0));
                queue.push_back(i);
            }
        }
        while let Some(t) = queue.pop_front() {
            for &(i, c) in &callers[t] {
                if self.witness[i].is_some() {
                    continue;
                }
                if let Some(callee) = self.blocking_target(i, c) {
                    self.witness[i] = Some(Witness::Via { call: c, callee });
                    queue.push_back(i);
                }
            }
        }
    }

    /// Whether the fn at index `i` blocks when called synchronously.
    #[cfg(test)]
    pub(crate) fn is_blocking(&self, i: usize) -> bool {
        self.witness[i].is_some()
    }

    /// The fn's path as the caller would write it: prefixed with its crate's name when
    /// it lives in another crate of the workspace.
    fn display_path(&self, i: usize, from_unit: usize) -> String {
        let f = &self.fns[i];
        let own = f.path.join("::");
        if f.unit == from_unit {
            return own;
        }
        match self.crates.iter().find(|(_, &u)| u == f.unit) {
            Some((name, _)) => format!("{name}::{own}"),
            None => own,
        }
    }

    /// The chain from blocking fn `i` down to the blocking API, and that API's blocker.
    fn chain(&self, mut i: usize) -> Option<(Vec<ChainLink>, &'a Blocker)> {
        let mut links = Vec::new();
        loop {
            let f = &self.fns[i];
            match self.witness[i] {
                Some(Witness::Via { call, callee }) => {
                    let c = f.calls.get(call)?;
                    links.push(ChainLink {
                        callee: self.display_path(callee, f.unit),
                        file: f.file.clone(),
                        line: c.line,
                        column: c.column,
                    });
                    i = callee;
                }
                Some(Witness::Direct(b)) => {
                    let b = f.blocking.get(b)?;
                    links.push(ChainLink {
                        callee: b.resolved.clone(),
                        file: f.file.clone(),
                        line: b.line,
                        column: b.column,
                    });
                    return Some((links, b));
                }
                None => return None,
            }
        }
    }

    /// Findings: calls in async context (not offloaded) to blocking workspace fns.
    pub(crate) fn findings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, f) in self.fns.iter().enumerate() {
            for (c, call) in f.calls.iter().enumerate() {
                if !call.in_async || call.offloaded {
                    continue;
                }
                let Some(callee) = self.blocking_target(i, c) else {
                    continue;
                };
                let Some((chain, blocker)) = self.chain(callee) else {
                    continue;
                };
                let callee_path = self.display_path(callee, f.unit);
                let mut message = format!(
                    "`{}` blocks the executor thread in {}",
                    call.call, call.context
                );
                for link in &chain {
                    message.push_str(": calls ");
                    message.push_str(&link.to_string());
                }
                out.push(Diagnostic {
                    file: f.file.clone(),
                    line: call.line,
                    column: call.column,
                    end_line: call.end_line,
                    end_column: call.end_column,
                    call: call.call.clone(),
                    resolved: callee_path.clone(),
                    certainty: Certainty::Transitive,
                    category: blocker.category,
                    in_test: call.in_test || f.in_test,
                    why: format!(
                        "`{callee_path}` is a sync fn that reaches the blocking `{}`",
                        blocker.resolved
                    ),
                    replacement: format!(
                        "move the call into `tokio::task::spawn_blocking(move || ..).await`, or \
                         make `{callee_path}` async and use `{}` in it",
                        blocker.replacement
                    ),
                    context: call.context.clone(),
                    chain,
                    message,
                    fix: None,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split("::").map(str::to_string).collect()
    }

    fn sync_fn(p: &str, file: &str) -> GraphFn {
        GraphFn {
            unit: 0,
            path: path(p),
            is_method: false,
            is_async: false,
            file: file.into(),
            in_test: false,
            blocking: Vec::new(),
            calls: Vec::new(),
        }
    }

    fn blocker(api: &str, line: usize) -> Blocker {
        Blocker {
            resolved: api.into(),
            line,
            column: 5,
            category: Category::Fs,
            replacement: "tokio::fs::read_to_string(..).await".into(),
        }
    }

    fn call_to(p: &str, line: usize, in_async: bool) -> Call {
        Call {
            candidates: vec![path(p)],
            method: None,
            call: format!("{}()", path(p).last().unwrap()),
            line,
            column: 9,
            end_line: line,
            end_column: 20,
            in_async,
            offloaded: false,
            awaited: false,
            context: "async fn `main`".into(),
            in_test: false,
        }
    }

    fn method_call(name: &str, line: usize) -> Call {
        Call {
            candidates: Vec::new(),
            method: Some(name.into()),
            call: format!(".{name}()"),
            ..call_to("x", line, true)
        }
    }

    fn async_fn(p: &str, calls: Vec<Call>) -> GraphFn {
        GraphFn {
            is_async: true,
            calls,
            ..sync_fn(p, "src/main.rs")
        }
    }

    #[test]
    fn chain_across_files_is_reported_at_the_async_call_site() {
        let mut load = sync_fn("config::load_settings", "src/config.rs");
        load.calls.push(call_to("config::read_raw", 4, false));
        let mut raw = sync_fn("config::read_raw", "src/config.rs");
        raw.blocking.push(blocker("std::fs::read_to_string", 12));
        let main = async_fn("main", vec![call_to("config::load_settings", 3, true)]);
        let fns = vec![load, raw, main];
        let crates = HashMap::new();
        let graph = Graph::new(&fns, &crates);
        let found = graph.findings();
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!((d.file.as_str(), d.line), ("src/main.rs", 3));
        assert_eq!(d.certainty, Certainty::Transitive);
        assert_eq!(d.category, Category::Fs);
        assert_eq!(d.resolved, "config::load_settings");
        assert_eq!(
            d.message,
            "`load_settings()` blocks the executor thread in async fn `main`: calls \
             `config::read_raw` at src/config.rs:4: calls `std::fs::read_to_string` at \
             src/config.rs:12"
        );
        assert_eq!(d.blocking_api(), "std::fs::read_to_string");
    }

    #[test]
    fn offloaded_and_sync_calls_are_not_reported() {
        let mut helper = sync_fn("helper", "src/lib.rs");
        helper.blocking.push(blocker("std::fs::read", 2));
        let mut offloaded = call_to("helper", 8, true);
        offloaded.offloaded = true;
        let mut sync_caller = sync_fn("sync_caller", "src/lib.rs");
        sync_caller.calls.push(call_to("helper", 9, false));
        let fns = vec![helper, async_fn("main", vec![offloaded]), sync_caller];
        let crates = HashMap::new();
        let graph = Graph::new(&fns, &crates);
        assert!(graph.findings().is_empty());
        assert!(
            graph.is_blocking(2),
            "a sync caller of a blocking fn blocks"
        );
    }

    #[test]
    fn recursion_terminates() {
        let mut a = sync_fn("a", "src/lib.rs");
        a.calls.push(call_to("b", 1, false));
        let mut b = sync_fn("b", "src/lib.rs");
        b.calls.push(call_to("a", 2, false));
        let mut c = sync_fn("c", "src/lib.rs");
        c.calls.push(call_to("c", 3, false));
        c.calls.push(call_to("a", 3, false));
        let fns = vec![a, b, c, async_fn("main", vec![call_to("a", 5, true)])];
        let crates = HashMap::new();
        let graph = Graph::new(&fns, &crates);
        assert!(graph.findings().is_empty());
        assert!(!(0..3).any(|i| graph.is_blocking(i)));

        // The same cycle with a blocking call in it: every member blocks.
        let mut fns = fns;
        fns[1].blocking.push(blocker("std::thread::sleep", 2));
        let graph = Graph::new(&fns, &crates);
        assert!((0..3).all(|i| graph.is_blocking(i)));
        assert_eq!(graph.findings().len(), 1);
    }

    #[test]
    fn methods_match_by_unique_name_or_when_all_block() {
        let mut store_get = sync_fn("db::Store::fetch_user", "src/db.rs");
        store_get.is_method = true;
        store_get.blocking.push(blocker("std::fs::read", 7));
        let main = async_fn(
            "main",
            vec![method_call("fetch_user", 3), method_call("render", 4)],
        );
        // Two `render` methods: one blocks, one does not -> not reported.
        let mut r1 = sync_fn("ui::Page::render", "src/ui.rs");
        r1.is_method = true;
        r1.blocking.push(blocker("std::fs::read", 1));
        let mut r2 = sync_fn("ui::Card::render", "src/ui.rs");
        r2.is_method = true;
        let fns = vec![store_get, main, r1.clone(), r2.clone()];
        let crates = HashMap::new();
        let found = Graph::new(&fns, &crates).findings();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].resolved, "db::Store::fetch_user");

        // Both `render` methods block -> reported.
        r2.blocking.push(blocker("std::fs::write", 2));
        let fns = vec![fns[0].clone(), fns[1].clone(), r1, r2];
        assert_eq!(Graph::new(&fns, &crates).findings().len(), 2);
    }

    #[test]
    fn ambiguous_or_awaited_method_calls_are_not_matched() {
        let mut load = sync_fn("Store::load", "src/lib.rs");
        load.is_method = true;
        load.blocking.push(blocker("std::fs::read", 1));
        let mut fetch = sync_fn("Store::fetch", "src/lib.rs");
        fetch.is_method = true;
        fetch.blocking.push(blocker("std::fs::read", 2));
        let mut awaited = method_call("fetch", 5);
        awaited.awaited = true;
        let fns = vec![
            load,
            fetch,
            async_fn("main", vec![method_call("load", 4), awaited]),
        ];
        let crates = HashMap::new();
        assert!(Graph::new(&fns, &crates).findings().is_empty());
    }

    #[test]
    fn cross_crate_paths_resolve_through_the_crate_name() {
        let mut lib_fn = sync_fn("store::open_db", "core/src/store.rs");
        lib_fn.unit = 1;
        lib_fn.blocking.push(blocker("std::fs::read", 3));
        let fns = vec![
            lib_fn,
            async_fn("main", vec![call_to("my_core::store::open_db", 2, true)]),
        ];
        let crates = HashMap::from([("my_core".to_string(), 1)]);
        let found = Graph::new(&fns, &crates).findings();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].chain[0].file, "core/src/store.rs");
        assert_eq!(found[0].resolved, "my_core::store::open_db");
    }
}
