//! The escape hatch `#[allow_blocking]` / `#[blockwatch::allow_blocking(reason = "..")]`:
//! which attribute paths name it, for the engine (which skips what it marks) and the
//! attribute macro (which strips it) alike.

use syn::Attribute;

/// Whether `path` names the escape hatch: `allow_blocking`, `blockwatch::allow_blocking`
/// or `::blockwatch::allow_blocking` (not `::allow_blocking`, which names a crate).
///
/// ```
/// let path = |s: &str| syn::parse_str::<syn::Path>(s).unwrap();
/// assert!(blockwatch_lint::is_allow_blocking_path(&path("::blockwatch::allow_blocking")));
/// assert!(!blockwatch_lint::is_allow_blocking_path(&path("::allow_blocking")));
/// ```
pub fn is_allow_blocking_path(path: &syn::Path) -> bool {
    let mut names = path.segments.iter().map(|s| &s.ident);
    match (names.next(), names.next(), names.next()) {
        (Some(last), None, None) => last == "allow_blocking" && path.leading_colon.is_none(),
        (Some(krate), Some(last), None) => krate == "blockwatch" && last == "allow_blocking",
        _ => false,
    }
}

/// Whether `attrs` carry the escape hatch.
pub(crate) fn has_allow_blocking(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| is_allow_blocking_path(a.path()))
}
