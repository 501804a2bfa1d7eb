//! The async-context visitor: walks a syn tree keeping track of the async context,
//! the scopes for name resolution and where receiver values came from, and matches
//! every call against the catalog.
//!
//! Recursion depth is capped at [`MAX_DEPTH`] nested expressions/blocks/items: beyond
//! it the visitor stops descending (and reports nothing deeper), so that pathological
//! input cannot overflow the caller's stack.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ImplItemFn, Item, ItemFn, ItemImpl, ItemMod, Pat, Signature, Stmt};

use crate::matcher::{Hit, Matcher};
use crate::resolve::{path_segments, type_paths, Origin, Resolution, Scope, Scopes, CRATE};
use crate::summary::{BlockingCall, CallSite, FnSummary};
use crate::{Certainty, Finding};

/// How deep the visitor descends into nested expressions, blocks and items.
pub const MAX_DEPTH: usize = 256;

/// How far back a receiver chain is followed to find where its value came from.
const MAX_CHAIN: usize = 64;

/// Traits whose `poll*` methods run on the executor thread.
const POLL_TRAITS: &[&str] = &[
    "Future",
    "Stream",
    "AsyncRead",
    "AsyncWrite",
    "AsyncBufRead",
    "AsyncSeek",
    "Sink",
    "AsyncIterator",
    "FusedFuture",
    "FusedStream",
];

/// Names of fns and methods whose sync closure arguments run off the executor thread.
pub(crate) const OFFLOADERS: &[&str] = &[
    "spawn_blocking",
    "block_in_place",
    "unblock",
    "spawn",
    "spawn_fifo",
    "spawn_scoped",
];

/// Whether code runs on the executor thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Plain sync code (runs wherever its caller runs).
    Sync,
    /// Async code: runs on the executor thread.
    Async,
    /// A closure handed to an offloading fn: runs on another thread.
    Offloaded,
}

/// The context at the current point of the walk.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub kind: Kind,
    pub desc: Rc<str>,
    pub in_test: bool,
}

/// Marks on expressions, by address, set by a parent before visiting a child.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    /// The value is awaited (directly, or by a macro such as `select!`).
    awaited: bool,
    /// A closure given to an offloading fn.
    offloaded: bool,
}

/// The visitor. One per check; not `Send` (holds spans).
pub(crate) struct Analyzer<'m> {
    matcher: &'m Matcher,
    pub(crate) scopes: Scopes,
    module_path: Vec<String>,
    self_ty: Option<Vec<String>>,
    ctx: Ctx,
    depth: usize,
    /// How many macro bodies enclose the current point.
    pub(crate) macro_depth: usize,
    marks: HashMap<usize, Marks>,
    pub findings: Vec<Finding>,
    summarize: bool,
    pub fns: Vec<FnSummary>,
    fn_stack: Vec<FnSummary>,
    /// Offloading wrappers defined in the checked code (see [`crate::wrappers`]).
    pub(crate) wrappers: HashSet<String>,
    /// Field types of structs defined in the checked code, by struct path: so that
    /// `self.log.flush()` knows `log` is a `std::fs::File`.
    fields: HashMap<String, HashMap<String, Rc<[Origin]>>>,
    /// Return types of fns defined in the checked code, by fn path.
    returns: HashMap<String, Rc<[Origin]>>,
}

fn addr(e: &Expr) -> usize {
    e as *const Expr as usize
}

/// Strips parentheses and invisible groups.
fn peel(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => return e,
        }
    }
}

/// Whether attributes carry the escape hatch `#[allow_blocking]` /
/// `#[blockwatch::allow_blocking(reason = "..")]`.
pub(crate) fn has_allow(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        let segs: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match segs.as_slice() {
            [one] => one == "allow_blocking",
            [krate, name] => krate == "blockwatch" && name == "allow_blocking",
            _ => false,
        }
    })
}

/// Whether attributes mark test code: `#[test]`, `#[tokio::test]`, `#[cfg(test)]`.
fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        if path.is_ident("cfg") {
            if let syn::Meta::List(list) = &a.meta {
                // `cfg(test)`, `cfg(all(test, feature = "x"))`; not `cfg(not(test))`.
                let text: String = list.tokens.to_string().split_whitespace().collect();
                let has_test = text
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == "test");
                return has_test && !text.contains("not(test)");
            }
        }
        false
    })
}

