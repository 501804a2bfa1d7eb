//! Module-level macro invocations whose body is plain items, read as those items.
//!
//! Crates gate whole groups of items behind a forwarding macro: reqwest's
//! `if_hyper! { mod async_impl; pub use self::async_impl::Client; }`, tokio's
//! `cfg_rt! { pub mod runtime; }`. Such a macro usually expands to its items, each
//! under a `cfg`. Left as a macro, the `use` items inside would be invisible: a path
//! such as `reqwest::ClientBuilder` would resolve to nothing and the scan would fall
//! back to matching every type of that name, and the modules declared inside would
//! never be read. So before anything else looks at a parsed file, an invocation in
//! item position whose tokens parse as items is replaced by those items, each carrying
//! the invocation's own attributes (a `#[cfg]` on the invocation still gates them) and
//! those its `macro_rules!` definition puts in front of each item, when the file defines
//! it in the plain forwarding shape ([`definitions`]). A macro defined elsewhere (tokio's
//! `cfg_rt!` in another file) adds no attributes: as for any `cfg` the scanner cannot
//! decide, its gating counts as enabled.
//!
//! Left alone: `macro_rules!` definitions, `thread_local!` (a run-once initialiser the
//! visitor reads as such), and any invocation whose body is not items (a DSL, an
//! expression, `cfg_if!`'s `if #[cfg(..)] { .. }`): the visitor scans those as before.

use std::collections::HashMap;

use syn::{Attribute, Item};

mod definitions;

/// How deep forwarding macros (and inline modules, for their definitions) may nest
/// before the rest is left as macros (the nesting guard already bounded the file; this
/// bounds the re-parses).
const MAX_MACRO_DEPTH: usize = 8;

/// Replaces every module-level forwarding macro of `items` (inline modules included) by
/// the items it holds.
///
/// ```
/// let mut file: syn::File = syn::parse_str(
///     "gate! { mod inner; pub use self::inner::Client; } fn f() {}",
/// ).unwrap();
/// blockwatch_lint::flatten_item_macros(&mut file.items);
/// assert_eq!(file.items.len(), 3);
/// assert!(matches!(file.items[1], syn::Item::Use(_)));
/// ```
pub fn flatten_item_macros(items: &mut Vec<Item>) {
    if !items
        .iter()
        .any(|item| matches!(item, Item::Macro(_) | Item::Mod(_)))
    {
        return;
    }
    let defined = definitions::forwarding_definitions(items);
    flatten(items, &defined, 0);
}

/// Attributes that forwarding macros defined in the file put on each item, by name.
type Defined = HashMap<String, Vec<Attribute>>;

fn flatten(items: &mut Vec<Item>, defined: &Defined, depth: usize) {
    if !items
        .iter()
        .any(|item| matches!(item, Item::Macro(_) | Item::Mod(_)))
    {
        return;
    }
    let mut out = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        if let Item::Mod(m) = &mut item {
            if let Some((_, inner)) = &mut m.content {
                flatten(inner, defined, depth);
            }
        }
        match forwarded_items(&item, defined, depth) {
            Some(inner) => out.extend(inner),
            None => out.push(item),
        }
    }
    *items = out;
}

/// The items a forwarding macro invocation stands for, with its attributes on each.
fn forwarded_items(item: &Item, defined: &Defined, depth: usize) -> Option<Vec<Item>> {
    let Item::Macro(m) = item else { return None };
    if depth >= MAX_MACRO_DEPTH || m.ident.is_some() || !forwards_items(&m.mac.path) {
        return None;
    }
    let mut inner = m.mac.parse_body_with(parse_items).ok()?;
    if inner.is_empty() {
        return None;
    }
    let from_definition = m
        .mac
        .path
        .get_ident()
        .and_then(|name| defined.get(&name.to_string()))
        .map_or(&[][..], Vec::as_slice);
    if !m.attrs.is_empty() || !from_definition.is_empty() {
        let added: Vec<Attribute> = m.attrs.iter().chain(from_definition).cloned().collect();
        for item in &mut inner {
            let attrs = item_attrs_mut(item)?;
            attrs.splice(0..0, added.iter().cloned());
        }
    }
    flatten(&mut inner, defined, depth + 1);
    Some(inner)
}

/// Whether a macro of this name may be read as its items.
fn forwards_items(path: &syn::Path) -> bool {
    let Some(last) = path.segments.last() else {
        return false;
    };
    !matches!(
        last.ident.to_string().as_str(),
        "macro_rules" | "thread_local" | "lazy_static"
    )
}

fn parse_items(input: syn::parse::ParseStream<'_>) -> syn::Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(input.parse()?);
    }
    Ok(items)
}

/// The outer attributes of an item, where it can hold any.
fn item_attrs_mut(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn flattened(src: &str) -> Vec<String> {
        let mut file: syn::File = syn::parse_str(src).unwrap();
        flatten_item_macros(&mut file.items);
        file.items
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect()
    }

    #[test]
    fn a_forwarding_macro_becomes_its_items() {
        let items = flattened(
            "if_hyper! { mod async_impl; pub use self::async_impl::{Client, ClientBuilder}; }",
        );
        assert_eq!(
            items,
            [
                "mod async_impl ;",
                "pub use self :: async_impl :: { Client , ClientBuilder } ;"
            ]
        );
    }

    #[test]
    fn the_invocations_attributes_gate_each_item() {
        let items = flattened("#[cfg(feature = \"rt\")] gate! { pub fn a() {} pub fn b() {} }");
        assert_eq!(
            items,
            [
                "# [cfg (feature = \"rt\")] pub fn a () { }",
                "# [cfg (feature = \"rt\")] pub fn b () { }"
            ]
        );
    }

    #[test]
    fn a_forwarder_defined_in_the_file_puts_its_cfg_on_each_item() {
        let items = flattened(
            "macro_rules! if_wasm { ($($item:item)*) => {$( #[cfg(target_arch = \"wasm32\")] $item )*} }
             #[cfg(test)] if_wasm! { mod wasm; pub use self::wasm::Client; }",
        );
        assert_eq!(
            &items[1..],
            [
                "# [cfg (test)] # [cfg (target_arch = \"wasm32\")] mod wasm ;",
                "# [cfg (test)] # [cfg (target_arch = \"wasm32\")] pub use self :: wasm :: Client ;"
            ]
        );
    }

    #[test]
    fn nested_forwarders_and_inline_modules_are_read_too() {
        let items = flattened("mod m { outer! { inner! { use std::fs; } } }");
        assert_eq!(items, ["mod m { use std :: fs ; }"]);
    }

    #[test]
    fn macros_that_are_not_items_stay_macros() {
        for src in [
            "macro_rules! gate { ($($i:item)*) => { $($i)* } }",
            "thread_local! { static X: u8 = 0; }",
            "cfg_if::cfg_if! { if #[cfg(unix)] { fn a() {} } else { fn b() {} } }",
            "bitflags! { pub struct F: u32 { const A = 1; } }",
            "empty! {}",
            "include!(\"generated.rs\");",
        ] {
            let items = flattened(src);
            assert_eq!(items.len(), 1, "{src}");
            assert!(items[0].contains('!'), "{src} became {items:?}");
        }
    }

    #[test]
    fn spans_stay_those_of_the_source() {
        let mut file: syn::File = syn::parse_str("gate! {\n    fn moved() {}\n}").unwrap();
        flatten_item_macros(&mut file.items);
        let Item::Fn(f) = &file.items[0] else {
            panic!("{:?}", file.items)
        };
        assert_eq!(f.sig.ident.span().start().line, 2);
    }
}
