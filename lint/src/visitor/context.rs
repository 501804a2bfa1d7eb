//! Where code runs: the async-context kinds, the escape hatch, test code, and the
//! names of offloading fns.

use std::rc::Rc;

use syn::{Attribute, Expr};

/// Traits whose `poll*` methods run on the executor thread.
pub(crate) const POLL_TRAITS: &[&str] = &[
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

/// Whether a fn or method named `name` runs the closures given to it off the executor
/// thread: a known offloader ([`OFFLOADERS`]), or a name that says so, as projects name
/// their own wrappers of `spawn_blocking` (tokio's `asyncify`, `run_blocking`,
/// `offload_io`, `unblock_on`): `asyncify*`, `*unblock*`, `*offload*`, `*_blocking`.
/// Names that merely contain `blocking` (`blocking_recv`, `blocking_lock`) block
/// themselves and are not offloaders. Wrappers with other names are found in the file
/// (see `wrappers.rs`) or listed under `offload` in the configuration.
pub(crate) fn is_offloader_name(name: &str) -> bool {
    OFFLOADERS.contains(&name)
        || name.starts_with("asyncify")
        || name.contains("unblock")
        || name.contains("offload")
        || (name.ends_with("_blocking") && name.len() > "_blocking".len())
}

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
pub(crate) fn is_test(attrs: &[Attribute]) -> bool {
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
