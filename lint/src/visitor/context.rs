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
    /// `.await` may be written here: the body of an async fn, block or closure itself,
    /// not a plain closure inside it, not a `poll` fn.
    pub awaitable: bool,
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
