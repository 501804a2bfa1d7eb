//! A guard against items nested too deeply to check on the compiler's stack.
//!
//! rustc's own parser grows its stack on demand, so it accepts code nested thousands of
//! levels deep; a proc macro runs on whatever stack is left, and syn's parser recurses
//! once or more per level (a debug-built `async { .. }` level costs ~28 KiB: 300 of them
//! overflow an 8 MiB thread). A stack overflow aborts the whole compiler, so before the
//! item is parsed its nesting is measured with an iterative walk of its tokens, and an
//! item deeper than [`MAX_NESTING`] is refused with an error instead of crashing rustc.

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// The deepest nesting `#[no_blocking]` checks. Hand-written code stays within a few
/// dozen levels; at this depth the whole expansion fits in 4 MiB of stack (half of
/// rustc's 8 MiB main thread) in a debug build of the macro, for every kind of nesting
/// (tested below; 2 MiB is not enough).
pub const MAX_NESTING: usize = 128;

/// Keywords that make syn's parser recurse without a delimiter (`return return x`,
/// `move || move || x`).
const RECURSING_KEYWORDS: &[&str] = &[
    "return", "break", "async", "move", "yield", "box", "mut", "ref", "dyn", "impl", "static",
];

/// An estimate of how deeply syn's parser will recurse on `tokens`: delimiter depth,
/// plus the current run of operators and prefix keywords (`!!x`, `&&&x`, `|| || x`,
/// `return return x`), plus twice the unclosed `<` of generics (`Vec<Vec<..>>`: syn
/// tries a type, then an expression, per level). It can only
/// overestimate code a person writes (a comparison counts one level).
pub fn estimate(tokens: &TokenStream) -> usize {
    let mut max = 0;
    // One entry per open group: the rest of its tokens, and the nesting at its start.
    let mut stack: Vec<(proc_macro2::token_stream::IntoIter, usize)> =
        vec![(tokens.clone().into_iter(), 0)];
    let (mut run, mut angles) = (0usize, 0usize);
    let mut after_joint_arrow = false;
    while let Some((iter, base)) = stack.last_mut() {
        let base = *base;
        let Some(token) = iter.next() else {
            stack.pop();
            run = 0;
            angles = 0;
            continue;
        };
        match token {
            TokenTree::Group(group) => {
                let depth = base + run + 2 * angles + 1;
                max = max.max(depth);
                stack.push((group.stream().into_iter(), depth));
                run = 0;
                angles = 0;
                after_joint_arrow = false;
                continue;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                if c == ';' || c == ',' {
                    run = 0;
                    if c == ';' {
                        angles = 0;
                    }
                } else {
                    run += 1;
                    if c == '<' {
                        angles += 1;
                    } else if c == '>' && !after_joint_arrow {
                        angles = angles.saturating_sub(1);
                    }
                }
                after_joint_arrow = (c == '-' || c == '=') && p.spacing() == Spacing::Joint;
            }
            TokenTree::Ident(ident) => {
                after_joint_arrow = false;
                if RECURSING_KEYWORDS.iter().any(|k| ident == k) {
                    run += 1;
                } else {
                    run = 0;
                }
            }
            TokenTree::Literal(_) => {
                after_joint_arrow = false;
                run = 0;
            }
        }
        max = max.max(base + run + 2 * angles);
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_source(open: &str, close: &str, depth: usize) -> String {
        format!(
            "async fn f() {{ let _ = {}1{}; }}",
            open.repeat(depth),
            close.repeat(depth)
        )
    }

    fn nested(open: &str, close: &str, depth: usize) -> TokenStream {
        nested_source(open, close, depth).parse().unwrap()
    }

    #[test]
    fn everyday_code_is_shallow() {
        let item: TokenStream = "pub async fn handler(req: Request<Body>, db: &Pool) -> \
             Result<Json<Vec<User>>, Error> { let users = match db.get().await { Ok(c) => \
             c.query(\"select\", &[]).await?, Err(e) => return Err(e.into()) }; \
             Ok(Json(users.into_iter().filter(|u| !u.hidden && u.age >= 18).collect())) }"
            .parse()
            .unwrap();
        let depth = estimate(&item);
        assert!((3..20).contains(&depth), "{depth}");
    }

    #[test]
    fn each_kind_of_nesting_counts() {
        for (open, close) in [
            ("(", ")"),
            ("{", "}"),
            ("[", "]"),
            ("|| ", ""),
            ("async { ", " }"),
            ("!", ""),
            ("return ", ""),
            ("Vec::<", ">::new()"),
        ] {
            let shallow = estimate(&nested(open, close, 10));
            let deep = estimate(&nested(open, close, 1000));
            assert!(deep >= 1000, "{open:?}: {deep}");
            assert!(shallow < 40, "{open:?}: {shallow}");
        }
    }

    #[test]
    fn arrows_do_not_close_generics() {
        let item: TokenStream = "fn f() -> u8 { match x { A => 1, B => 2 } }"
            .parse()
            .unwrap();
        assert!(estimate(&item) < 6, "{}", estimate(&item));
    }

    #[test]
    fn the_walk_itself_needs_no_stack() {
        let depth = 200_000;
        let tokens = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || estimate(&nested("(", ")", depth)))
            .unwrap()
            .join()
            .unwrap();
        assert!(tokens > depth);
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
                .take_while(|&d| estimate(&nested(open, close, d)) <= MAX_NESTING)
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
    fn a_long_method_chain_is_refused_not_passed_as_clean() {
        // No delimiter nests here, so the estimate lets it through; the engine's walk
        // stops at its depth cap and the attribute says the item was not fully checked.
        let source = format!("async fn f(x: X) {{ x{}; }}", ".m()".repeat(400));
        assert!(estimate(&source.parse().unwrap()) <= MAX_NESTING);
        assert!(refused_on_stack(source, 8 << 10));
        let short = format!("async fn f(x: X) {{ x{}; }}", ".m()".repeat(40));
        assert!(!refused_on_stack(short, 8 << 10));
    }
}