/// The last segment of a type's path (`Store` for `crate::db::Store<T>`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(tp) => tp.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        _ => None,
    }
}

/// Idents bound by a pattern.
fn pat_idents(pat: &Pat, out: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match pat {
        Pat::Ident(i) => {
            out.push(i.ident.to_string());
            if let Some((_, sub)) = &i.subpat {
                pat_idents(sub, out, depth + 1);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        Pat::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| pat_idents(&f.pat, out, depth + 1)),
        Pat::Reference(r) => pat_idents(&r.pat, out, depth + 1),
        Pat::Type(t) => pat_idents(&t.pat, out, depth + 1),
        Pat::Paren(p) => pat_idents(&p.pat, out, depth + 1),
        Pat::Or(o) => o.cases.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        _ => {}
    }
}

/// The call as written, shortened: `std::thread::sleep(..)`, `sleep()`.
fn path_call_text(path: &syn::Path, has_args: bool) -> String {
    let mut s = String::new();
    if path.leading_colon.is_some() {
        s.push_str("::");
    }
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.to_string());
    }
    s.push_str(if has_args { "(..)" } else { "()" });
    s
}

impl<'m> Analyzer<'m> {
    pub fn new(
        matcher: &'m Matcher,
        module_path: Vec<String>,
        in_test: bool,
        summarize: bool,
    ) -> Self {
        Analyzer {
            matcher,
            scopes: Scopes::default(),
            module_path,
            self_ty: None,
            ctx: Ctx {
                kind: Kind::Sync,
                desc: Rc::from("sync code"),
                in_test,
            },
            depth: 0,
            macro_depth: 0,
            marks: HashMap::new(),
            findings: Vec::new(),
            summarize,
            fns: Vec::new(),
            fn_stack: Vec::new(),
            wrappers: HashSet::new(),
            fields: HashMap::new(),
            returns: HashMap::new(),
        }
    }

    /// Runs `f` one level deeper, unless the depth cap is reached.
    fn deeper(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    /// Runs `f` in context `ctx`, restoring the current one after.
    fn in_ctx(&mut self, ctx: Ctx, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.ctx, ctx);
        f(self);
        self.ctx = saved;
    }

    fn mark(&mut self, e: &Expr, awaited: bool, offloaded: bool) {
        let m = self.marks.entry(addr(peel(e))).or_default();
        m.awaited |= awaited;
        m.offloaded |= offloaded;
    }

    /// Visits expressions that a macro (`select!`, `join!`) awaits.
    pub(crate) fn visit_awaited(&mut self, e: &Expr) {
        self.mark(e, true, false);
        self.visit_expr(e);
    }

    fn resolve(&self, path: &syn::Path) -> Resolution {
        let segs = path_segments(path);
        self.scopes.resolve(
            &segs,
            path.leading_colon.is_some(),
            &self.module_path,
            self.self_ty.as_deref(),
        )
    }

