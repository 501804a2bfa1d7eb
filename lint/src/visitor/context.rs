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
    /// A run-once initialiser (`get_or_init(|| ..)`, `LazyLock::new(|| ..)`): runs once,
    /// on the first call of the code it is written in (async or not).
    Once { in_async: bool },
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

impl Ctx {
    /// The context inside a run-once initialiser given to `api`, written here.
    pub fn run_once(&self, api: &str) -> Ctx {
        let in_async = match self.kind {
            Kind::Async => true,
            Kind::Once { in_async } => in_async,
            Kind::Sync | Kind::Offloaded => false,
        };
        Ctx {
            kind: Kind::Once { in_async },
            desc: Rc::from(crate::run_once::initialiser_context(api, &self.desc)),
            in_test: self.in_test,
            awaitable: false,
        }
    }

    /// The context of an async block or closure (`desc`) written here: async code, except
    /// inside a run-once initialiser (tokio's `get_or_init(|| async { .. })`), whose
    /// future still runs once.
    pub fn async_code(&self, desc: &str) -> Ctx {
        match self.kind {
            Kind::Once { .. } => Ctx {
                awaitable: true,
                ..self.clone()
            },
            _ => Ctx {
                kind: Kind::Async,
                desc: Rc::from(desc),
                in_test: self.in_test,
                awaitable: true,
            },
        }
    }

    /// Where a call made here is, as the summaries record it.
    pub fn run_once_site(&self) -> crate::RunOnce {
        match self.kind {
            Kind::Once { in_async: true } => crate::RunOnce::InAsyncCode,
            Kind::Once { in_async: false } => crate::RunOnce::InSyncCode,
            _ => crate::RunOnce::Not,
        }
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
