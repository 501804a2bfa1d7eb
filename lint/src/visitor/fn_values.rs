//! Calls through function values: bound to a local (`let f = std::thread::sleep; f(d);`,
//! `let load = helper; load();`), stored in a struct field with a known initialiser
//! (`S { handler: helper }`, then `(s.handler)()`), in an array or tuple (`[a, b][i]()`,
//! `(f, g).0()`) or returned by a fn (`fn pick() -> fn() { helper }`, then `pick()()`).
//! The value carries where it came from (the paths it was bound to), so the call is a
//! call of those fns: a catalog fn is reported at the call, a workspace fn becomes a
//! call site for the call graph.

use std::rc::Rc;

use syn::spanned::Spanned;
use syn::Expr;

use super::origin_set::add_origins;
use super::{peel, Analyzer};
use crate::matcher::Hit;
use crate::resolve::{Origin, Resolution, CRATE};
use crate::Certainty;

impl Analyzer<'_> {
    /// `name(..)` where `name` is a local bound to fn paths: reports the catalog fn it
    /// holds or records the workspace fns it may hold. Returns whether it was one.
    pub(super) fn call_of_local_fn_value(&mut self, call: &syn::ExprCall, name: &str) -> bool {
        let Some(origins) = self.scopes.local(name) else {
            return false;
        };
        let origins: Vec<Origin> = origins.to_vec();
        let text = format!("{name}({})", if call.args.is_empty() { "" } else { ".." });
        self.call_through_fn_value(call, &origins, text)
    }

    /// A call whose callee is a value, not a path: a field (`(self.handler)(..)`), an
    /// element (`[a, b][i]()`, `(f, g).0()`) or a call's result (`pick()()`). The fns
    /// it may call are where that value came from (see [`Analyzer::origins`]).
    pub(super) fn call_of_fn_value_expr(&mut self, call: &syn::ExprCall) -> bool {
        let func = peel(&call.func);
        if matches!(func, Expr::Path(_) | Expr::Closure(_)) {
            return false;
        }
        let mut origins = Vec::new();
        self.origins(func, &mut origins, 0);
        let args = if call.args.is_empty() { "" } else { ".." };
        let text = format!("{}({args})", callee_text(func, 0));
        self.call_through_fn_value(call, &origins, text)
    }

    /// The call `call` of a fn value that came from `origins`: a catalog fn among them
    /// is reported at the call, workspace fns become a call site for the call graph.
    fn call_through_fn_value(
        &mut self,
        call: &syn::ExprCall,
        origins: &[Origin],
        text: String,
    ) -> bool {
        // Written paths count for the catalog (`std::thread::sleep` needs no `use`).
        let paths: Vec<&Origin> = origins
            .iter()
            .filter(|o| o.exact || o.path.contains("::"))
            .collect();
        if paths.is_empty() {
            return false;
        }
        let start = call.func.span();
        let end = call.paren_token.span.close();
        let mut candidates: Vec<Vec<String>> = Vec::new();
        for o in &paths {
            let segs: Vec<String> = o.path.split("::").map(str::to_string).collect();
            if let Some(entry) = self.matcher.exact(&segs) {
                if matches!(entry.pattern, crate::Pattern::Path(_)) {
                    let hit = Hit {
                        entry,
                        certainty: Certainty::Resolved,
                    };
                    let resolved = entry.key().to_string();
                    self.report(hit, start, end, text, resolved, None);
                    return true;
                }
            }
            if o.exact && segs.first().map(String::as_str) == Some(CRATE) && segs.len() > 1 {
                let candidate = segs[1..].to_vec();
                if !candidates.contains(&candidate) {
                    candidates.push(candidate);
                }
            }
        }
        if candidates.is_empty() {
            return false;
        }
        self.call_site(candidates, None, text, start, end, false);
        true
    }

    /// A struct literal `S { handler: helper, .. }` of a struct of this code: its fields
    /// hold what their values came from, so a later `(s.handler)()` calls `helper`.
    pub(super) fn learn_struct_literal(&mut self, lit: &syn::ExprStruct) {
        if lit.qself.is_some() {
            return;
        }
        let Resolution::Absolute(path) = self.resolve(&lit.path) else {
            return;
        };
        let ty = path.join("::");
        for field in &lit.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            if !matches!(peel(&field.expr), Expr::Path(_)) {
                continue;
            }
            let mut held = Vec::new();
            self.origins(&field.expr, &mut held, 0);
            if held.is_empty() {
                continue;
            }
            let fields = self.fields.entry(ty.clone()).or_default();
            let entry = fields
                .entry(name.to_string())
                .or_insert_with(|| Rc::from([]));
            let mut all: Vec<Origin> = entry.to_vec();
            add_origins(&mut all, held);
            *entry = Rc::from(all);
        }
    }
}

/// A short text for a callee value: `s.handler`, `routes[..]`, `pick()`, `(..)`.
fn callee_text(e: &Expr, depth: usize) -> String {
    if depth > 4 {
        return "..".to_string();
    }
    match peel(e) {
        Expr::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::"),
        Expr::Field(f) => {
            let member = match &f.member {
                syn::Member::Named(i) => i.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            format!("({}.{member})", callee_text(&f.base, depth + 1))
        }
        Expr::Index(i) => format!("{}[..]", callee_text(&i.expr, depth + 1)),
        Expr::Call(c) => format!("{}(..)", callee_text(&c.func, depth + 1)),
        Expr::Array(_) => "[..]".to_string(),
        Expr::Tuple(_) => "(..)".to_string(),
        _ => "(..)".to_string(),
    }
}
