//! Values a method of unknown return type made. A receiver's origins follow a call
//! chain through such methods (`Client::builder().timeout(t).build()` started at
//! `Client`), which is right for matching the chain's later methods by shape, but says
//! nothing of the value's own type: `db.begin_write()?.open_table(T)?` started at a
//! `Database` and is a `Table`. Drop glue needs the type itself, so `drop(x)` of such a
//! value runs no `drop` the origins name. Methods that hand on the value they hold
//! (`unwrap`, `take`, `clone`, ..) keep it, and a workspace method with a declared
//! return type names its own.

use syn::{Expr, Pat};

use super::{peel, receivers::pat_idents, Analyzer, MAX_CHAIN};

/// Methods of `Option`/`Result`/`Clone`/anyhow's `Context` whose value is the one they
/// were called on, or the one it held.
const VALUE_KEEPING: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "unwrap_unchecked",
    "map_err",
    "context",
    "with_context",
    "ok",
    "take",
    "clone",
    "to_owned",
];

impl Analyzer<'_> {
    /// Whether `e`'s value was made by a method whose return type is unknown here.
    pub(super) fn value_is_reshaped(&self, e: &Expr) -> bool {
        self.reshaped_at(e, 0)
    }

    fn reshaped_at(&self, e: &Expr, depth: usize) -> bool {
        if depth > MAX_CHAIN {
            return false;
        }
        match peel(e) {
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if VALUE_KEEPING.contains(&name.as_str()) {
                    return self.reshaped_at(&m.receiver, depth + 1);
                }
                let mut base = Vec::new();
                self.origins(&m.receiver, &mut base, 0);
                !base
                    .iter()
                    .filter(|o| o.exact)
                    .any(|o| self.returns.contains_key(&format!("{}::{name}", o.path)))
            }
            Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .is_some_and(|i| self.scopes.local_is_reshaped(&i.to_string())),
            Expr::Try(t) => self.reshaped_at(&t.expr, depth + 1),
            Expr::Await(a) => self.reshaped_at(&a.base, depth + 1),
            Expr::Reference(r) => self.reshaped_at(&r.expr, depth + 1),
            Expr::Match(m) => self.reshaped_at(&m.expr, depth + 1),
            Expr::Field(f) if matches!(peel(&f.base), Expr::Tuple(_)) => false,
            // A field of a type defined elsewhere keeps what its base came from.
            Expr::Field(f) => !self.field_is_declared(f) && self.reshaped_at(&f.base, depth + 1),
            _ => false,
        }
    }

    /// Marks every name `pat` binds as made by a method of unknown return type when
    /// `value` was. Called right after the pattern is bound.
    pub(super) fn mark_reshaped(&mut self, pat: &Pat, value: &Expr) {
        if !self.value_is_reshaped(value) {
            return;
        }
        let mut names = Vec::new();
        pat_idents(pat, &mut names, 0);
        if let Some(scope) = self.scopes.innermost() {
            for n in names {
                scope.mark_reshaped(&n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use syn::visit::Visit;

    use super::*;
    use crate::resolve::Scope;
    use crate::Config;

    /// Whether the local `name` counts as reshaped after the statements of `body`.
    fn reshaped(body: &str, name: &str) -> bool {
        let matcher = Config::default().matcher();
        let mut v = Analyzer::new(&matcher, Vec::new(), false, false);
        let block: syn::Block = syn::parse_str(&format!("{{ {body} }}")).unwrap();
        v.scopes.push(Scope::default());
        for stmt in &block.stmts {
            v.visit_stmt(stmt);
        }
        assert!(v.scopes.local(name).is_some(), "`{name}` is not bound");
        v.scopes.local_is_reshaped(name)
    }

    #[test]
    fn a_method_of_unknown_return_type_reshapes_its_value() {
        for body in [
            "let txn = db.begin_write()?; let tab = txn.open_table(T)?;",
            "let tab = db.begin_write().unwrap().open_table(T).unwrap();",
            "let (tab, _) = db.split_tables();",
        ] {
            assert!(reshaped(body, "tab"), "{body}");
        }
    }

    #[test]
    fn constructed_typed_and_value_keeping_bindings_are_not_reshaped() {
        for body in [
            "let tab = Table::new();",
            "let tab = Table::open(p)?.unwrap();",
            "let tab = other.take().expect(\"set\");",
            "let tab: Table = txn.open_table(T)?;",
            "let other = Table::new(); let tab = other.clone();",
            "let txn = db.begin_write()?; let tab = Table::new(); let _ = txn;",
        ] {
            assert!(!reshaped(body, "tab"), "{body}");
        }
    }

    #[test]
    fn a_rebinding_forgets_that_the_old_value_was_reshaped() {
        assert!(!reshaped(
            "let tab = txn.open_table(T)?; let tab = Table::new();",
            "tab"
        ));
    }
}