    /// Where the value of `e` came from: paths called (or types named) while building it.
    fn origins(&self, e: &Expr, out: &mut Vec<Origin>, depth: usize) {
        if depth > MAX_CHAIN {
            return;
        }
        match e {
            Expr::MethodCall(m) => self.origins(&m.receiver, out, depth + 1),
            Expr::Call(c) => {
                if let Expr::Path(p) = peel(&c.func) {
                    self.push_origin(&p.path, out);
                    // Wrappers keep what they wrap: `BufReader::new(file)`,
                    // `Arc::new((Mutex::new(..), Condvar::new()))`, `Box::from(..)`.
                    let wraps = p.path.segments.last().is_some_and(|s| {
                        let name = s.ident.to_string();
                        name.starts_with("new") || name == "from"
                    });
                    if wraps {
                        for arg in &c.args {
                            self.origins(arg, out, depth + 1);
                        }
                    }
                }
            }
            Expr::Path(p) if p.qself.is_none() => {
                if let Some(ident) = p.path.get_ident() {
                    if let Some(origins) = self.scopes.local(&ident.to_string()) {
                        out.extend(origins.iter().cloned());
                        return;
                    }
                }
                self.push_origin(&p.path, out);
            }
            Expr::Field(f) => {
                let mut base = Vec::new();
                self.origins(&f.base, &mut base, depth + 1);
                let member = match &f.member {
                    syn::Member::Named(i) => i.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                let mut known = false;
                for o in base.iter().filter(|o| o.exact) {
                    if let Some(field) = self.fields.get(&o.path).and_then(|fs| fs.get(&member)) {
                        out.extend(field.iter().cloned());
                        known = true;
                    }
                }
                if !known {
                    // A tuple or a type defined elsewhere: keep what the base came from.
                    out.extend(base);
                }
            }
            Expr::Try(t) => self.origins(&t.expr, out, depth + 1),
            Expr::Paren(p) => self.origins(&p.expr, out, depth + 1),
            Expr::Group(g) => self.origins(&g.expr, out, depth + 1),
            Expr::Reference(r) => self.origins(&r.expr, out, depth + 1),
            Expr::Unary(u) => self.origins(&u.expr, out, depth + 1),
            Expr::Cast(c) => self.origins(&c.expr, out, depth + 1),
            Expr::Index(i) => self.origins(&i.expr, out, depth + 1),
            Expr::Await(a) => self.origins(&a.base, out, depth + 1),
            Expr::Tuple(t) => t.elems.iter().for_each(|e| self.origins(e, out, depth + 1)),
            Expr::Array(a) => a.elems.iter().for_each(|e| self.origins(e, out, depth + 1)),
            _ => {}
        }
    }

    fn push_origin(&self, path: &syn::Path, out: &mut Vec<Origin>) {
        match self.resolve(path) {
            Resolution::Absolute(p) => {
                let joined = p.join("::");
                if let Some(ret) = self.returns.get(&joined) {
                    out.extend(ret.iter().cloned());
                }
                out.push(Origin {
                    path: joined,
                    exact: true,
                });
            }
            Resolution::Unknown(w) => out.push(Origin {
                path: w.join("::"),
                exact: false,
            }),
            Resolution::Glob(cands, w) => {
                out.extend(cands.into_iter().map(|c| Origin {
                    path: c.join("::"),
                    exact: true,
                }));
                out.push(Origin {
                    path: w.join("::"),
                    exact: false,
                });
            }
            Resolution::Local => {}
        }
    }

    fn type_origins(&self, ty: &syn::Type, out: &mut Vec<Origin>) {
        let mut paths = Vec::new();
        type_paths(ty, &mut paths, 0);
        for (segs, leading) in paths {
            let res =
                self.scopes
                    .resolve(&segs, leading, &self.module_path, self.self_ty.as_deref());
            match res {
                Resolution::Absolute(p) => out.push(Origin {
                    path: p.join("::"),
                    exact: true,
                }),
                Resolution::Unknown(w) | Resolution::Glob(_, w) => out.push(Origin {
                    path: w.join("::"),
                    exact: false,
                }),
                Resolution::Local => {}
            }
        }
    }

    fn bind_pat(&mut self, pat: &Pat, origins: Rc<[Origin]>) {
        let mut names = Vec::new();
        pat_idents(pat, &mut names, 0);
        if let Some(scope) = self.scopes.innermost() {
            for n in names {
                scope.bind(n, origins.clone());
            }
        }
    }

    fn bind_params<'a>(&mut self, inputs: impl Iterator<Item = &'a Pat>) {
        for pat in inputs {
            let mut origins = Vec::new();
            if let Pat::Type(pt) = pat {
                self.type_origins(&pt.ty, &mut origins);
            }
            self.bind_pat(pat, Rc::from(origins));
        }
    }

    /// A catalog hit at `start..end`: a finding in async context, a blocking call of the
    /// enclosing fn in sync context, nothing when offloaded.
    fn report(&mut self, hit: Hit<'_>, start: Span, end: Span, call: String, resolved: String) {
        match self.ctx.kind {
            Kind::Async => self.findings.push(Finding {
                span: start,
                span_end: end,
                call,
                resolved,
                certainty: hit.certainty,
                category: hit.entry.category,
                why: hit.entry.why.to_string(),
                replacement: hit.entry.replacement.to_string(),
                context: self.ctx.desc.to_string(),
                in_test: self.ctx.in_test,
                chain: Vec::new(),
            }),
            Kind::Sync if self.summarize && hit.certainty != Certainty::Unresolved => {
                if let Some(f) = self.fn_stack.last_mut() {
                    let lc = start.start();
                    f.blocking.push(BlockingCall {
                        resolved,
                        line: lc.line,
                        column: lc.column + 1,
                        category: hit.entry.category,
                        replacement: hit.entry.replacement.to_string(),
                    });
                }
            }
            _ => {}
        }
    }

