//! Code no build compiles: an item under a `#[cfg(..)]` predicate that can never hold
//! (`cfg(any())`, the idiom for commenting out code, or `cfg(all(unix, any()))`,
//! `cfg(not(all()))`). The walk skips such items, as rustc does.

use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Token};

/// How deeply nested `all`/`any`/`not` predicates are followed; deeper ones are taken
/// to hold in some build.
const MAX_PREDICATE_DEPTH: usize = 32;

/// Whether one of `attrs` is a `cfg` whose predicate never holds.
///
/// ```
/// let f: syn::ItemFn = syn::parse_str("#[cfg(any())] fn f() {}").unwrap();
/// assert!(blockwatch_lint::is_never_compiled(&f.attrs));
/// let f: syn::ItemFn = syn::parse_str("#[cfg(any(unix))] fn f() {}").unwrap();
/// assert!(!blockwatch_lint::is_never_compiled(&f.attrs));
/// ```
pub fn is_never_compiled(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        if !a.path().is_ident("cfg") {
            return false;
        }
        let Meta::List(list) = &a.meta else {
            return false;
        };
        list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .is_ok_and(|preds| preds.len() == 1 && never(&preds[0], 0))
    })
}

/// Whether `pred` holds in no build.
fn never(pred: &Meta, depth: usize) -> bool {
    match args(pred, depth) {
        Some(("all", args)) => args.iter().any(|p| never(p, depth + 1)),
        Some(("any", args)) => args.iter().all(|p| never(p, depth + 1)),
        Some(("not", args)) => args.len() == 1 && always(&args[0], depth + 1),
        _ => false,
    }
}

/// Whether `pred` holds in every build.
fn always(pred: &Meta, depth: usize) -> bool {
    match args(pred, depth) {
        Some(("all", args)) => args.iter().all(|p| always(p, depth + 1)),
        Some(("any", args)) => args.iter().any(|p| always(p, depth + 1)),
        Some(("not", args)) => args.len() == 1 && never(&args[0], depth + 1),
        _ => false,
    }
}

/// The operator (`all`, `any`, `not`) of a list predicate and its arguments.
fn args(pred: &Meta, depth: usize) -> Option<(&'static str, Punctuated<Meta, Token![,]>)> {
    if depth > MAX_PREDICATE_DEPTH {
        return None;
    }
    let Meta::List(list) = pred else {
        return None;
    };
    let op = ["all", "any", "not"]
        .into_iter()
        .find(|op| list.path.is_ident(op))?;
    let args = list
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    Some((op, args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never_compiled(attr: &str) -> bool {
        let f: syn::ItemFn = syn::parse_str(&format!("{attr} fn f() {{}}")).unwrap();
        is_never_compiled(&f.attrs)
    }

    #[test]
    fn predicates_that_never_hold() {
        for attr in [
            "#[cfg(any())]",
            "#[cfg(all(unix, any()))]",
            "#[cfg(not(all()))]",
            "#[cfg(any(any(), not(all())))]",
            "#[inline] #[cfg(any())]",
        ] {
            assert!(never_compiled(attr), "{attr}");
        }
    }

    #[test]
    fn predicates_that_may_hold() {
        for attr in [
            "",
            "#[cfg(test)]",
            "#[cfg(all())]",
            "#[cfg(any(unix, any()))]",
            "#[cfg(not(any()))]",
            "#[cfg(not(unix))]",
            "#[cfg_attr(any(), inline)]",
            "#[cfg(feature = \"x\")]",
        ] {
            assert!(!never_compiled(attr), "{attr}");
        }
    }
}
