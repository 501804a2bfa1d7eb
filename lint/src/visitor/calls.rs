//! Calls: matching path and method calls against the catalog, reporting findings
//! (async context) or blocking calls of the enclosing fn (sync context), and recording
//! the other calls for the workspace analysis.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Token};

use super::context::Kind;
use super::iterator_steps::is_consumer;
use crate::catalog::{
    is_crate_offloader, is_offloader_name, is_run_once_constructor, RUN_ONCE_METHODS,
};

use super::consumers::{CatalogCall, OtherCall};
use super::origin_set::is_unknown;
use super::{drops, peel, Analyzer, Marks};
use crate::fix::{self, Callee, Site};
use crate::in_memory_io;
use crate::matcher::Hit;
use crate::resolve::{Origin, Resolution, CRATE};
use crate::Certainty;

/// The marks of an argument of a call marked `call`: its value is used; it is awaited
/// with the call (`timeout(d, rx.recv()).await`: the arguments are futures polled by
/// the call); a sync closure given to an offloading call runs on another thread.
fn arg_marks(arg: &Expr, call: Marks, offloader: bool) -> Marks {
    let offloaded = offloader
        && matches!(peel(arg), Expr::Closure(c)
            if c.asyncness.is_none() && !matches!(peel(&c.body), Expr::Async(_)));
    let mut marks = Marks::USED;
    if call.awaited {
        marks = marks.and(Marks::AWAITED);
    }
    if offloaded {
        marks = marks.and(Marks::OFFLOADED);
    }
    marks
}

/// What a call's arguments say for offloader inference (see `workspace_offloaders.rs`).
#[derive(Default)]
pub(super) struct ArgFacts {
    /// An argument is a parameter of the enclosing fn.
    passes_param: bool,
    /// The sync closures and fn paths among the arguments.
    fn_args: Vec<crate::ArgRange>,
}

