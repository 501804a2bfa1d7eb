//! Offloading wrappers defined in the checked code: a fn that hands one of its own
//! parameters to an offloader (`fn asyncify<F>(f: F) { spawn_blocking(f) }`) offloads the
//! closures given to it, like the offloader itself.

use std::collections::HashSet;

use syn::visit::{self, Visit};
use syn::{Expr, FnArg, ImplItem, Item, Pat};

use crate::catalog::is_offloader_name;
use crate::visitor::MAX_DEPTH;
use crate::Config;

/// Names of the fns and methods among `items` (and their inline modules and impls)
/// that pass a parameter straight to an offloading call, plus the configured ones.
pub(crate) fn offload_wrappers(items: &[Item], config: &Config) -> HashSet<String> {
    let mut found: HashSet<String> = config
        .offload
        .iter()
        .map(|p| p.rsplit("::").next().unwrap_or(p).to_string())
        .collect();
    // A fn that hands its parameter to a configured offloader (which the CLI also uses
    // for a dependency's inferred wrappers) is a wrapper too.
    let configured = found.clone();
    collect(items, &mut found, &configured, 0);
    found
}

fn collect(
    items: &[Item],
    found: &mut HashSet<String>,
    configured: &HashSet<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for item in items {
        match item {
            Item::Fn(f) => check_fn(&f.sig, &f.block, found, configured),
            Item::Impl(i) => {
                for ii in &i.items {
                    if let ImplItem::Fn(f) = ii {
                        check_fn(&f.sig, &f.block, found, configured);
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect(items, found, configured, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn check_fn(
    sig: &syn::Signature,
    body: &syn::Block,
    found: &mut HashSet<String>,
    configured: &HashSet<String>,
) {
    let params: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    if params.is_empty() {
        return;
    }
    let mut finder = Finder {
        params: &params,
        configured,
        depth: 0,
        hit: false,
    };
    finder.visit_block(body);
    if finder.hit {
        found.insert(sig.ident.to_string());
    }
}

/// Looks for `offloader(.., param, ..)` or `x.offloader(.., param, ..)`.
struct Finder<'p> {
    params: &'p [String],
    /// Names of configured offloaders, which offload like the catalog's.
    configured: &'p HashSet<String>,
    depth: usize,
    hit: bool,
}

impl Finder<'_> {
    fn offloads(&self, name: &str) -> bool {
        is_offloader_name(name) || self.configured.contains(name)
    }

    fn passes_param<'a>(&self, args: impl IntoIterator<Item = &'a Expr>) -> bool {
        args.into_iter().any(|a| match a {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.params.iter().any(|n| i == n)),
            _ => false,
        })
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if self.hit || self.depth >= MAX_DEPTH {
            return;
        }
        let offloads = match e {
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let name = p.path.segments.last().map(|s| s.ident.to_string());
                    name.is_some_and(|n| self.offloads(&n)) && self.passes_param(&c.args)
                }
                _ => false,
            },
            Expr::MethodCall(m) => {
                self.offloads(&m.method.to_string()) && self.passes_param(&m.args)
            }
            _ => false,
        };
        if offloads {
            self.hit = true;
            return;
        }
        self.depth += 1;
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_item(&mut self, _: &'ast Item) {}
    fn visit_type(&mut self, _: &'ast syn::Type) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_wrappers_of_offloaders() {
        let file: syn::File = syn::parse_str(
            r#"
            async fn asyncify<F, T>(f: F) -> T { match spawn_blocking(f).await { Ok(v) => v, Err(_) => panic!() } }
            impl Pool { fn run<F>(&self, job: F) { self.inner.spawn(job); } }
            mod m { pub fn off(g: impl FnOnce()) { std::thread::spawn(g); } }
            fn not_a_wrapper(f: F) { f(); spawn_blocking(|| 1); }
            "#,
        )
        .unwrap();
        let config = Config {
            offload: vec!["my_crate::pool::run_blocking".into()],
            ..Config::default()
        };
        let mut got: Vec<String> = offload_wrappers(&file.items, &config).into_iter().collect();
        got.sort();
        assert_eq!(got, ["asyncify", "off", "run", "run_blocking"]);
    }

    /// A dependency's fn that hands its parameter to another crate's offloader (given
    /// to this file as configured) is a wrapper as well.
    #[test]
    fn wrappers_of_configured_offloaders_are_wrappers() {
        let file: syn::File = syn::parse_str(
            "pub fn run<F: FnOnce()>(job: F) { pool::detach(job) }\n\
             pub fn later<F: FnOnce()>(job: F) { detach(|| ()); drop(job) }",
        )
        .unwrap();
        let config = Config {
            offload: vec!["pool::detach".into()],
            ..Config::default()
        };
        let mut got: Vec<String> = offload_wrappers(&file.items, &config).into_iter().collect();
        got.sort();
        assert_eq!(got, ["detach", "run"]);
        let mut alone: Vec<String> = offload_wrappers(&file.items, &Config::default())
            .into_iter()
            .collect();
        alone.sort();
        assert!(alone.is_empty());
    }
}
