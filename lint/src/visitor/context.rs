//! Where code runs: the async-context kinds and the escape hatch. Which traits poll and
//! which fns offload is catalog data (`catalog/poll_traits.rs`, `catalog/offloaders.rs`).

use std::rc::Rc;

use syn::{Attribute, Expr};

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

/// The last segment of a type's path (`Store` for `crate::db::Store<T>`).
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(tp) => tp.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        _ => None,
    }
}

/// The outer attributes of an expression, for the escape hatch.
pub(crate) fn expr_attrs(e: &Expr) -> Option<&Vec<Attribute>> {
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