    /// Records a call to something outside the catalog, for the workspace analysis.
    #[allow(clippy::too_many_arguments)]
    fn call_site(
        &mut self,
        candidates: Vec<Vec<String>>,
        method: Option<String>,
        call: String,
        start: Span,
        end: Span,
        awaited: bool,
    ) {
        if !self.summarize {
            return;
        }
        let ctx = &self.ctx;
        let Some(f) = self.fn_stack.last_mut() else {
            return;
        };
        let (s, e) = (start.start(), end.end());
        f.calls.push(CallSite {
            candidates,
            method,
            call,
            line: s.line,
            column: s.column + 1,
            end_line: e.line,
            end_column: e.column + 1,
            in_async: ctx.kind == Kind::Async,
            offloaded: ctx.kind == Kind::Offloaded,
            awaited,
            context: ctx.desc.to_string(),
            in_test: ctx.in_test,
        });
    }

    /// Workspace candidates for a resolved callee path.
    fn candidates(&self, res: &Resolution) -> Vec<Vec<String>> {
        let strip = |p: &[String]| -> Option<Vec<String>> {
            match p.first().map(String::as_str) {
                Some(CRATE) => Some(p[1..].to_vec()),
                Some("std" | "core" | "alloc") | None => None,
                Some(_) => Some(p.to_vec()),
            }
        };
        match res {
            Resolution::Local => Vec::new(),
            Resolution::Absolute(p) => strip(p).into_iter().collect(),
            Resolution::Glob(cands, written) => {
                let mut out: Vec<Vec<String>> = cands.iter().filter_map(|c| strip(c)).collect();
                let mut local = self.module_path.clone();
                local.extend(written.iter().cloned());
                out.push(local);
                out
            }
            Resolution::Unknown(written)
                if matches!(
                    written.first().map(String::as_str),
                    Some("std" | "core" | "alloc")
                ) =>
            {
                Vec::new()
            }
            Resolution::Unknown(written) => {
                let mut local = self.module_path.clone();
                local.extend(written.iter().cloned());
                if written.len() > 1 && !self.module_path.is_empty() {
                    vec![local, written.clone()]
                } else {
                    vec![local]
                }
            }
        }
    }

    fn handle_call(&mut self, node: &Expr, call: &syn::ExprCall, marks: Marks) {
        let func = peel(&call.func);
        let mut offloader = false;
        if let Expr::Path(p) = func {
            if p.qself.is_none() {
                let path = &p.path;
                let name = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                offloader = OFFLOADERS.contains(&name.as_str())
                    || self.wrappers.contains(&name)
                    || (name == "scope" && path.segments.iter().any(|s| s.ident == "rayon"));
                let res = self.resolve(path);
                let start = match &path.leading_colon {
                    Some(c) => c.spans[0],
                    None => path
                        .segments
                        .first()
                        .map(|s| s.ident.span())
                        .unwrap_or_else(|| path.span()),
                };
                let end = call.paren_token.span.close();
                let text = path_call_text(path, !call.args.is_empty());
                match self.match_path(&res, marks.awaited) {
                    Some((hit, resolved)) => self.report(hit, start, end, text, resolved),
                    None => {
                        let cands = self.candidates(&res);
                        if !cands.is_empty() {
                            self.call_site(cands, None, text, start, end, marks.awaited);
                        }
                    }
                }
            }
        }
        if marks.awaited {
            // `timeout(d, rx.recv()).await`: the arguments are futures polled by the call.
            for arg in &call.args {
                self.mark(arg, true, false);
            }
        }
        if offloader {
            for arg in &call.args {
                if let Expr::Closure(c) = peel(arg) {
                    if c.asyncness.is_none() && !matches!(peel(&c.body), Expr::Async(_)) {
                        self.mark(arg, false, true);
                    }
                }
            }
        }
        let _ = node;
        visit::visit_expr_call(self, call);
    }