/// The names of a fn's parameters bound by a plain identifier pattern.
pub(super) fn param_names(sig: &syn::Signature) -> Vec<String> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// Where a sync closure (not `|| async { .. }`) or a fn path starts: what an offloader
/// runs. `None` for other arguments.
fn fn_arg_start(arg: &Expr) -> Option<Span> {
    match peel(arg) {
        Expr::Closure(c) if c.asyncness.is_none() && !matches!(peel(&c.body), Expr::Async(_)) => {
            Some(
                match (&c.lifetimes, &c.constness, &c.movability, &c.capture) {
                    (Some(l), ..) => l.for_token.span,
                    (_, Some(k), ..) => k.span,
                    (_, _, Some(s), _) => s.span,
                    (_, _, _, Some(m)) => m.span,
                    _ => c.or1_token.span,
                },
            )
        }
        Expr::Path(p) if p.qself.is_none() => Some(match &p.path.leading_colon {
            Some(colon) => colon.spans[0],
            None => p.path.segments.first()?.ident.span(),
        }),
        _ => None,
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

/// The distinct paths of a receiver's origins, in the order found.
pub(super) fn receiver_paths(origins: Vec<Origin>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in origins {
        if !out.contains(&o.path) {
            out.push(o.path);
        }
    }
    out
}

impl<'m> Analyzer<'m> {
    /// Whether the call of catalog entry `api` with `args` is one
    /// [`in_memory_io::copies_in_memory`] could clear, given an argument whose origins
    /// are unknown: it may be in memory, so the call is not reported.
    fn args_may_be_in_memory(&self, api: &str, args: &Punctuated<Expr, Token![,]>) -> bool {
        in_memory_io::IO_OBJECT_APIS.contains(&api)
            && args.iter().any(|a| {
                let mut origins = Vec::new();
                self.origins(a, &mut origins, 0);
                is_unknown(&origins)
            })
    }

    /// A catalog hit at `start..end`, for every consumer.
    pub(super) fn report(
        &mut self,
        hit: Hit<'_>,
        start: Span,
        end: Span,
        call: String,
        resolved: String,
        site: Option<Site<'_>>,
    ) {
        let event = CatalogCall {
            hit,
            start,
            end,
            call,
            resolved,
            site,
        };
        self.findings.catalog_call(&event, &self.ctx);
        if let Some(summaries) = &mut self.summaries {
            summaries.catalog_call(&event, &self.ctx);
        }
    }

    /// A call to something outside the catalog, for the summaries.
    pub(super) fn call_site(
        &mut self,
        candidates: Vec<Vec<String>>,
        method: Option<(String, Vec<String>, bool)>,
        call: String,
        start: Span,
        end: Span,
        awaited: bool,
    ) {
        let facts = ArgFacts::default();
        self.call_site_with_args(candidates, method, call, (start, end), awaited, facts);
    }

    /// What `args` say for offloader inference; an offloading call (`offloader`) given a
    /// parameter of the enclosing fn makes that fn an offloader.
    /// An argument's range runs from its first token to the comma after it, or to the
    /// call's closing parenthesis `close` (cheap: no walk over the argument's tokens).
    fn arg_facts(
        &mut self,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        close: Span,
        offloader: bool,
    ) -> ArgFacts {
        let Some(summaries) = &mut self.summaries else {
            return ArgFacts::default();
        };
        let mut facts = ArgFacts::default();
        for pair in args.pairs() {
            let (arg, end) = match pair {
                syn::punctuated::Pair::Punctuated(arg, comma) => (arg, comma.span),
                syn::punctuated::Pair::End(arg) => (arg, close),
            };
            if let Expr::Path(p) = peel(arg) {
                if p.path
                    .get_ident()
                    .is_some_and(|i| summaries.is_param(&i.to_string()))
                {
                    facts.passes_param = true;
                }
            }
            if let Some(start) = fn_arg_start(arg) {
                let (s, e) = (start.start(), end.start());
                facts.fn_args.push(crate::ArgRange {
                    line: s.line,
                    column: s.column + 1,
                    end_line: e.line,
                    end_column: e.column + 1,
                });
            }
        }
        if offloader && facts.passes_param {
            summaries.offloads_param();
        }
        facts
    }

    /// [`Self::call_site`] with what its arguments say.
    fn call_site_with_args(
        &mut self,
        candidates: Vec<Vec<String>>,
        method: Option<(String, Vec<String>, bool)>,
        call: String,
        (start, end): (Span, Span),
        awaited: bool,
        facts: ArgFacts,
    ) {
        if let Some(summaries) = &mut self.summaries {
            let (method, receiver, receiver_constructed) = match method {
                Some((name, receiver, constructed)) => (Some(name), receiver, constructed),
                None => (None, Vec::new(), false),
            };
            let event = OtherCall {
                candidates,
                method,
                receiver,
                receiver_constructed,
                call,
                start,
                end,
                awaited,
                passes_param: facts.passes_param,
                fn_args: facts.fn_args,
            };
            summaries.other_call(event, &self.ctx);
        }
    }

    /// Workspace candidates for a resolved callee path.
    pub(super) fn candidates(&self, res: &Resolution) -> Vec<Vec<String>> {
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

    pub(super) fn handle_call(&mut self, call_expr: &Expr, call: &syn::ExprCall, marks: Marks) {
        let func = peel(&call.func);
        let mut offloader = false;
        let mut run_once = None;
        if let Expr::Path(p) = func {
            if p.qself.is_none() {
                let path = &p.path;
                let name = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                offloader = is_offloader_name(&name)
                    || self.wrappers.contains(&name)
                    || is_crate_offloader(path);
                let close = call.paren_token.span.close();
                let facts = self.arg_facts(&call.args, close, offloader);
                if is_run_once_constructor(&p.path) {
                    run_once = Some(
                        path_call_text(path, false)
                            .trim_end_matches("()")
                            .to_string(),
                    );
                }
                let res = self.resolve(path);
                if res == Resolution::Local {
                    let local = name.clone();
                    self.call_of_local_fn_value(call, &local);
                    // `spawn_blocking(move || f())`: the fn's parameter runs offloaded.
                    if self.ctx.kind == Kind::Offloaded {
                        if let Some(summaries) = &mut self.summaries {
                            if path.get_ident().is_some() && summaries.is_param(&local) {
                                summaries.offloads_param();
                            }
                        }
                    }
                }
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
                    // `std::thread::sleep` returns `()`: a bare `sleep(d)` whose value is
                    // consumed is a future constructor imported out of sight (the
                    // attribute sees only its item), such as `tokio::time::sleep`.
                    Some((hit, _))
                        if marks.used
                            && hit.certainty == Certainty::Unresolved
                            && hit.entry.returns_unit => {}
                    // `io::copy(&mut &bytes[..], &mut Vec::new())` copies memory; an
                    // argument whose origins are unknown may be in memory too.
                    Some((hit, _)) if self.args_may_be_in_memory(hit.entry.key(), &call.args) => {}
                    Some((hit, _))
                        if in_memory_io::copies_in_memory(hit.entry.key(), &call.args, &|e| {
                            let mut origins = Vec::new();
                            self.origins(e, &mut origins, 0);
                            origins
                        }) => {}
                    Some((hit, resolved)) => {
                        let site = Site {
                            callee: Callee::Path {
                                first: start,
                                last: path.segments.last().map_or(start, |s| s.ident.span()),
                            },
                            expr: call_expr,
                            close: end,
                            awaitable: self.ctx.awaitable,
                            in_macro: self.macro_depth > 0,
                        };
                        self.report(hit, start, end, text, resolved, Some(site))
                    }
                    None => {
                        let mut cands = self.candidates(&res);
                        if drops::is_std_drop(&res) {
                            let mut drops = self.explicit_drop_candidates(call);
                            drops.append(&mut cands);
                            cands = drops;
                        }
                        if !cands.is_empty() {
                            let span = (start, end);
                            self.call_site_with_args(cands, None, text, span, marks.awaited, facts);
                        }
                    }
                }
            }
        }
        if !matches!(func, Expr::Path(_)) {
            self.call_of_fn_value_expr(call);
        }
        if !offloader {
            self.fn_values(&call.args);
        }
        self.visit_expr(&call.func);
        let callee = match func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        self.visit_args(
            &call.args,
            marks,
            offloader,
            run_once.as_deref(),
            callee.as_deref(),
        );
    }

    /// Visits a call's arguments; those of a run-once initialiser (`api`) in its context,
    /// an `async` block driven by a caller-thread executor (`callee`) in the caller's.
    fn visit_args<'a>(
        &mut self,
        args: impl IntoIterator<Item = &'a Expr>,
        marks: Marks,
        offloader: bool,
        run_once: Option<&str>,
        callee: Option<&str>,
    ) {
        for arg in args {
            let arg_marks = arg_marks(arg, marks, offloader);
            match run_once {
                Some(api) => {
                    let ctx = self.ctx.run_once(api);
                    self.in_ctx(ctx, |v| v.visit_expr_with(arg, arg_marks));
                }
                None if callee.is_some_and(|c| self.visit_caller_thread_body(c, arg)) => {}
                None => self.visit_expr_with(arg, arg_marks),
            }
        }
    }

    /// The catalog entry a resolved callee matches, with the resolved path to report.
    pub(super) fn match_path(&self, res: &Resolution, awaited: bool) -> Option<(Hit<'m>, String)> {
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

    pub(super) fn handle_method(&mut self, m_expr: &Expr, m: &syn::ExprMethodCall, marks: Marks) {
        let name = m.method.to_string();
        let start = m.method.span();
        let end = m.paren_token.span.close();
        let text = format!(".{}({})", name, if m.args.is_empty() { "" } else { ".." });
        let mut hit = None;
        let mut origins = Vec::new();
        self.origins(&m.receiver, &mut origins, 0);
        // Past the bound the receiver could be anything, a type of this code included:
        // no method shape matches it and the call graph gets no edge for it.
        let unknown = is_unknown(&origins);
        // A value of a type of this code whose impl defines the method calls that method.
        let own_method = origins
            .iter()
            .any(|o| o.exact && self.methods.contains(&format!("{}::{name}", o.path)));
        if !marks.awaited && !own_method && !unknown {
            let scopes = &self.scopes;
            hit = self
                .matcher
                .method(&name, m.args.len(), &origins, &|c| scopes.imports_crate(c));
        }
        if hit
            .as_ref()
            .is_some_and(|h| self.joins_finished_thread(h.entry.key(), &m.receiver))
        {
            hit = None;
        }
        // The receiver first, so that findings come out in source order
        // (`File::create(..)?.write_all(..)`). Its value is consumed by the method.
        self.visit_expr_with(&m.receiver, Marks::USED);
        match hit {
            Some(hit) => {
                let resolved = hit.entry.key().to_string();
                let ctor = fix::ctor_of(m, |p| match self.resolve(p) {
                    Resolution::Absolute(segs) | Resolution::Unknown(segs) => Some(segs),
                    _ => None,
                });
                let site = Site {
                    callee: Callee::Method { ctor },
                    expr: m_expr,
                    close: end,
                    awaitable: self.ctx.awaitable,
                    in_macro: self.macro_depth > 0,
                };
                self.report(hit, start, end, text, resolved, Some(site));
            }
            None => {
                let offloader = is_offloader_name(&name) || self.wrappers.contains(&name);
                // What the arguments say holds whatever the receiver is.
                let facts = self.arg_facts(&m.args, end, offloader);
                if !unknown {
                    self.call_site_with_args(
                        Vec::new(),
                        Some((
                            name.clone(),
                            receiver_paths(origins),
                            self.type_is_stated(&m.receiver),
                        )),
                        text.clone(),
                        (start, end),
                        marks.awaited,
                        facts,
                    )
                }
                if is_consumer(&name) && !marks.awaited {
                    self.iterator_steps(&m.receiver, false, text, (start, end));
                }
            }
        }
        let offloader = is_offloader_name(&name) || self.wrappers.contains(&name);
        if !offloader {
            self.fn_values(&m.args);
        }
        let run_once = RUN_ONCE_METHODS
            .contains(&name.as_str())
            .then_some(name.as_str());
        self.visit_args(&m.args, marks, offloader, run_once, Some(&name));
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
            self.report(hit, start, end, text, resolved, None);
        }
    }

    /// Catalog fns passed as arguments to a call that is not an offloader.
    fn fn_values<'a>(&mut self, args: impl IntoIterator<Item = &'a Expr>) {
        for arg in args {
            if let Expr::Path(p) = peel(arg) {
                self.handle_fn_value(p);
            }
        }
    }

    /// A catalog fn passed as a value (`paths.iter().map(std::fs::read)`): the callee
    /// calls it in the current context. Only resolved paths count: a bare unknown name
    /// used as a value is far more often a variable.
    fn handle_fn_value(&mut self, p: &syn::ExprPath) {
        if p.qself.is_some() || self.ctx.kind == Kind::Offloaded {
            return;
        }
        let path = &p.path;
        if let Some(ident) = path.get_ident() {
            if self.scopes.local(&ident.to_string()).is_some() {
                return;
            }
        }
        let res = self.resolve(path);
        let segs = match &res {
            Resolution::Absolute(segs) | Resolution::Unknown(segs) => segs,
            _ => return,
        };
        let Some(entry) = self.matcher.exact(segs) else {
            return;
        };
        if !matches!(entry.pattern, crate::Pattern::Path(_)) {
            return;
        }
        let Some(last) = path.segments.last() else {
            return;
        };
        let start = match (&path.leading_colon, path.segments.first()) {
            (Some(c), _) => c.spans[0],
            (None, Some(first)) => first.ident.span(),
            (None, None) => last.ident.span(),
        };
        let end = last.ident.span();
        let text = path_call_text(path, false)
            .trim_end_matches("()")
            .to_string();
        let hit = Hit {
            entry,
            certainty: Certainty::Resolved,
        };
        let resolved = entry.key().to_string();
        self.report(hit, start, end, text, resolved, None);
    }
}
