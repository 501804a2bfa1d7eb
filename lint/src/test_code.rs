//! What counts as test code: the one rule both front ends use, for fns, impls and
//! `mod` declarations alike.
//!
//! An item is test code when an attribute marks it as a test (`#[test]`,
//! `#[tokio::test]`: any attribute path ending in `test`) or when its `#[cfg(..)]`
//! predicate can only hold in a test build. The predicate is evaluated, not searched
//! for words: `cfg(all(test, not(windows)))` requires `test` (compiled only in tests),
//! `cfg(any(test, feature = "testing"))` does not (a normal build with the feature has
//! the code too), and `cfg(not(test))` is the opposite of test code.

use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Token};

/// How deeply nested `all`/`any`/`not` predicates are followed; deeper ones are not
/// test code (no hand-written cfg comes near it).
const MAX_PREDICATE_DEPTH: usize = 32;

/// Whether `attrs` make the item they sit on test code.
///
/// ```
/// let f: syn::ItemFn = syn::parse_str("#[cfg(all(test, not(windows)))] fn f() {}").unwrap();
/// assert!(blockwatch_lint::is_test_code(&f.attrs));
/// let f: syn::ItemFn = syn::parse_str("#[cfg(any(test, feature = \"x\"))] fn f() {}").unwrap();
/// assert!(!blockwatch_lint::is_test_code(&f.attrs));
/// let f: syn::ItemFn = syn::parse_str("#[tokio::test] async fn f() {}").unwrap();
/// assert!(blockwatch_lint::is_test_code(&f.attrs));
/// ```
pub fn is_test_code(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        if !path.is_ident("cfg") {
            return false;
        }
        let Meta::List(list) = &a.meta else {
            return false;
        };
        list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .is_ok_and(|preds| preds.len() == 1 && requires_test(&preds[0], 0))
    })
}

/// Whether cfg predicate `pred` holds only when `test` is set.
fn requires_test(pred: &Meta, depth: usize) -> bool {
    if depth > MAX_PREDICATE_DEPTH {
        return false;
    }
    match pred {
        Meta::Path(p) => p.is_ident("test"),
        Meta::NameValue(_) => false,
        Meta::List(list) => {
            let Some(args) = predicate_args(list) else {
                return false;
            };
            if list.path.is_ident("all") {
                args.iter().any(|p| requires_test(p, depth + 1))
            } else if list.path.is_ident("any") {
                !args.is_empty() && args.iter().all(|p| requires_test(p, depth + 1))
            } else if list.path.is_ident("not") {
                args.len() == 1 && holds_without_test(&args[0], depth + 1)
            } else {
                false
            }
        }
    }
}

/// Whether cfg predicate `pred` holds in every build without `test` (so that
/// `not(pred)` requires `test`).
fn holds_without_test(pred: &Meta, depth: usize) -> bool {
    if depth > MAX_PREDICATE_DEPTH {
        return false;
    }
    match pred {
        Meta::Path(_) | Meta::NameValue(_) => false,
        Meta::List(list) => {
            let Some(args) = predicate_args(list) else {
                return false;
            };
            if list.path.is_ident("all") {
                args.iter().all(|p| holds_without_test(p, depth + 1))
            } else if list.path.is_ident("any") {
                args.iter().any(|p| holds_without_test(p, depth + 1))
            } else if list.path.is_ident("not") {
                args.len() == 1 && requires_test(&args[0], depth + 1)
            } else {
                false
            }
        }
    }
}

fn predicate_args(list: &syn::MetaList) -> Option<Punctuated<Meta, Token![,]>> {
    list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_code(attr: &str) -> bool {
        let f: syn::ItemFn = syn::parse_str(&format!("{attr} fn f() {{}}")).unwrap();
        is_test_code(&f.attrs)
    }

    #[test]
    fn cfg_predicates_are_evaluated() {
        let cases = [
            ("#[cfg(test)]", true),
            ("#[cfg(all(test, feature = \"slow\"))]", true),
            ("#[cfg(all(test, not(windows)))]", true),
            ("#[cfg(all(unix, any(test, test)))]", true),
            ("#[cfg(not(not(test)))]", true),
            ("#[cfg(not(any(not(test), loom)))]", true),
            ("#[cfg(any(test, feature = \"testing\"))]", false),
            ("#[cfg(not(test))]", false),
            ("#[cfg(all(not(test), unix))]", false),
            ("#[cfg(not(all(not(test), unix)))]", false),
            ("#[cfg(not(all(not(test), not(test))))]", true),
            ("#[cfg(test_utils)]", false),
            ("#[cfg(feature = \"test\")]", false),
            ("#[cfg(any())]", false),
            ("#[cfg(all())]", false),
        ];
        for (attr, expected) in cases {
            assert_eq!(test_code(attr), expected, "{attr}");
        }
    }

    #[test]
    fn test_attributes_mark_test_code() {
        assert!(test_code("#[test]"));
        assert!(test_code("#[tokio::test(flavor = \"multi_thread\")]"));
        assert!(!test_code("#[inline]"));
        assert!(!test_code("#[cfg_attr(test, allow(unused))]"));
    }

    #[test]
    fn absurdly_nested_predicates_are_not_test_code() {
        let deep = format!("#[cfg({}test{})]", "all(".repeat(100), ")".repeat(100));
        assert!(!test_code(&deep));
    }
}
