//! The parse stage of `#[no_blocking]`: what the attribute is on.

use std::borrow::Cow;

use proc_macro2::TokenStream;

/// The item under `#[no_blocking]`.
pub enum Target {
    /// A free fn, an impl block or an inline module (also a method, when syn reads it as a
    /// free fn: `fn f(&self)` parses as one).
    Item(syn::Item),
    /// A method inside an impl that only parses as an impl item (`default fn`, ...).
    Method(syn::ImplItemFn),
}

impl Target {
    /// Parses the annotated item. `None` when it is not Rust syn can read: the caller
    /// re-emits the tokens unchanged so rustc reports its own error.
    pub fn parse(tokens: TokenStream) -> Option<Target> {
        if let Ok(item) = syn::parse2::<syn::Item>(tokens.clone())
            && !matches!(item, syn::Item::Verbatim(_))
        {
            return Some(Target::Item(item));
        }
        syn::parse2::<syn::ImplItemFn>(tokens)
            .ok()
            .map(Target::Method)
    }

    /// The span of the item's name (its `impl` keyword for an impl block): where errors
    /// about the item as a whole point.
    pub fn name_span(&self) -> proc_macro2::Span {
        use syn::spanned::Spanned;
        match self {
            Target::Method(method) => method.sig.ident.span(),
            Target::Item(syn::Item::Fn(f)) => f.sig.ident.span(),
            Target::Item(syn::Item::Trait(t)) => t.ident.span(),
            Target::Item(syn::Item::Mod(m)) => m.ident.span(),
            Target::Item(syn::Item::Impl(i)) => i.impl_token.span,
            Target::Item(other) => other.span(),
        }
    }

    /// Rejects items the attribute has no meaning on, with an error spanned on the item.
    pub fn validate(&self) -> syn::Result<()> {
        let item = match self {
            Target::Method(_) => return Ok(()),
            Target::Item(item) => item,
        };
        match item {
            syn::Item::Fn(_) | syn::Item::Impl(_) | syn::Item::Trait(_) => Ok(()),
            syn::Item::Mod(m) if m.content.is_some() => Ok(()),
            syn::Item::Mod(m) => Err(syn::Error::new(
                m.ident.span(),
                "`#[no_blocking]` on a module needs its body here (`mod name { .. }`): \
                 an attribute cannot see a module in another file",
            )),
            other => Err(syn::Error::new_spanned(
                other,
                "`#[no_blocking]` applies to an async fn, a fn containing async blocks, \
                 an impl block, a trait (its default methods) or an inline module",
            )),
        }
    }

    /// The item as the engine takes it (a method becomes a free fn).
    ///
    /// Nested items with a `#[no_blocking]` of their own (a method overriding the impl's
    /// options, say) are checked by their own attribute: the engine gets them marked
    /// `#[allow_blocking]`, so each finding is reported once, with the innermost options.
    pub fn engine_item(&self) -> Cow<'_, syn::Item> {
        let item = match self {
            Target::Item(item) => Cow::Borrowed(item),
            Target::Method(method) => Cow::Owned(syn::Item::Fn(syn::ItemFn {
                attrs: method.attrs.clone(),
                vis: method.vis.clone(),
                sig: method.sig.clone(),
                block: Box::new(method.block.clone()),
            })),
        };
        if !crate::nested::has_own_attribute(&item) {
            return item;
        }
        let mut item = item.into_owned();
        crate::nested::hand_to_own_attribute(&mut item);
        Cow::Owned(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parses_items_and_methods() {
        assert!(matches!(
            Target::parse(quote!(
                async fn f(&self) {}
            )),
            Some(Target::Item(syn::Item::Fn(_)))
        ));
        assert!(matches!(
            Target::parse(quote!(default async fn f(&self) {})),
            Some(Target::Method(_))
        ));
        assert!(Target::parse(quote!(async fn f(x:) {})).is_none());
    }

    #[test]
    fn validates_item_kinds() {
        let ok = [
            quote!(
                fn f() {}
            ),
            quote!(impl S {}),
            quote!(impl T for S {}),
            quote!(
                trait T {
                    async fn f(&self) {}
                }
            ),
            quote!(
                mod m {}
            ),
        ];
        for tokens in ok {
            assert!(Target::parse(tokens).unwrap().validate().is_ok());
        }
        let err = Target::parse(quote!(
            struct S;
        ))
        .unwrap()
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("applies to an async fn"));
        let err = Target::parse(quote!(
            mod m;
        ))
        .unwrap()
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("needs its body"));
    }

    #[test]
    fn nested_attribute_takes_over_its_item() {
        let target = Target::parse(quote! {
            impl S {
                #[blockwatch::no_blocking(warn)]
                async fn a() { std::thread::sleep(d); }
                async fn b() { std::thread::sleep(d); }
            }
        })
        .unwrap();
        let found = blockwatch_lint::check_item(&target.engine_item(), &Default::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].context, "async fn `b`");
        let plain = Target::parse(quote!(
            async fn f() {}
        ))
        .unwrap();
        assert!(matches!(plain.engine_item(), Cow::Borrowed(_)));
    }

    #[test]
    fn method_becomes_a_free_fn_for_the_engine() {
        let target = Target::parse(quote!(default async fn f(&self) -> u8 { 1 })).unwrap();
        assert!(matches!(&*target.engine_item(), syn::Item::Fn(f) if f.sig.ident == "f"));
    }
}
