//! Offloaders: fns and methods that run the closures given to them off the executor
//! thread, so the blocking calls inside those closures are not findings.

/// Names of fns and methods whose sync closure arguments run off the executor thread.
///
/// ```
/// assert!(blockwatch_lint::catalog::OFFLOADERS.contains(&"spawn_blocking"));
/// ```
pub const OFFLOADERS: &[&str] = &[
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

/// `(crate, fn)` pairs that offload only under that crate's name: `rayon::scope` runs its
/// closure on the pool, while a bare `scope` (`std::thread::scope`) blocks.
///
/// ```
/// assert!(blockwatch_lint::catalog::CRATE_OFFLOADERS.contains(&("rayon", "scope")));
/// ```
pub const CRATE_OFFLOADERS: &[(&str, &str)] = &[("rayon", "scope")];

/// Whether the call of `path` offloads through [`CRATE_OFFLOADERS`].
pub(crate) fn is_crate_offloader(path: &syn::Path) -> bool {
    let Some(name) = path.segments.last() else {
        return false;
    };
    CRATE_OFFLOADERS
        .iter()
        .any(|(krate, f)| name.ident == f && path.segments.iter().any(|s| s.ident == krate))
}
