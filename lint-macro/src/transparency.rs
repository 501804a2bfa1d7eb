//! Property: on clean input, `#[no_blocking]` gives the user's tokens back unchanged.
//!
//! Over every item of real code the engine finds clean (the repository's own test
//! corpus and examples, and a sample of the cargo registry: tokio, futures, hyper, ...):
//!
//! - with `watch = false` the output is the input, token for token;
//! - with the watchdog wrapper (the default), an async fn keeps its attributes and
//!   signature as written and every statement of its body, in order, inside the wrapper;
//!   in edition 2024, where it may become a fn returning its watched body
//!   (`crate::future_fn`), it keeps its attributes, name, generics, parameter types,
//!   output type, `where` clause and every statement of its body, in order;
//!   other items (impls, modules, traits) keep every token outside the bodies of the
//!   async fns the wrapper wraps.
//!
//! That the expanded code compiles and behaves the same in debug and release is tested
//! end to end by `tests/attribute_transparency.rs` of the facade.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::no_blocking::expand_with;
use crate::project_config::ProjectConfig;

/// Time spent on the registry sample, at most (the repository's files always run).
const REGISTRY_BUDGET: Duration = Duration::from_secs(20);

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The repository's own sources of async code, then every 8th file of the registry.
fn sources() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut own = Vec::new();
    for dir in ["lint/tests/corpus", "examples", "tests", "watchdog/tests"] {
        rust_files(&root.join(dir), &mut own);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut registry = Vec::new();
    if let Some(home) = home {
        rust_files(&home.join("registry/src"), &mut registry);
    }
    let sample = registry.into_iter().step_by(8).collect();
    (own, sample)
}

/// Items the attribute accepts and the engine finds clean, with no attribute of ours.
fn clean_items(file: &syn::File) -> Vec<syn::Item> {
    let config = blockwatch_lint::Config::default();
    file.items
        .iter()
        .filter(|item| {
            matches!(
                item,
                syn::Item::Fn(_) | syn::Item::Impl(_) | syn::Item::Trait(_) | syn::Item::Mod(_)
            )
        })
        .filter(|item| {
            let text = item.to_token_stream().to_string();
            !text.contains("blocking") && text.contains("async")
        })
        .filter(|item| blockwatch_lint::check_item(item, &config).is_empty())
        .cloned()
        .collect()
}

fn expand(args: TokenStream, item: &syn::Item) -> String {
    expand_with(args, item.to_token_stream(), Ok(ProjectConfig::default())).to_string()
}

/// Checks one clean item; returns whether the attribute accepted it.
fn check(item: &syn::Item, origin: &Path) -> bool {
    let input = item.to_token_stream().to_string();
    let unwatched = expand(quote!(watch = false), item);
    if unwatched.starts_with(":: core :: compile_error !") {
        // Not an item the attribute applies to (a sync fn, a module with a macro
        // body it rejects): the error comes with the item unchanged after it.
        assert!(
            unwatched.ends_with(&input),
            "{}: an error drops the item:\n{unwatched}",
            origin.display()
        );
        return false;
    }
    assert_eq!(
        unwatched,
        input,
        "{}: watch = false changed a clean item",
        origin.display()
    );

    let watched = expand(TokenStream::new(), item);
    if let syn::Item::Fn(f) = item
        && f.sig.asyncness.is_some()
    {
        let in_2024 = crate::edition::assuming(true, || expand(TokenStream::new(), item));
        if in_2024 != watched {
            check_future_fn(f, &in_2024, origin);
        }
        // The head is what comes before the body: a body's inner attributes
        // (`#![allow(..)]`, which syn keeps in `attrs` too) stay inside it.
        let mut head = TokenStream::new();
        for attr in f
            .attrs
            .iter()
            .filter(|a| matches!(a.style, syn::AttrStyle::Outer))
        {
            attr.to_tokens(&mut head);
        }
        f.vis.to_tokens(&mut head);
        f.sig.to_tokens(&mut head);
        let head = head.to_string();
        // Where this macro crate's edition lets every crate take the future-returning
        // shape (`future_fn::IMPL_OF_OWN_EDITION_CAPTURES_ALL`), the default output
        // is that shape too.
        if !watched.starts_with(&head) && crate::future_fn::own_edition_captures_all() {
            check_future_fn(f, &watched, origin);
            return true;
        }
        assert!(
            watched.starts_with(&head),
            "{}: the signature is not the input's:\n{watched}",
            origin.display()
        );
        assert!(
            watched.contains("__private :: Watch ("),
            "{}: not wrapped:\n{watched}",
            origin.display()
        );
        let body = &watched[head.len()..];
        let mut at = 0;
        for stmt in &f.block.stmts {
            let stmt = stmt.to_token_stream().to_string();
            match body[at..].find(&stmt) {
                Some(i) => at += i + stmt.len(),
                None => panic!(
                    "{}: the wrapped body lost or reordered `{stmt}`:\n{watched}",
                    origin.display()
                ),
            }
        }
        return true;
    }
    // Impls, traits and modules: every token the wrapper does not own is kept, in order,
    // in the shape that keeps each `async fn` as written (the future-returning shape of
    // a fn is checked on fns, above).
    let watched = crate::future_fn::without_own_edition(|| {
        crate::edition::assuming(false, || expand(TokenStream::new(), item))
    });
    let kept = watched.split_whitespace().collect::<Vec<_>>();
    let mut at = 0;
    for token in input.split_whitespace() {
        match kept[at..].iter().position(|t| *t == token) {
            Some(i) => at += i + 1,
            None => panic!(
                "{}: token `{token}` lost or reordered:\n{watched}",
                origin.display()
            ),
        }
    }
    true
}

