//! Consumers of the walk's call events. The walk (`mod.rs`, `calls.rs`) decides what a
//! call is and where it runs; a consumer decides what to keep: [`Findings`] keeps the
//! catalog calls made in async context (all the attribute needs), [`Summaries`] keeps
//! each fn's blocking calls and calls to other fns (what the call graph needs).

use proc_macro2::Span;

use super::context::{Ctx, Kind};
use crate::fix::{self, Site};
use crate::matcher::Hit;
use crate::run_once::{once_replacement, OnceBlocking};
use crate::summary::{BlockingCall, CallSite, FnSummary};
use crate::{Certainty, Finding};

/// A call that matched the catalog, at `start..end`.
pub(crate) struct CatalogCall<'a> {
    pub hit: Hit<'a>,
    pub start: Span,
    pub end: Span,
    /// The call as written, shortened.
    pub call: String,
    /// The catalog path it resolved to.
    pub resolved: String,
    /// Where the call is written, for its fix; `None` for a fn passed as a value, which
    /// has no call to rewrite.
    pub site: Option<Site<'a>>,
}

/// A call to something outside the catalog, maybe a fn of the workspace.
pub(crate) struct OtherCall {
    pub candidates: Vec<Vec<String>>,
    pub method: Option<String>,
    /// Where a method call's receiver came from (see [`CallSite::receiver`]).
    pub receiver: Vec<String>,
    /// See [`CallSite::receiver_constructed`].
    pub receiver_constructed: bool,
    pub call: String,
    pub start: Span,
    pub end: Span,
    pub awaited: bool,
    /// See [`CallSite::passes_param`].
    pub passes_param: bool,
    /// See [`CallSite::fn_args`].
    pub fn_args: Vec<crate::ArgRange>,
}

/// The findings: catalog calls in async context.
#[derive(Default)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn catalog_call(&mut self, c: &CatalogCall<'_>, ctx: &Ctx) {
        match ctx.kind {
            Kind::Async => {}
            // Written in async code, the initialiser runs on the executor: once. One in
            // sync code is the call graph's, which counts the async paths to it.
            Kind::Once { in_async: true } if c.hit.certainty != Certainty::Unresolved => {
                self.0.push(once_finding(c, ctx));
                return;
            }
            _ => return,
        }
        self.0.push(Finding {
            span: c.start,
            span_end: c.end,
            call: c.call.clone(),
            resolved: c.resolved.clone(),
            certainty: c.hit.certainty,
            category: c.hit.entry.category,
            why: c.hit.entry.why.to_string(),
            replacement: c.hit.entry.replacement.to_string(),
            context: ctx.desc.to_string(),
            in_test: ctx.in_test,
            chain: Vec::new(),
            fix: c.site.as_ref().and_then(|site| {
                fix::build(
                    c.hit.entry.key(),
                    site,
                    c.hit.certainty != Certainty::Unresolved,
                )
            }),
            once_reach: None,
        });
    }
}

/// A blocking call in a run-once initialiser written in async code: one async path.
fn once_finding(c: &CatalogCall<'_>, ctx: &Ctx) -> Finding {
    Finding {
        span: c.start,
        span_end: c.end,
        call: c.call.clone(),
        resolved: c.resolved.clone(),
        certainty: Certainty::Once,
        category: c.hit.entry.category,
        why: c.hit.entry.why.to_string(),
        replacement: once_replacement(&c.hit.entry.replacement),
        context: ctx.desc.to_string(),
        in_test: ctx.in_test,
        chain: Vec::new(),
        fix: None,
        once_reach: Some(1),
    }
}

/// Fn summaries: for each fn, the blocking calls its synchronous body makes and its
/// calls to other fns.
#[derive(Default)]
pub(crate) struct Summaries {
    /// The fns being walked, innermost last.
    open: Vec<FnSummary>,
    /// The fns walked, in the order they ended.
    pub done: Vec<FnSummary>,
    /// The names of the parameters of each open fn.
    params: Vec<Vec<String>>,
}

impl Summaries {
    pub fn enter_fn(&mut self, summary: FnSummary) {
        self.open.push(summary);
        self.params.push(Vec::new());
    }

    /// The parameter names of the fn just entered.
    pub fn set_params(&mut self, names: Vec<String>) {
        if let Some(top) = self.params.last_mut() {
            *top = names;
        }
    }

    /// Whether `name` is a parameter of the innermost open fn.
    pub fn is_param(&self, name: &str) -> bool {
        self.params
            .last()
            .is_some_and(|p| p.iter().any(|n| n == name))
    }

    /// The innermost open fn hands a parameter to an offloader.
    pub fn offloads_param(&mut self) {
        if let Some(f) = self.open.last_mut() {
            f.offloads_param = true;
        }
    }

    pub fn exit_fn(&mut self) {
        self.params.pop();
        if let Some(done) = self.open.pop() {
            self.done.push(done);
        }
    }

    /// Sync code reaches the call when the fn is called; an unresolved name is too
    /// uncertain to make the fn blocking.
    /// An async fn's own async body reaches the call when the fn is awaited.
    pub fn catalog_call(&mut self, c: &CatalogCall<'_>, ctx: &Ctx) {
        if c.hit.certainty == Certainty::Unresolved {
            return;
        }
        let Some(f) = self.open.last_mut() else {
            return;
        };
        let lc = c.start.start();
        let call = BlockingCall {
            resolved: c.resolved.clone(),
            line: lc.line,
            column: lc.column + 1,
            category: c.hit.entry.category,
            replacement: c.hit.entry.replacement.to_string(),
        };
        match ctx.kind {
            Kind::Sync => f.blocking.push(call),
            Kind::Async if f.is_async => f.polled.push(call),
            Kind::Once { .. } => {
                let e = c.end.end();
                f.once.push(OnceBlocking {
                    blocking: call,
                    written_in: ctx.run_once_site(),
                    call: c.call.clone(),
                    end_line: e.line,
                    end_column: e.column + 1,
                    why: c.hit.entry.why.to_string(),
                    context: ctx.desc.to_string(),
                });
            }
            _ => {}
        }
    }

    pub fn other_call(&mut self, c: OtherCall, ctx: &Ctx) {
        let Some(f) = self.open.last_mut() else {
            return;
        };
        let (s, e) = (c.start.start(), c.end.end());
        f.calls.push(CallSite {
            candidates: c.candidates,
            method: c.method,
            receiver: c.receiver,
            receiver_constructed: c.receiver_constructed,
            call: c.call,
            line: s.line,
            column: s.column + 1,
            end_line: e.line,
            end_column: e.column + 1,
            in_async: ctx.kind == Kind::Async,
            offloaded: ctx.kind == Kind::Offloaded,
            awaited: c.awaited,
            run_once: ctx.run_once_site(),
            passes_param: c.passes_param,
            fn_args: c.fn_args,
            context: ctx.desc.to_string(),
            in_test: ctx.in_test,
        });
    }
}
