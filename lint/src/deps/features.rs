//! Which items of a dependency are compiled: `#[cfg(..)]` evaluated against the features
//! cargo enabled for it. `test` is off (a dependency is never built for its own tests);
//! `feature = ".."` is decided by the feature set; anything else (target, `unix`,
//! `debug_assertions`, custom cfgs set by build scripts, which never run here) cannot
//! be decided without building and counts as enabled, so nothing that may be compiled
//! is dropped.

use std::collections::HashSet;

use syn::punctuated::Punctuated;
use syn::{Attribute, ImplItem, Item, Meta, Token, TraitItem};

/// The configuration a dependency is compiled with, as far as the scanner knows it.
///
/// ```
/// let cfg = blockwatch_lint::deps::Cfg::with_features(["blocking"]);
/// let pred: syn::Meta = syn::parse_str(r#"all(feature = "blocking", not(test))"#).unwrap();
/// assert_eq!(cfg.eval(&pred), Some(true));
/// let pred: syn::Meta = syn::parse_str("target_os = \"linux\"").unwrap();
/// assert_eq!(cfg.eval(&pred), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cfg {
    features: HashSet<String>,
}

impl Cfg {
    /// A configuration with exactly these features enabled.
    pub fn with_features<I, S>(features: I) -> Cfg
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Cfg {
            features: features.into_iter().map(Into::into).collect(),
        }
    }

    /// The value of a cfg predicate: `Some` when decided, `None` when it depends on
    /// something the scanner does not know.
    pub fn eval(&self, meta: &Meta) -> Option<bool> {
        match meta {
            Meta::Path(p) if p.is_ident("test") => Some(false),
            Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(self.features.contains(&s.value())),
                _ => None,
            },
            Meta::List(list) => {
                let args = list
                    .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .ok()?;
                let values: Vec<Option<bool>> = args.iter().map(|m| self.eval(m)).collect();
                if list.path.is_ident("not") {
                    match values.as_slice() {
                        [v] => v.map(|b| !b),
                        _ => None,
                    }
                } else if list.path.is_ident("all") {
                    if values.contains(&Some(false)) {
                        Some(false)
                    } else if values.iter().all(|v| *v == Some(true)) {
                        Some(true)
                    } else {
                        None
                    }
                } else if list.path.is_ident("any") {
                    if values.contains(&Some(true)) {
                        Some(true)
                    } else if values.iter().all(|v| *v == Some(false)) {
                        Some(false)
                    } else {
                        None
                    }
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Whether an item with these attributes is compiled: no `#[cfg(..)]` is known false.
    pub fn keeps(&self, attrs: &[Attribute]) -> bool {
        attrs.iter().all(|a| {
            !a.path().is_ident("cfg")
                || a.parse_args::<Meta>()
                    .map_or(true, |m| self.eval(&m) != Some(false))
        })
    }
}

/// Removes the items (at any depth of modules, impls and traits) that `cfg` does not
/// compile.
///
/// ```
/// let mut file: syn::File = syn::parse_str(r#"
///     #[cfg(feature = "sync")] pub fn read_all() {}
///     #[cfg(unix)] pub fn on_unix() {}
///     pub fn always() {}
/// "#).unwrap();
/// blockwatch_lint::deps::strip_disabled(&mut file, &blockwatch_lint::deps::Cfg::default());
/// assert_eq!(file.items.len(), 2);
/// ```
pub fn strip_disabled(file: &mut syn::File, cfg: &Cfg) {
    strip_items(&mut file.items, cfg);
}

fn strip_items(items: &mut Vec<Item>, cfg: &Cfg) {
    items.retain(|item| cfg.keeps(item_attrs(item)));
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, content)) = &mut m.content {
                    strip_items(content, cfg);
                }
            }
            Item::Impl(i) => i.items.retain(|ii| match ii {
                ImplItem::Fn(f) => cfg.keeps(&f.attrs),
                ImplItem::Const(c) => cfg.keeps(&c.attrs),
                ImplItem::Type(t) => cfg.keeps(&t.attrs),
                ImplItem::Macro(m) => cfg.keeps(&m.attrs),
                _ => true,
            }),
            Item::Trait(t) => t.items.retain(|ti| match ti {
                TraitItem::Fn(f) => cfg.keeps(&f.attrs),
                TraitItem::Const(c) => cfg.keeps(&c.attrs),
                TraitItem::Type(t) => cfg.keeps(&t.attrs),
                TraitItem::Macro(m) => cfg.keeps(&m.attrs),
                _ => true,
            }),
            _ => {}
        }
    }
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(file: &syn::File) -> Vec<String> {
        let mut out = Vec::new();
        for item in &file.items {
            match item {
                Item::Fn(f) => out.push(f.sig.ident.to_string()),
                Item::Impl(i) => {
                    for ii in &i.items {
                        if let ImplItem::Fn(f) = ii {
                            out.push(format!("impl::{}", f.sig.ident));
                        }
                    }
                }
                Item::Mod(m) => out.push(format!("mod {}", m.ident)),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn disabled_features_and_test_code_are_removed_undecidable_cfgs_kept() {
        let src = r#"
            #[cfg(feature = "fs")] fn fs_on() {}
            #[cfg(not(feature = "fs"))] fn fs_off() {}
            #[cfg(any(feature = "net", windows))] fn net_or_windows() {}
            #[cfg(all(feature = "net", windows))] fn net_and_windows() {}
            #[cfg(test)] mod tests {}
            #[cfg(my_build_script_cfg)] fn custom() {}
            impl S { #[cfg(feature = "fs")] fn m_on() {} #[cfg(feature = "x")] fn m_off() {} }
        "#;
        let mut file: syn::File = syn::parse_str(src).unwrap();
        strip_disabled(&mut file, &Cfg::with_features(["fs"]));
        assert_eq!(
            names(&file),
            ["fs_on", "net_or_windows", "custom", "impl::m_on"]
        );
    }
}