    /// The catalog entry a resolved callee matches, with the resolved path to report.
    fn match_path(&self, res: &Resolution, awaited: bool) -> Option<(Hit<'m>, String)> {
        let exact = |segs: &[String]| {
            self.matcher.exact(segs).map(|e| {
                let resolved = match &e.pattern {
                    crate::Pattern::Prefix(_) => segs.join("::"),
                    _ => e.key().to_string(),
                };
                (
                    Hit {
                        entry: e,
                        certainty: Certainty::Resolved,
                    },
                    resolved,
                )
            })
        };
        let unresolved = |written: &[String]| {
            if awaited {
                return None;
            }
            self.matcher.by_suffix(written).map(|e| {
                (
                    Hit {
                        entry: e,
                        certainty: Certainty::Unresolved,
                    },
                    e.key().to_string(),
                )
            })
        };
        match res {
            Resolution::Local => None,
            Resolution::Absolute(p) => exact(p),
            Resolution::Glob(cands, written) => cands
                .iter()
                .find_map(|c| exact(c))
                .or_else(|| exact(written))
                .or_else(|| unresolved(written)),
            Resolution::Unknown(written) => exact(written).or_else(|| unresolved(written)),
        }
    }

    fn handle_method(&mut self, m: &syn::ExprMethodCall, marks: Marks) {
        let name = m.method.to_string();
        let start = m.method.span();
        let end = m.paren_token.span.close();
        let text = format!(".{}({})", name, if m.args.is_empty() { "" } else { ".." });
        let mut hit = None;
        if !marks.awaited {
            let mut origins = Vec::new();
            self.origins(&m.receiver, &mut origins, 0);
            let scopes = &self.scopes;
            hit = self
                .matcher
                .method(&name, m.args.len(), &origins, &|c| scopes.imports_crate(c));
        }
        // The receiver first, so that findings come out in source order
        // (`File::create(..)?.write_all(..)`).
        self.visit_expr(&m.receiver);
        match hit {
            Some(hit) => {
                let resolved = hit.entry.key().to_string();
                self.report(hit, start, end, text, resolved);
            }
            None => self.call_site(
                Vec::new(),
                Some(name.clone()),
                text,
                start,
                end,
                marks.awaited,
            ),
        }
        if marks.awaited {
            for arg in &m.args {
                self.mark(arg, true, false);
            }
        }
        if OFFLOADERS.contains(&name.as_str()) || self.wrappers.contains(&name) {
            for arg in &m.args {
                if let Expr::Closure(c) = peel(arg) {
                    if c.asyncness.is_none() && !matches!(peel(&c.body), Expr::Async(_)) {
                        self.mark(arg, false, true);
                    }
                }
            }
        }
        for arg in &m.args {
            self.visit_expr(arg);
        }
    }

    fn handle_closure(&mut self, c: &syn::ExprClosure, marks: Marks) {
        let ctx = if c.asyncness.is_some() {
            Ctx {
                kind: Kind::Async,
                desc: Rc::from("async closure"),
                in_test: self.ctx.in_test,
            }
        } else if marks.offloaded {
            Ctx {
                kind: Kind::Offloaded,
                desc: Rc::from("closure run off the executor"),
                in_test: self.ctx.in_test,
            }
        } else {
            self.ctx.clone()
        };
        self.in_ctx(ctx, |v| {
            v.scopes.push(Scope::default());
            v.bind_params(c.inputs.iter());
            v.visit_expr(&c.body);
            v.scopes.pop();
        });
    }

