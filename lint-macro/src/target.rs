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
        if let Ok(item) = syn::parse2::<syn::Item>(tokens.clone()) {
            if !matches!(item, syn::Item::Verbatim(_)) {
                return Some(Target::Item(item));
            }
        }
        syn::parse2::<syn::ImplItemFn>(tokens)
            .ok()
            .map(Target::Method)
    }

    /// Rejects items the attribute has no meaning on, with an error spanned on the item.
    pub fn validate(&self) -> syn::Result<()> {
        let item = match self {
            Target::Method(_) => return Ok(()),
            Target::Item(item) => item,
        };
        match item {
            syn::Item::Fn(_) | syn::Item::Impl(_) => Ok(()),
            syn::Item::Mod(m) if m.content.is_some() => Ok(()),
            syn::Item::Mod(m) => Err(syn::Error::new(
                m.ident.span(),
                "`#[no_blocking]` on a module needs its body here (`mod name { .. }`): \
                 an attribute cannot see a module in another file",
            )),
            other => Err(syn::Error::new_spanned(
                other,
                "`#[no_blocking]` applies to an async fn, a fn containing async blocks, \
                 an impl block or an inline module",
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
        if !nested::has_own_attribute(&item) {
            return item;
        }
        let mut item = item.into_owned();
        nested::hand_to_own_attribute(&mut item);
        Cow::Owned(item)
    }
}

/// Items inside the annotated one that carry `#[no_blocking]` themselves.
pub mod nested {
    use syn::visit::Visit;
    use syn::visit_mut::VisitMut;

    /// `no_blocking` or `blockwatch::no_blocking` (with or without a leading `::`).
    pub fn is_no_blocking(attr: &syn::Attribute) -> bool {
        let names: Vec<String> = attr
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match names.as_slice() {
            [last] => last == "no_blocking",
            [krate, last] => krate == "blockwatch" && last == "no_blocking",
            _ => false,
        }
    }

    /// Whether an item below the top of `item` has its own `#[no_blocking]`.
    pub fn has_own_attribute(item: &syn::Item) -> bool {
        struct Finder {
            depth: usize,
            found: bool,
        }
        impl Finder {
            fn check(&mut self, attrs: &[syn::Attribute]) {
                if self.depth > 0 && attrs.iter().any(is_no_blocking) {
                    self.found = true;
                }
            }
        }
        impl<'ast> Visit<'ast> for Finder {
            fn visit_item(&mut self, item: &'ast syn::Item) {
                if let Some(attrs) = item_attrs(item) {
                    self.check(attrs);
                }
                self.depth += 1;
                syn::visit::visit_item(self, item);
                self.depth -= 1;
            }
            fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
                self.check(&f.attrs);
                syn::visit::visit_impl_item_fn(self, f);
            }
        }
        let mut finder = Finder {
            depth: 0,
            found: false,
        };
        finder.visit_item(item);
        finder.found
    }

    /// Marks every nested item with its own `#[no_blocking]` as `#[allow_blocking]`.
    pub fn hand_to_own_attribute(item: &mut syn::Item) {
        struct Marker {
            depth: usize,
        }
        fn mark(attrs: &mut Vec<syn::Attribute>) {
            if attrs.iter().any(is_no_blocking) {
                attrs.push(syn::parse_quote!(#[allow_blocking]));
            }
        }
        impl VisitMut for Marker {
            fn visit_item_mut(&mut self, item: &mut syn::Item) {
                if self.depth > 0 {
                    if let Some(attrs) = item_attrs_mut(item) {
                        mark(attrs);
                    }
                }
                self.depth += 1;
                syn::visit_mut::visit_item_mut(self, item);
                self.depth -= 1;
            }
            fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
                mark(&mut f.attrs);
                syn::visit_mut::visit_impl_item_fn_mut(self, f);
            }
        }
        Marker { depth: 0 }.visit_item_mut(item);
    }

    fn item_attrs(item: &syn::Item) -> Option<&Vec<syn::Attribute>> {
        match item {
            syn::Item::Fn(f) => Some(&f.attrs),
            syn::Item::Impl(i) => Some(&i.attrs),
            syn::Item::Mod(m) => Some(&m.attrs),
            _ => None,
        }
    }

    fn item_attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
        match item {
            syn::Item::Fn(f) => Some(&mut f.attrs),
            syn::Item::Impl(i) => Some(&mut i.attrs),
            syn::Item::Mod(m) => Some(&mut m.attrs),
            _ => None,
        }
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
