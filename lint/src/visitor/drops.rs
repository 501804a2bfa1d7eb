//! Drop glue as calls. Dropping a value runs its type's `Drop::drop`, with no call
//! written: `drop(x)` and a `let` binding of a value constructed right there
//! (`let _g = Guard::new();`, `Guard { .. }`, `Manager::new().await?`) become call
//! sites of the workspace type's `drop`, so the call graph reports them when that
//! `drop` blocks. A binding a later statement moves away is still dropped in its scope
//! when an early exit (`?`, `return`) comes first: the fn leaves with the value live.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Pat, Stmt};

use super::{peel, Analyzer};
use crate::resolve::{Origin, Resolution, CRATE};

/// The `drop` fns of the workspace types among `origins`, as call candidates
/// (`crate::guard::Guard` gives `guard::Guard::drop`).
/// A type of another workspace crate (`talpid_routing::RouteManager`) keeps its crate's
/// name in front, as call candidates do; std's types have no workspace `drop`.
fn drop_candidates(origins: &[Origin]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for o in origins.iter().filter(|o| o.exact) {
        let mut segs = o.path.split("::").peekable();
        match segs.peek() {
            Some(&CRATE) => {
                segs.next();
            }
            Some(&("std" | "core" | "alloc")) | None => continue,
            Some(_) => {}
        }
        let mut candidate: Vec<String> = segs.map(str::to_string).collect();
        // A type of another crate comes with no return types: its constructor by the
        // naming convention (`RouteManager::new`, `Pool::with_config`) names it.
        if candidate.last().is_some_and(|f| is_constructor_name(f)) && candidate.len() > 1 {
            candidate.pop();
        }
        let names_type = candidate
            .last()
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
        if !names_type {
            continue;
        }
        candidate.push("drop".to_string());
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// Whether `name` is a constructor's by Rust's naming convention: `new`, `new_*`,
/// `with_*`, `from_*` return `Self` (or a `Result`/`Option` of it).
fn is_constructor_name(name: &str) -> bool {
    name == "new"
        || ["new_", "with_", "from_"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// Whether `res` is std's `drop` (the prelude's, `mem::drop`); a bare `drop` that only
/// a glob import might provide (`use snafu::prelude::*;`) is the prelude's too.
pub(super) fn is_std_drop(res: &Resolution) -> bool {
    match res {
        Resolution::Absolute(p) | Resolution::Unknown(p) | Resolution::Glob(_, p) => {
            let p: Vec<&str> = p.iter().map(String::as_str).collect();
            matches!(
                p.as_slice(),
                ["drop"] | ["std" | "core", "mem", "drop"] | ["mem", "drop"]
            )
        }
        _ => false,
    }
}

/// The constructor call or struct literal a `let` initialiser's value comes from: the
/// expression itself, or below the unwrapping that keeps the constructed value
/// (`.await`, `?`, `.unwrap()`, `.expect(..)`, `.map_err(..)`, `.context(..)`).
fn constructed_value(init: &Expr) -> Option<&Expr> {
    let mut e = peel(init);
    for _ in 0..super::MAX_CHAIN {
        match e {
            Expr::Call(c) if matches!(peel(&c.func), Expr::Path(_)) => return Some(e),
            Expr::Struct(_) => return Some(e),
            Expr::Try(t) => e = peel(&t.expr),
            Expr::Await(a) => e = peel(&a.base),
            Expr::MethodCall(m) if UNWRAPPING.contains(&m.method.to_string().as_str()) => {
                e = peel(&m.receiver)
            }
            _ => return None,
        }
    }
    None
}

/// Methods of `Result`/`Option` (and anyhow's `Context`) that hand on the value they
/// hold, so a constructor below them still built the bound value.
const UNWRAPPING: &[&str] = &["unwrap", "expect", "map_err", "context", "with_context"];

/// Whether the value `pat` binds leaves its scope through `stmts` on every path: the
/// name used by value (returned, passed, stored, assigned), not only as a method
/// receiver, a field base or behind `&`, before any early exit (`?`, `return`) of the
/// enclosing fn or block, which would drop it here. A binding that is not a plain name
/// counts as moved.
pub(super) fn moved_later(pat: &Pat, stmts: &[Stmt]) -> bool {
    let name = match pat {
        Pat::Ident(i) => i.ident.to_string(),
        Pat::Type(t) => match &*t.pat {
            Pat::Ident(i) => i.ident.to_string(),
            _ => return true,
        },
        Pat::Wild(_) => return false,
        _ => return true,
    };
    let mut finder = MoveFinder {
        name: &name,
        moved: false,
        exits: false,
    };
    for stmt in stmts {
        finder.visit_stmt(stmt);
        if finder.moved {
            return true;
        }
        if finder.exits {
            return false;
        }
        // A later `let` of the same name shadows it: what follows uses the new one.
        if let Stmt::Local(l) = stmt {
            if matches!(&l.pat, Pat::Ident(i) if i.ident == name) {
                break;
            }
        }
    }
    finder.moved
}

/// Looks for a by-value use of one name, and for early exits of the enclosing body.
struct MoveFinder<'n> {
    name: &'n str,
    moved: bool,
    /// A `?` or `return` that leaves the body the binding lives in (not one inside a
    /// closure, an async block or a nested item, which leaves only those).
    exits: bool,
}

impl MoveFinder<'_> {
    fn is_name(&self, e: &Expr) -> bool {
        matches!(peel(e), Expr::Path(p) if p.qself.is_none() && p.path.is_ident(self.name))
    }
}

impl<'ast> Visit<'ast> for MoveFinder<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if !self.is_name(&m.receiver) {
            self.visit_expr(&m.receiver);
        }
        for arg in &m.args {
            self.visit_expr(arg);
        }
    }

    fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
        if !self.is_name(&f.base) {
            self.visit_expr(&f.base);
        }
    }

    fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
        if !self.is_name(&r.expr) {
            self.visit_expr(&r.expr);
        }
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() && p.path.is_ident(self.name) {
            self.moved = true;
        }
    }

    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        self.visit_expr(&t.expr);
        self.exits = true;
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.visit_expr(e);
        }
        self.exits = true;
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let exits = self.exits;
        self.visit_expr(&c.body);
        self.exits = exits;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        let exits = self.exits;
        self.visit_block(&a.block);
        self.exits = exits;
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