    /// Walks a fn: its own context, its parameters, its summary.
    fn walk_fn(
        &mut self,
        attrs: &[Attribute],
        sig: &Signature,
        block: &syn::Block,
        summary_path: Vec<String>,
        poll_of: Option<&str>,
    ) {
        if has_allow(attrs) {
            return;
        }
        let in_test = self.ctx.in_test || is_test(attrs);
        let name = sig.ident.to_string();
        let ctx = if sig.asyncness.is_some() {
            Ctx {
                kind: Kind::Async,
                desc: Rc::from(format!("async fn `{name}`")),
                in_test,
            }
        } else if let Some(poll) = poll_of.filter(|_| name.starts_with("poll")) {
            Ctx {
                kind: Kind::Async,
                desc: Rc::from(format!("`{name}` of `{poll}`")),
                in_test,
            }
        } else {
            Ctx {
                kind: Kind::Sync,
                desc: Rc::from(format!("fn `{name}`")),
                in_test,
            }
        };
        if self.summarize {
            let lc = sig.ident.span().start();
            self.fn_stack.push(FnSummary {
                path: summary_path,
                is_async: sig.asyncness.is_some(),
                line: lc.line,
                column: lc.column + 1,
                in_test,
                blocking: Vec::new(),
                calls: Vec::new(),
            });
        }
        self.in_ctx(ctx, |v| {
            v.scopes.push(Scope::default());
            for arg in &sig.inputs {
                match arg {
                    syn::FnArg::Typed(pt) => {
                        let mut origins = Vec::new();
                        v.type_origins(&pt.ty, &mut origins);
                        v.bind_pat(&pt.pat, Rc::from(origins));
                    }
                    syn::FnArg::Receiver(_) => {
                        let origins: Vec<Origin> = v
                            .self_ty
                            .iter()
                            .map(|t| Origin {
                                path: t.join("::"),
                                exact: true,
                            })
                            .collect();
                        if let Some(scope) = v.scopes.innermost() {
                            scope.bind("self".to_string(), Rc::from(origins));
                        }
                    }
                }
            }
            v.visit_block(block);
            v.scopes.pop();
        });
        if self.summarize {
            if let Some(done) = self.fn_stack.pop() {
                self.fns.push(done);
            }
        }
    }

    fn summary_path(&self, owner: Option<&str>, name: &syn::Ident) -> Vec<String> {
        let mut p = self.module_path.clone();
        if let Some(o) = owner {
            p.push(o.to_string());
        }
        p.push(name.to_string());
        p
    }

    /// Records the field types of the module's structs and the return types of its fns
    /// and methods, resolved in the module's scope (which must be pushed).
    fn learn_types(&mut self, items: &[Item]) {
        let base = {
            let mut b = vec![CRATE.to_string()];
            b.extend(self.module_path.iter().cloned());
            b.join("::")
        };
        for item in items {
            match item {
                Item::Struct(st) => {
                    let mut fields = HashMap::new();
                    for (i, f) in st.fields.iter().enumerate() {
                        let name = f
                            .ident
                            .as_ref()
                            .map(|id| id.to_string())
                            .unwrap_or_else(|| i.to_string());
                        let mut origins = Vec::new();
                        self.type_origins(&f.ty, &mut origins);
                        if !origins.is_empty() {
                            fields.insert(name, Rc::from(origins));
                        }
                    }
                    self.fields.insert(format!("{base}::{}", st.ident), fields);
                }
                Item::Fn(f) => {
                    if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                        let mut origins = Vec::new();
                        self.type_origins(ty, &mut origins);
                        self.returns
                            .insert(format!("{base}::{}", f.sig.ident), Rc::from(origins));
                    }
                }
                Item::Impl(im) => {
                    let Some(name) = type_name(&im.self_ty) else {
                        continue;
                    };
                    let saved = self.self_ty.replace(vec![base.clone(), name.clone()]);
                    for ii in &im.items {
                        if let syn::ImplItem::Fn(f) = ii {
                            if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                                let mut origins = Vec::new();
                                self.type_origins(ty, &mut origins);
                                self.returns.insert(
                                    format!("{base}::{name}::{}", f.sig.ident),
                                    Rc::from(origins),
                                );
                            }
                        }
                    }
                    self.self_ty = saved;
                }
                _ => {}
            }
        }
    }

    /// Visits the items of a module (the file, an inline `mod`, or the attribute's item).
    pub fn visit_module_items(&mut self, items: &[Item]) {
        self.scopes
            .push(Scope::from_items(items, &self.module_path, true));
        self.learn_types(items);
        for item in items {
            self.visit_item(item);
        }
        self.scopes.pop();
    }

    fn sync_item_ctx(&self, attrs: &[Attribute]) -> Ctx {
        Ctx {
            kind: Kind::Sync,
            desc: Rc::from("item"),
            in_test: self.ctx.in_test || is_test(attrs),
        }
    }
}

