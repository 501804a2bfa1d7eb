//! Which items of a dependency are compiled: `#[cfg(..)]` evaluated against the features
//! cargo enabled for it. `test` is off and test fns (`#[test]`, `#[tokio::test]`) are
//! left out (a dependency is never built for its own tests);
//! `feature = ".."` is decided by the feature set; `unix`, `windows`, `target_os`,
//! `target_family`, `target_arch`, `target_pointer_width` and `target_endian` are the
//! host's (dependencies are built for the machine that scans, as `cargo build` without
//! `--target` would); anything else (`target_env`, `debug_assertions`, custom cfgs set
//! by build scripts, which never run here) cannot be decided without building and
//! counts as enabled, so nothing that may be compiled is dropped.

use std::collections::HashSet;

use syn::punctuated::Punctuated;
use syn::{Attribute, ImplItem, Item, Meta, Token, TraitItem};

/// The configuration a dependency is compiled with, as far as the scanner knows it.
///
/// ```
/// let cfg = blockwatch_lint::deps::Cfg::with_features(["blocking"]);
/// let pred: syn::Meta = syn::parse_str(r#"all(feature = "blocking", not(test))"#).unwrap();
/// assert_eq!(cfg.eval(&pred), Some(true));
/// let pred: syn::Meta = syn::parse_str("target_env = \"gnu\"").unwrap();
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
            Meta::Path(p) if p.is_ident("unix") => Some(cfg!(unix)),
            Meta::Path(p) if p.is_ident("windows") => Some(cfg!(windows)),
            Meta::NameValue(nv) if host_value(&nv.path).is_some() => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => host_value(&nv.path).map(|host| host == s.value()),
                _ => None,
            },
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

    /// Whether an item with these attributes is compiled: it is not test code
    /// ([`is_test_code`](crate::is_test_code): `#[test]`, `#[tokio::test]`, a `cfg` that
    /// requires `test`; a dependency is never built for its own tests) and no `#[cfg(..)]`
    /// is known false.
    ///
    /// ```
    /// let cfg = blockwatch_lint::deps::Cfg::default();
    /// let f: syn::ItemFn = syn::parse_str("#[test] fn t() {}").unwrap();
    /// assert!(!cfg.keeps(&f.attrs));
    /// let f: syn::ItemFn = syn::parse_str("#[cfg(unknown_cfg)] fn f() {}").unwrap();
    /// assert!(cfg.keeps(&f.attrs));
    /// ```
    pub fn keeps(&self, attrs: &[Attribute]) -> bool {
        !crate::is_test_code(attrs)
            && attrs.iter().all(|a| {
                !a.path().is_ident("cfg")
                    || a.parse_args::<Meta>()
                        .map_or(true, |m| self.eval(&m) != Some(false))
            })
    }
}

/// The host's value of a target cfg key, for the keys the scanner decides.
fn host_value(key: &syn::Path) -> Option<String> {
    let key = key.get_ident()?.to_string();
    Some(match key.as_str() {
        "target_os" => std::env::consts::OS.to_string(),
        "target_family" => std::env::consts::FAMILY.to_string(),
        "target_arch" => std::env::consts::ARCH.to_string(),
        "target_pointer_width" => usize::BITS.to_string(),
        "target_endian" => if cfg!(target_endian = "little") {
            "little"
        } else {
            "big"
        }
        .to_string(),
        _ => return None,
    })
}

/// Removes the items (at any depth of modules, impls, traits and fn bodies) that `cfg`
/// does not compile.
///
/// ```
/// let mut file: syn::File = syn::parse_str(r#"
///     #[cfg(feature = "sync")] pub fn read_all() {}
///     #[cfg(target_env = "musl")] pub fn on_musl() {}
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
        strip_item(item, cfg);
    }
}