impl Analyzer<'_> {
    /// `drop(x)`: the `drop` of `x`'s workspace types, tried before other candidates.
    pub(super) fn explicit_drop_candidates(&self, call: &syn::ExprCall) -> Vec<Vec<String>> {
        // A value a method of unknown return type made is of a type its origins do not
        // name (`drop(tab)` of `txn.open_table(..)?` is no drop of the database).
        if call.args.len() != 1 || self.value_is_reshaped(&call.args[0]) {
            return Vec::new();
        }
        let mut origins = Vec::new();
        self.origins(&call.args[0], &mut origins, 0);
        drop_candidates(&origins)
    }

    /// The types a constructed value owns: the constructor's (or literal's) own, and
    /// those of values constructed right in its arguments or fields
    /// (`BufWriter::new(File::create(p)?)`), not what other arguments came from
    /// (`Monitor::new(manager.handle())` does not own the manager).
    fn constructed_origins(&self, value: &Expr, out: &mut Vec<Origin>, depth: usize) {
        if depth > super::MAX_CHAIN {
            return;
        }
        let inner: Vec<&Expr> = match value {
            Expr::Struct(s) => {
                self.push_origin(&s.path, out);
                s.fields.iter().map(|f| &f.expr).collect()
            }
            Expr::Call(c) => {
                if let Expr::Path(p) = peel(&c.func) {
                    self.push_origin(&p.path, out);
                }
                c.args.iter().collect()
            }
            _ => Vec::new(),
        };
        for e in inner {
            if let Some(v) = constructed_value(e) {
                self.constructed_origins(v, out, depth + 1);
            }
        }
    }

    /// `let x = T::new(..);` / `let x = T { .. };`: the value is dropped where the scope
    /// ends, in the context of the binding; a call site at the pattern.
    pub(super) fn binding_drop(&mut self, pat: &Pat, init: &Expr) {
        let Some(value) = constructed_value(init) else {
            return;
        };
        if self.binding_moved || self.summaries.is_none() {
            return;
        }
        let mut origins = Vec::new();
        self.constructed_origins(value, &mut origins, 0);
        let candidates = drop_candidates(&origins);
        if candidates.is_empty() {
            return;
        }
        let name = match pat {
            Pat::Ident(i) => i.ident.to_string(),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(i) => i.ident.to_string(),
                _ => "_".to_string(),
            },
            _ => "_".to_string(),
        };
        let span: Span = pat.span();
        let text = format!("drop({name}) at the end of its scope");
        self.call_site(candidates, None, text, span, span, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(path: &str, exact: bool) -> Origin {
        Origin {
            path: path.to_string(),
            exact,
        }
    }

    #[test]
    fn only_resolved_workspace_types_have_drop_candidates() {
        let origins = [
            origin("crate::guard::Guard", true),
            origin("crate::guard::Guard::new", true),
            origin("std::sync::Arc", true),
            origin("Other", false),
            origin("crate::guard::Guard", true),
        ];
        assert_eq!(
            drop_candidates(&origins),
            [vec![
                "guard".to_string(),
                "Guard".to_string(),
                "drop".to_string()
            ]]
        );
    }

    fn stmts(src: &str) -> (Pat, Vec<Stmt>) {
        let block: syn::Block = syn::parse_str(&format!("{{ {src} }}")).unwrap();
        let mut stmts = block.stmts.into_iter();
        let Some(Stmt::Local(l)) = stmts.next() else {
            panic!("no let in {src}");
        };
        (l.pat, stmts.collect())
    }

    #[test]
    fn values_used_by_value_later_are_moved() {
        for src in [
            "let g = G::new(); g",
            "let g = G::new(); return g;",
            "let g = G::new(); keep(g);",
            "let g = G::new(); self.slot = Some(g);",
            "let (a, b) = G::pair(); a.run();",
        ] {
            let (pat, rest) = stmts(src);
            assert!(moved_later(&pat, &rest), "{src}");
        }
    }

    #[test]
    fn values_only_borrowed_later_are_dropped_in_scope() {
        for src in [
            "let g = G::new(); g.run(); g.field.x(); show(&g);",
            "let _ = G::new(); work();",
            "let g = G::new(); let g = other(); keep(g);",
            "let g: G = G::new(); other(h);",
        ] {
            let (pat, rest) = stmts(src);
            assert!(!moved_later(&pat, &rest), "{src}");
        }
    }

    #[test]
    fn std_drop_is_recognised_in_its_spellings() {
        let p = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_std_drop(&Resolution::Unknown(p(&["drop"]))));
        assert!(is_std_drop(&Resolution::Absolute(p(&[
            "std", "mem", "drop"
        ]))));
        assert!(!is_std_drop(&Resolution::Absolute(p(&["crate", "drop"]))));
        assert!(!is_std_drop(&Resolution::Unknown(p(&["guard", "drop"]))));
        let glob = Resolution::Glob(vec![p(&["snafu", "prelude", "drop"])], p(&["drop"]));
        assert!(is_std_drop(&glob));
    }
}