impl<'ast> Visit<'ast> for Analyzer<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        self.deeper(|v| match item {
            Item::Fn(f) => v.visit_item_fn(f),
            Item::Impl(i) => v.visit_item_impl(i),
            Item::Mod(m) => v.visit_item_mod(m),
            Item::Trait(t) => {
                if has_allow(&t.attrs) {
                    return;
                }
                let saved = v.self_ty.take();
                let mut ty = vec![CRATE.to_string()];
                ty.extend(v.module_path.iter().cloned());
                ty.push(t.ident.to_string());
                v.self_ty = Some(ty);
                let ctx = v.sync_item_ctx(&t.attrs);
                v.in_ctx(ctx, |v| {
                    for ti in &t.items {
                        if let syn::TraitItem::Fn(f) = ti {
                            if let Some(block) = &f.default {
                                let path = v.summary_path(Some(&t.ident.to_string()), &f.sig.ident);
                                v.walk_fn(&f.attrs, &f.sig, block, path, None);
                            }
                        }
                    }
                });
                v.self_ty = saved;
            }
            Item::Use(_)
            | Item::Struct(_)
            | Item::Enum(_)
            | Item::Union(_)
            | Item::Type(_)
            | Item::ExternCrate(_)
            | Item::TraitAlias(_)
            | Item::ForeignMod(_) => {}
            Item::Macro(m) if !has_allow(&m.attrs) => {
                let ctx = v.sync_item_ctx(&m.attrs);
                v.in_ctx(ctx, |v| v.visit_macro(&m.mac));
            }
            Item::Const(_) | Item::Static(_) => {
                let attrs = match item {
                    Item::Const(c) => &c.attrs,
                    Item::Static(s) => &s.attrs,
                    _ => return,
                };
                if !has_allow(attrs) {
                    let ctx = v.sync_item_ctx(attrs);
                    v.in_ctx(ctx, |v| visit::visit_item(v, item));
                }
            }
            _ => {}
        });
    }

    fn visit_item_fn(&mut self, f: &'ast ItemFn) {
        let path = self.summary_path(None, &f.sig.ident);
        self.walk_fn(&f.attrs, &f.sig, &f.block, path, None);
    }

    fn visit_item_impl(&mut self, i: &'ast ItemImpl) {
        if has_allow(&i.attrs) {
            return;
        }
        let name = type_name(&i.self_ty);
        let saved = self.self_ty.take();
        self.self_ty = name.as_ref().map(|n| {
            let mut ty = vec![CRATE.to_string()];
            ty.extend(self.module_path.iter().cloned());
            ty.push(n.clone());
            ty
        });
        let poll_of = i.trait_.as_ref().and_then(|(_, path, _)| {
            let t = path.segments.last()?.ident.to_string();
            POLL_TRAITS
                .contains(&t.as_str())
                .then(|| format!("impl {} for {}", t, name.as_deref().unwrap_or("_")))
        });
        let ctx = self.sync_item_ctx(&i.attrs);
        self.in_ctx(ctx, |v| {
            for item in &i.items {
                if let syn::ImplItem::Fn(f) = item {
                    v.walk_impl_fn(f, name.as_deref(), poll_of.as_deref());
                }
            }
        });
        self.self_ty = saved;
    }

    fn visit_item_mod(&mut self, m: &'ast ItemMod) {
        if has_allow(&m.attrs) {
            return;
        }
        let Some((_, items)) = &m.content else {
            return;
        };
        let ctx = self.sync_item_ctx(&m.attrs);
        self.module_path.push(m.ident.to_string());
        let saved_ty = self.self_ty.take();
        self.in_ctx(ctx, |v| v.visit_module_items(items));
        self.self_ty = saved_ty;
        self.module_path.pop();
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.deeper(|v| {
            let items = b.stmts.iter().filter_map(|s| match s {
                Stmt::Item(i) => Some(i),
                _ => None,
            });
            v.scopes
                .push(Scope::from_items(items, &v.module_path, false));
            for stmt in &b.stmts {
                v.visit_stmt(stmt);
            }
            v.scopes.pop();
        });
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        match s {
            Stmt::Local(l) => {
                if has_allow(&l.attrs) {
                    return;
                }
                let mut origins = Vec::new();
                if let Some(init) = &l.init {
                    self.visit_expr(&init.expr);
                    if let Some((_, diverge)) = &init.diverge {
                        self.visit_expr(diverge);
                    }
                    self.origins(&init.expr, &mut origins, 0);
                }
                if let Pat::Type(pt) = &l.pat {
                    self.type_origins(&pt.ty, &mut origins);
                }
                self.bind_pat(&l.pat, Rc::from(origins));
            }
            Stmt::Item(i) => self.visit_item(i),
            Stmt::Expr(e, _) => self.visit_expr(e),
            Stmt::Macro(m) => {
                if !has_allow(&m.attrs) {
                    self.visit_macro(&m.mac);
                }
            }
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        self.deeper(|v| {
            if let Some(attrs) = expr_attrs(e) {
                if has_allow(attrs) {
                    return;
                }
            }
            let marks = v.marks.remove(&addr(e)).unwrap_or_default();
            match e {
                Expr::Await(a) => {
                    v.mark(&a.base, true, false);
                    v.visit_expr(&a.base);
                }
                Expr::Call(c) => v.handle_call(e, c, marks),
                Expr::MethodCall(m) => v.handle_method(m, marks),
                Expr::Closure(c) => v.handle_closure(c, marks),
                Expr::Async(a) => {
                    let ctx = Ctx {
                        kind: Kind::Async,
                        desc: Rc::from("async block"),
                        in_test: v.ctx.in_test,
                    };
                    v.in_ctx(ctx, |v| v.visit_block(&a.block));
                }
                Expr::Macro(m) => v.visit_macro(&m.mac),
                Expr::ForLoop(f) => {
                    // `for conn in listener.incoming()`: the loop variable comes from
                    // the iterated value.
                    v.visit_expr(&f.expr);
                    let mut origins = Vec::new();
                    v.origins(&f.expr, &mut origins, 0);
                    v.scopes.push(Scope::default());
                    v.bind_pat(&f.pat, Rc::from(origins));
                    v.visit_block(&f.body);
                    v.scopes.pop();
                }
                Expr::Paren(p) => {
                    if marks.awaited || marks.offloaded {
                        v.mark(&p.expr, marks.awaited, marks.offloaded);
                    }
                    v.visit_expr(&p.expr);
                }
                _ => visit::visit_expr(v, e),
            }
        });
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        crate::macros::visit_macro_body(self, mac);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        if !has_allow(&arm.attrs) {
            visit::visit_arm(self, arm);
        }
    }

    // Types and patterns hold no calls worth checking; not descending into them keeps
    // the walk fast and shallow.
    fn visit_type(&mut self, _: &'ast syn::Type) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
    fn visit_attribute(&mut self, _: &'ast Attribute) {}
}

impl Analyzer<'_> {
    fn walk_impl_fn(&mut self, f: &ImplItemFn, owner: Option<&str>, poll_of: Option<&str>) {
        let path = self.summary_path(owner, &f.sig.ident);
        self.walk_fn(&f.attrs, &f.sig, &f.block, path, poll_of);
    }

    /// Looks up `segs` through the scopes (for the macro token scan).
    pub(crate) fn resolve_segments(&self, segs: &[String], leading_colon: bool) -> Resolution {
        self.scopes.resolve(
            segs,
            leading_colon,
            &self.module_path,
            self.self_ty.as_deref(),
        )
    }

    /// Reports a fully-qualified catalog path found by the token scan of a macro body.
    pub(crate) fn report_scanned(
        &mut self,
        res: &Resolution,
        start: Span,
        end: Span,
        text: String,
    ) {
        let hit = match res {
            Resolution::Absolute(p) | Resolution::Unknown(p) => {
                self.matcher.exact(p).map(|e| (e, p.join("::")))
            }
            _ => None,
        };
        if let Some((entry, joined)) = hit {
            let resolved = match &entry.pattern {
                crate::Pattern::Prefix(_) => joined,
                _ => entry.key().to_string(),
            };
            let hit = Hit {
                entry,
                certainty: Certainty::Resolved,
            };
            self.report(hit, start, end, text, resolved);
        }
    }
}

/// The outer attributes of an expression, for the escape hatch.
fn expr_attrs(e: &Expr) -> Option<&Vec<Attribute>> {
    Some(match e {
        Expr::Array(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Async(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Binary(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Break(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::Cast(x) => &x.attrs,
        Expr::Closure(x) => &x.attrs,
        Expr::Const(x) => &x.attrs,
        Expr::Continue(x) => &x.attrs,
        Expr::Field(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::Group(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Index(x) => &x.attrs,
        Expr::Let(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Paren(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Reference(x) => &x.attrs,
        Expr::Return(x) => &x.attrs,
        Expr::Struct(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::TryBlock(x) => &x.attrs,
        Expr::Tuple(x) => &x.attrs,
        Expr::Unary(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        _ => return None,
    })
}
