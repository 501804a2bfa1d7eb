//! Items inside an annotated item that carry `#[no_blocking]` themselves: their own
//! attribute checks and wraps them, with its own options, so the enclosing one leaves them.

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
            if self.depth > 0
                && let Some(attrs) = item_attrs_mut(item)
            {
                mark(attrs);
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