/// The edition-2024 shape of the clean async fn `f`, `out`: what the signature and body
/// hold is kept, in order.
fn check_future_fn(f: &syn::ItemFn, out: &str, origin: &Path) {
    let shown = |tokens: &dyn ToTokens| tokens.to_token_stream().to_string();
    let mut expected: Vec<String> = f
        .attrs
        .iter()
        .filter(|a| matches!(a.style, syn::AttrStyle::Outer))
        .map(|a| shown(a))
        .collect();
    expected.push(format!("fn {}", f.sig.ident));
    expected.push(shown(&f.sig.generics));
    expected.extend(f.sig.inputs.iter().map(|input| match input {
        syn::FnArg::Typed(typed) => shown(&typed.ty),
        syn::FnArg::Receiver(receiver) => shown(receiver),
    }));
    expected.push("-> impl :: core :: future :: Future < Output =".into());
    if let syn::ReturnType::Type(_, ty) = &f.sig.output {
        expected.push(shown(ty));
    }
    if let Some(clause) = &f.sig.generics.where_clause {
        expected.push(shown(clause));
    }
    expected.push("__private :: Watch (".into());
    expected.push("async move".into());
    expected.extend(f.block.stmts.iter().map(|stmt| shown(stmt)));
    let mut at = 0;
    for part in expected.iter().filter(|part| !part.is_empty()) {
        match out[at..].find(part.as_str()) {
            Some(i) => at += i + part.len(),
            None => panic!(
                "{}: the edition-2024 wrapper lost or reordered `{part}`:\n{out}",
                origin.display()
            ),
        }
    }
    assert!(
        out.trim_end().ends_with(") }"),
        "{}: not the plain fn shape:\n{out}",
        origin.display()
    );
}

fn run(files: &[PathBuf], deadline: Option<Instant>) -> (usize, usize) {
    let (mut items, mut accepted) = (0, 0);
    for path in files {
        if deadline.is_some_and(|d| Instant::now() > d) {
            break;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(file) = syn::parse_file(&text) else {
            continue;
        };
        for item in clean_items(&file) {
            items += 1;
            accepted += usize::from(check(&item, path));
        }
    }
    (items, accepted)
}

#[test]
fn clean_items_of_real_code_come_out_unchanged() {
    let (own, registry) = sources();
    let (items, accepted) = run(&own, None);
    assert!(
        accepted >= 20,
        "too few clean items in the repository ({accepted} of {items})"
    );
    let (more, more_accepted) = run(&registry, Some(Instant::now() + REGISTRY_BUDGET));
    println!(
        "transparency: {accepted} of {items} clean items of the repository, \
         {more_accepted} of {more} of the registry sample"
    );
}

#[test]
fn in_edition_2024_a_plain_async_fn_takes_the_future_returning_shape() {
    let item: syn::Item = syn::parse_quote! {
        #[inline]
        pub async fn sum<T: Into<u32>>(&self, (a, b): (T, T)) -> u32 where T: Send {
            let a = a.into();
            a + b.into()
        }
    };
    assert!(check(&item, Path::new("future_fn.rs")));
    let out = crate::edition::assuming(true, || expand(TokenStream::new(), &item));
    assert!(out.starts_with("# [inline] pub fn sum"), "{out}");
    let item: syn::Item = syn::parse_quote! {
        #[async_trait::async_trait]
        async fn kept() {}
    };
    let out = crate::edition::assuming(true, || expand(TokenStream::new(), &item));
    assert!(out.contains("async fn kept"), "{out}");
}

#[test]
fn a_body_with_inner_attributes_keeps_them_inside_the_wrapper() {
    let item: syn::Item = syn::parse_quote! {
        #[deny(unused_variables)]
        async fn answer() {
            #![allow(unused_variables)]
            let i = 42;
        }
    };
    assert!(check(&item, Path::new("inner_attributes.rs")));
    let watched = expand(TokenStream::new(), &item);
    let body = &watched[watched.find('{').expect("a body")..];
    assert!(
        body.starts_with("{ # ! [allow (unused_variables)]"),
        "the inner attribute left the body:\n{watched}"
    );
}
