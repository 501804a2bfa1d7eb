//! Whether a receiver's origins state its own type, not only where a chain of calls
//! that built it started: a path call written right there (`Hasher::new().finalize()`),
//! a local bound with a type annotation or from such a call (`let mut h = Hasher::new();`),
//! a typed parameter, a field whose declared type the file states. The call graph matches
//! a method of a stated type outside the workspace only to workspace methods implemented
//! for that type (see [`CallSite::receiver_constructed`](crate::CallSite::receiver_constructed)).
//! `let b = Client::new().get(url)` is not stated: its origin is where the chain began.

use syn::{Expr, Pat};

use super::{peel, Analyzer, MAX_CHAIN};

impl Analyzer<'_> {
    /// Whether the origins of `e`'s value name its type.
    pub(super) fn type_is_stated(&self, e: &Expr) -> bool {
        self.stated_at(e, 0)
    }

    fn stated_at(&self, e: &Expr, depth: usize) -> bool {
        if depth > MAX_CHAIN {
            return false;
        }
        match peel(e) {
            Expr::Call(c) => matches!(peel(&c.func), Expr::Path(_)),
            Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .is_some_and(|i| self.scopes.local_is_stated(&i.to_string())),
            Expr::Field(f) => self.field_is_declared(f),
            Expr::Try(t) => self.stated_at(&t.expr, depth + 1),
            Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
                self.stated_at(&m.receiver, depth + 1)
            }
            Expr::Await(a) => self.stated_at(&a.base, depth + 1),
            Expr::Reference(r) => self.stated_at(&r.expr, depth + 1),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.stated_at(&u.expr, depth + 1)
            }
            _ => false,
        }
    }

    /// Whether the field `f` reads is one the file declares on a type its base came from.
    pub(super) fn field_is_declared(&self, f: &syn::ExprField) -> bool {
        let member = match &f.member {
            syn::Member::Named(i) => i.to_string(),
            syn::Member::Unnamed(i) => i.index.to_string(),
        };
        let mut base = Vec::new();
        self.origins(&f.base, &mut base, 0);
        base.iter().filter(|o| o.exact).any(|o| {
            self.fields
                .get(&o.path)
                .is_some_and(|fs| fs.contains_key(&member))
        })
    }

    /// Whether a `let` states the type of what it binds: an annotation, or a value
    /// whose type is stated. Asked before the pattern is bound (`let h = h;`).
    pub(super) fn let_is_stated(&self, l: &syn::Local) -> bool {
        matches!(l.pat, Pat::Type(_))
            || l.init
                .as_ref()
                .is_some_and(|init| init.diverge.is_none() && self.type_is_stated(&init.expr))
    }

    /// Marks the name a plain pattern (`h`, `mut h`, `h: T`) binds as stated; a
    /// destructuring pattern binds parts whose types the origins do not name.
    pub(super) fn mark_stated(&mut self, pat: &Pat) {
        let ident = match pat {
            Pat::Ident(i) if i.subpat.is_none() => &i.ident,
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(i) if i.subpat.is_none() => &i.ident,
                _ => return,
            },
            _ => return,
        };
        if let Some(scope) = self.scopes.innermost() {
            scope.mark_stated(&ident.to_string());
        }
    }
}
