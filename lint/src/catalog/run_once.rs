//! Run-once initialisers: calls and macros whose closure or body runs once per process
//! (or per thread), not on every call (see `run_once.rs` for what that changes).

/// Methods whose closure argument initialises a value once: `OnceLock`/`OnceCell`
/// (std, once_cell, tokio; tokio's with an async closure) and `Once`.
///
/// ```
/// assert!(blockwatch_lint::catalog::RUN_ONCE_METHODS.contains(&"get_or_init"));
/// ```
pub const RUN_ONCE_METHODS: &[&str] = &[
    "get_or_init",
    "get_or_try_init",
    "get_or_init_with",
    "call_once",
    "call_once_force",
];

/// `(type, fn)` of constructors whose closure argument runs on the value's first use:
/// `std::sync::LazyLock::new`, `std::cell::LazyCell::new`, once_cell's
/// `sync::Lazy::new` / `unsync::Lazy::new`. Matched on the last two segments as
/// written, so `Lazy::new(..)` and `once_cell::sync::Lazy::new(..)` both count.
///
/// ```
/// assert!(blockwatch_lint::catalog::RUN_ONCE_CONSTRUCTORS.contains(&("LazyLock", "new")));
/// ```
pub const RUN_ONCE_CONSTRUCTORS: &[(&str, &str)] =
    &[("LazyLock", "new"), ("LazyCell", "new"), ("Lazy", "new")];

/// Macros whose static initialisers run once: per process (`lazy_static!`) or per
/// thread (`thread_local!`).
///
/// ```
/// assert!(blockwatch_lint::catalog::RUN_ONCE_MACROS.contains(&"lazy_static"));
/// ```
pub const RUN_ONCE_MACROS: &[&str] = &["lazy_static", "thread_local"];

/// Whether a call of `path` is a run-once constructor ([`RUN_ONCE_CONSTRUCTORS`]).
pub(crate) fn is_run_once_constructor(path: &syn::Path) -> bool {
    let mut rev = path.segments.iter().rev();
    let (Some(f), Some(ty)) = (rev.next(), rev.next()) else {
        return false;
    };
    RUN_ONCE_CONSTRUCTORS
        .iter()
        .any(|(t, name)| ty.ident == t && f.ident == name)
}
