//! The name an `impl` block's self type goes by in paths and site names.

/// The last segment of a type's path: `Store` for `crate::db::Store<T>`, `&Store`,
/// `(Store)`; `None` for types without a path (tuples, slices, `dyn Trait`).
///
/// ```
/// let ty: syn::Type = syn::parse_str("&crate::db::Store<T>").unwrap();
/// assert_eq!(blockwatch_lint::self_type_name(&ty).as_deref(), Some("Store"));
/// let tuple: syn::Type = syn::parse_str("(u8, u8)").unwrap();
/// assert_eq!(blockwatch_lint::self_type_name(&tuple), None);
/// ```
pub fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(tp) => tp.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => self_type_name(&r.elem),
        syn::Type::Paren(p) => self_type_name(&p.elem),
        syn::Type::Group(g) => self_type_name(&g.elem),
        _ => None,
    }
}
