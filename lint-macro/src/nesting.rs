//! The attribute's limit for the engine's nesting guard
//! ([`blockwatch_lint::check_nesting`]).
//!
//! rustc's own parser grows its stack on demand, so it accepts code nested thousands of
//! levels deep; a proc macro runs on whatever stack is left, and syn's parser recurses
//! once or more per level (a debug-built `async { .. }` level costs ~28 KiB: 300 of them
//! overflow an 8 MiB thread). A stack overflow aborts the whole compiler, so before the
//! item is parsed its nesting is estimated, and an item deeper than [`MAX_NESTING`] is
//! refused with an error instead of crashing rustc.

/// The deepest nesting `#[no_blocking]` checks. Hand-written code stays within a few
/// dozen levels; at this depth the whole expansion fits in 4 MiB of stack (half of
/// rustc's 8 MiB main thread) in a debug build of the macro, for every kind of nesting
/// (tested below; 2 MiB is not enough).
pub const MAX_NESTING: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::{TokenStream, TokenTree};

    /// An item nested `depth` levels deep. `sleep` (a catalog name) keeps it off the fast
    /// path, which never parses a body: the guard is for the parse.
    fn nested_source(open: &str, close: &str, depth: usize) -> String {
        format!(
            "async fn f() {{ let sleep = 1; let _ = {}1{}; }}",
            open.repeat(depth),
            close.repeat(depth)
        )
    }

    fn nested(open: &str, close: &str, depth: usize) -> TokenStream {
        nested_source(open, close, depth).parse().unwrap()
    }

    /// The kinds of nesting tried: (open, close).
    const KINDS: &[(&str, &str)] = &[
        ("(", ")"),
        ("{", "}"),
        ("vec![", "]"),
        ("|| ", ""),
        ("async { ", " }"),
        ("async move || ", ""),
        ("!", ""),
        ("-", ""),
        ("&", ""),
        ("return ", ""),
        ("Vec::<", ">::new()"),
    ];

    /// Expands `#[no_blocking]` on `tokens` on a thread with `stack_kib` of stack;
    /// returns whether the output starts with an error.
    fn refused_on_stack(text: String, stack_kib: usize) -> bool {
        std::thread::Builder::new()
            .stack_size(stack_kib << 10)
            .spawn(move || {
                let tokens: TokenStream = text.parse().unwrap();
                let out = crate::no_blocking::expand_with(
                    TokenStream::new(),
                    tokens,
                    Ok(crate::project_config::ProjectConfig::default()),
                );
                // `::core::compile_error! { .. }` comes first when refused.
                out.into_iter()
                    .take(8)
                    .any(|t| matches!(t, TokenTree::Ident(i) if i == "compile_error"))
            })
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn the_deepest_accepted_item_expands_on_a_small_stack() {
        for (open, close) in KINDS {
            let deepest = (1..MAX_NESTING)
                .take_while(|&d| {
                    blockwatch_lint::nesting_estimate(&nested(open, close, d)) <= MAX_NESTING
                })
                .last()
                .unwrap();
            assert!(deepest >= 30, "{open:?}: only {deepest} levels accepted");
            // 4 MiB: half of the main thread rustc gives macros, in a debug build.
            assert!(
                !refused_on_stack(nested_source(open, close, deepest), 4 << 10),
                "{open:?} at {deepest}"
            );
            assert!(
                refused_on_stack(nested_source(open, close, deepest + 2), 4 << 10),
                "{open:?} past the limit"
            );
        }
    }

    #[test]
    fn any_depth_past_the_limit_is_an_error_not_a_crash() {
        for (open, close) in KINDS {
            assert!(
                refused_on_stack(nested_source(open, close, 20_000), 8 << 10),
                "{open:?}"
            );
        }
    }

    #[test]
    fn a_deep_item_that_names_nothing_to_report_passes_unparsed() {
        for (open, close) in KINDS {
            let source = format!(
                "async fn f() {{ let _ = {}1{}; }}",
                open.repeat(20_000),
                close.repeat(20_000)
            );
            assert!(!refused_on_stack(source, 8 << 10), "{open:?}");
        }
    }

    #[test]
    fn a_long_method_chain_is_refused_not_passed_as_clean() {
        // No delimiter nests here, so the estimate lets it through; the engine's walk
        // stops at its depth cap and the attribute says the item was not fully checked.
        // (`sleep` sends the item to the walk; an item whose tokens name nothing that blocks
        // needs none: the prefilter passes it, deep or not.)
        let chain = |n: usize| {
            format!(
                "async fn f(x: X) {{ let sleep = 1; x{}; }}",
                ".m()".repeat(n)
            )
        };
        let source = chain(400);
        assert!(blockwatch_lint::nesting_estimate(&source.parse().unwrap()) <= MAX_NESTING);
        assert!(refused_on_stack(source, 8 << 10));
        assert!(!refused_on_stack(chain(40), 8 << 10));
        let nameless = format!("async fn f(x: X) {{ x{}; }}", ".m()".repeat(400));
        assert!(!refused_on_stack(nameless, 8 << 10));
    }
}