fn strip_item(item: &mut Item, cfg: &Cfg) {
    {
        match item {
            Item::Fn(f) => strip_block(&mut f.block, cfg),
            Item::Mod(m) => {
                if let Some((_, content)) = &mut m.content {
                    strip_items(content, cfg);
                }
            }
            Item::Impl(i) => {
                i.items.retain(|ii| match ii {
                    ImplItem::Fn(f) => cfg.keeps(&f.attrs),
                    ImplItem::Const(c) => cfg.keeps(&c.attrs),
                    ImplItem::Type(t) => cfg.keeps(&t.attrs),
                    ImplItem::Macro(m) => cfg.keeps(&m.attrs),
                    _ => true,
                });
                for ii in &mut i.items {
                    if let ImplItem::Fn(f) = ii {
                        strip_block(&mut f.block, cfg);
                    }
                }
            }
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

/// A fn body's own items and statements under a `cfg` (`#[cfg(windows)] fn imp() ..`
/// inside a fn, `#[cfg(unix)] { .. }`); expressions deeper in are left as they are.
fn strip_block(block: &mut syn::Block, cfg: &Cfg) {
    block.stmts.retain(|stmt| match stmt {
        syn::Stmt::Item(item) => cfg.keeps(item_attrs(item)),
        syn::Stmt::Local(local) => cfg.keeps(&local.attrs),
        syn::Stmt::Macro(m) => cfg.keeps(&m.attrs),
        syn::Stmt::Expr(e, _) => cfg.keeps(expr_attrs(e)),
    });
    for stmt in &mut block.stmts {
        if let syn::Stmt::Item(item) = stmt {
            strip_item(item, cfg);
        }
    }
}

fn expr_attrs(e: &syn::Expr) -> &[Attribute] {
    match e {
        syn::Expr::Block(b) => &b.attrs,
        syn::Expr::Call(c) => &c.attrs,
        syn::Expr::MethodCall(m) => &m.attrs,
        syn::Expr::Macro(m) => &m.attrs,
        syn::Expr::If(i) => &i.attrs,
        syn::Expr::Unsafe(u) => &u.attrs,
        _ => &[],
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
            #[cfg(any(feature = "net", target_env = "gnu"))] fn net_or_gnu() {}
            #[cfg(all(feature = "net", target_env = "gnu"))] fn net_and_gnu() {}
            #[cfg(test)] mod tests {}
            #[cfg(my_build_script_cfg)] fn custom() {}
            #[test] fn a_test() { std::fs::read("t").unwrap(); }
            #[tokio::test] async fn an_async_test() {}
            #[cfg(all(test, feature = "fs"))] fn test_helper() {}
            #[cfg(any(test, feature = "fs"))] fn test_or_fs() {}
            fn host() {
                #[cfg(windows)] fn imp() { std::fs::read("w").unwrap(); }
                #[cfg(not(windows))] fn imp() {}
                imp()
            }
            impl S { #[cfg(feature = "fs")] fn m_on() {} #[cfg(feature = "x")] fn m_off() {} }
        "#;
        let mut file: syn::File = syn::parse_str(src).unwrap();
        strip_disabled(&mut file, &Cfg::with_features(["fs"]));
        assert_eq!(
            names(&file),
            [
                "fs_on",
                "net_or_gnu",
                "custom",
                "test_or_fs",
                "host",
                "impl::m_on"
            ]
        );
        let Some(Item::Fn(host)) = file
            .items
            .iter()
            .find(|i| matches!(i, Item::Fn(f) if f.sig.ident == "host"))
        else {
            panic!("host is kept");
        };
        // One of the two `imp`s, and the call.
        assert_eq!(host.block.stmts.len(), 2);
        let kept_windows_imp = host.block.stmts.iter().any(|s| {
            matches!(s, syn::Stmt::Item(Item::Fn(f)) if f.attrs.iter().any(|a| quote::quote!(#a).to_string().contains("cfg (windows)")))
        });
        assert_eq!(kept_windows_imp, cfg!(windows));
    }
}
