//! The expand stage of `#[no_blocking]`: the user's item back out, with the diagnostics,
//! the build-tracking of configuration files, and the debug-build watchdog wrapper.
//!
//! Placement of the extra tokens (diagnostics, `include_bytes!`): at the top of the body
//! for a fn (the fn may be a method, where sibling items are not allowed), after the item
//! for an impl block, a trait or a module. Default methods of a trait are checked, not
//! wrapped: the impls that override them are where the watchdog wrapper goes.

use std::path::PathBuf;

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, ToTokens};

use crate::fn_item::FnItem;
use crate::nested;
use crate::target::Target;
use crate::watch_wrapper::{self, Shape};

/// Everything the expansion adds to the user's item.
pub struct Additions {
    /// Errors or warnings, one per finding (and per malformed escape-hatch attribute).
    pub diagnostics: TokenStream,
    /// Configuration files the build must be rebuilt on.
    pub config_files: Vec<PathBuf>,
    /// Whether async fns get the debug-build watchdog wrapper.
    pub watch: bool,
}

impl Additions {
    /// The diagnostics, then an `include_bytes!` of each configuration file.
    pub fn extra_tokens(&self) -> TokenStream {
        let mut out = self.diagnostics.clone();
        for file in &self.config_files {
            let path = file.to_string_lossy();
            out.extend(quote! {
                const _: &[u8] = ::core::include_bytes!(#path);
            });
        }
        out
    }
}

/// The output for `target` (already stripped of escape-hatch attributes).
pub fn expand(target: Target, additions: &Additions) -> TokenStream {
    let extra = additions.extra_tokens();
    let (tokens, site_name) = match target {
        Target::Method(method) => {
            let name = method.sig.ident.to_string();
            (method.into_token_stream(), name)
        }
        Target::Item(syn::Item::Fn(f)) => {
            let name = f.sig.ident.to_string();
            (f.into_token_stream(), name)
        }
        Target::Item(mut item) => {
            if additions.watch {
                wrap_nested(&mut item, &[]);
            }
            let mut out = item.into_token_stream();
            out.extend(extra);
            return out;
        }
    };
    fn_tokens(tokens, &site_name, &extra, additions.watch, &[])
}

/// A fn's tokens, emitted by [`watch_wrapper::emit`]; `context` holds the attributes of
/// the impls and modules around it that the same expansion wraps.
fn fn_tokens(
    tokens: TokenStream,
    site_name: &str,
    extra: &TokenStream,
    watch: bool,
    context: &[TokenTree],
) -> TokenStream {
    match FnItem::split(tokens.clone().into_iter().collect()) {
        Some(f) => {
            let shape = Shape::for_attributes(context).and_attributes(f.outer_attrs());
            watch_wrapper::emit(&f, site_name, extra, watch, shape)
        }
        // syn printed a fn it parsed: its tokens always split. Should they not, the fn
        // comes out unwatched rather than broken.
        None => {
            let mut out = extra.clone();
            out.extend(tokens);
            out
        }
    }
}

/// Wraps every async fn inside an impl block or an inline module (recursively), except
/// those with a `#[no_blocking]` of their own, which wraps them itself; `context` holds
/// the attributes of the items around `item`.
fn wrap_nested(item: &mut syn::Item, context: &[TokenTree]) {
    match item {
        syn::Item::Fn(f) if f.sig.asyncness.is_some() && !has_own_attribute(&f.attrs) => {
            let name = f.sig.ident.to_string();
            let tokens = fn_tokens(
                f.to_token_stream(),
                &name,
                &TokenStream::new(),
                true,
                context,
            );
            *item = syn::Item::Verbatim(tokens);
        }
        syn::Item::Impl(imp) if !has_own_attribute(&imp.attrs) => {
            let context = with_attributes(context, &imp.attrs);
            let self_name = blockwatch_lint::self_type_name(&imp.self_ty);
            for impl_item in &mut imp.items {
                let syn::ImplItem::Fn(method) = impl_item else {
                    continue;
                };
                if method.sig.asyncness.is_none() || has_own_attribute(&method.attrs) {
                    continue;
                }
                let site_name = match &self_name {
                    Some(ty) => format!("{ty}::{}", method.sig.ident),
                    None => method.sig.ident.to_string(),
                };
                let tokens = fn_tokens(
                    method.to_token_stream(),
                    &site_name,
                    &TokenStream::new(),
                    true,
                    &context,
                );
                *impl_item = syn::ImplItem::Verbatim(tokens);
            }
        }
        syn::Item::Mod(m) if !has_own_attribute(&m.attrs) => {
            let context = with_attributes(context, &m.attrs);
            if let Some((_, items)) = &mut m.content {
                for item in items {
                    wrap_nested(item, &context);
                }
            }
        }
        _ => {}
    }
}

/// `context` and the outer attributes `attrs`, as trees.
fn with_attributes(context: &[TokenTree], attrs: &[syn::Attribute]) -> Vec<TokenTree> {
    let mut out = context.to_vec();
    for attr in attrs {
        if matches!(attr.style, syn::AttrStyle::Outer) {
            out.extend(attr.to_token_stream());
        }
    }
    out
}

fn has_own_attribute(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(nested::is_no_blocking)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(src: proc_macro2::TokenStream, watch: bool) -> String {
        let additions = Additions {
            diagnostics: quote!(DIAG;),
            config_files: vec![PathBuf::from("/p/blockwatch.toml")],
            watch,
        };
        expand(Target::parse(src).unwrap(), &additions).to_string()
    }

    #[test]
    fn fn_gets_additions_at_the_top_of_its_body() {
        let out = expanded(
            quote!(
                fn f() {
                    let a = async {};
                }
            ),
            true,
        );
        assert_eq!(
            out,
            "fn f () { DIAG ; const _ : & [u8] = :: core :: include_bytes ! (\"/p/blockwatch.toml\") ; let a = async { } ; }"
        );
    }

    #[test]
    fn impl_methods_are_wrapped_with_the_type_in_the_site_name() {
        let out = expanded(
            quote!(
                impl<T> Client<T> {
                    async fn get(&self) -> u8 {
                        1
                    }
                    fn sync(&self) {}
                }
            ),
            true,
        );
        assert!(out.contains("\"Client::get\""), "{out}");
        assert!(out.contains("fn sync (& self) { }"), "{out}");
        assert!(
            out.trim_end().ends_with("(\"/p/blockwatch.toml\") ;"),
            "{out}"
        );
    }

    #[test]
    fn watch_false_leaves_async_fns_alone() {
        let out = expanded(
            quote!(
                mod m {
                    async fn a() {}
                }
            ),
            false,
        );
        assert!(!out.contains("__private :: Watch ("), "{out}");
        let out = expanded(
            quote!(
                mod m {
                    mod n {
                        async fn a() {}
                    }
                }
            ),
            true,
        );
        assert!(out.contains("__private :: Watch ("), "{out}");
    }
}
