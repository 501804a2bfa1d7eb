//! Findings turned into what rustc shows: a compile error per finding (the default), or a
//! warning per finding (`#[no_blocking(warn)]`).
//!
//! Stable proc macros cannot emit warnings or `help:` lines, so:
//! - an error is a `compile_error!` whose first tokens carry the span of the call's first
//!   token and whose last tokens carry the span of its last token, so rustc underlines the
//!   whole call; the replacement goes on its own `help:` line in the message;
//! - a warning is the use of a `#[deprecated]` local macro, spanned at the call: rustc
//!   reports it as a `deprecated` warning with our note, and `-D warnings` makes it an error.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

use blockwatch_lint::fix::Rewrite;
use blockwatch_lint::{Finding, SpannedFinding};

/// The full text shown for a finding: the message, the other blocking leaves a call to a
/// crate fn reaches, why the call blocks, what to use instead.
///
/// The help line is the engine's fix for the call, written out with the call's own
/// arguments (the code `cargo blockwatch --fix` writes), so the attribute and the
/// scanner point at the same replacement. Where the API has no fix rule of its own (the
/// fix would only be the generic `spawn_blocking` wrapper), or there is no fix (a fn
/// passed as a value, a plain closure), it is the catalog's replacement.
pub fn message(finding: &Finding) -> String {
    let mut text = finding.message();
    // The message names the first chain; each other blocking leaf gets a note.
    for chain in finding.more_chains() {
        let leaf = chain.last().map_or("", |l| l.callee.as_str());
        text.push_str(&format!("\nnote: also reaches `{leaf}`"));
        for link in chain {
            text.push_str(": calls ");
            text.push_str(&link.to_string());
        }
    }
    if !finding.why.is_empty() {
        text.push_str("\nnote: ");
        text.push_str(&finding.why);
    }
    match &finding.fix {
        Some(fix) if fix.rewrite != Rewrite::SpawnBlocking => {
            text.push_str("\nhelp: use ");
            text.push_str(&fix.code);
        }
        // A transitive finding's replacement is advice of its own, not code to use.
        _ if finding.is_transitive() && !finding.replacement.is_empty() => {
            text.push_str("\nhelp: ");
            text.push_str(&finding.replacement);
        }
        _ if !finding.replacement.is_empty() => {
            text.push_str("\nhelp: use ");
            text.push_str(&finding.replacement);
        }
        _ => {}
    }
    text.push_str("\nnote: to accept this call, put `#[blockwatch::allow_blocking(reason = \"...\")]` on its statement");
    text
}

/// A `compile_error!` spanned over the call, from `span` to `span_end`.
pub fn error(spanned: &SpannedFinding) -> TokenStream {
    spanned_error(spanned.span, spanned.span_end, &message(&spanned.finding)).to_compile_error()
}

/// A `syn::Error` covering `start..end`, the way `syn::Error::new_spanned` covers tokens.
pub fn spanned_error(start: Span, end: Span, text: &str) -> syn::Error {
    let first = Ident::new("start", start);
    let last = Ident::new("end", end);
    syn::Error::new_spanned(quote!(#first #last), text)
}

/// A deprecation warning at the call: the invocation of a `#[deprecated]` local macro
/// (rustc names a macro without a path: "use of deprecated macro `blocking_call`"). Each
/// finding gets its own `const _` block so the notes of two findings never mix. The
/// tokens are an item, valid in item and statement position.
pub fn warning(spanned: &SpannedFinding) -> TokenStream {
    let note = message(&spanned.finding);
    let definition = Ident::new("blocking_call", Span::call_site());
    let use_site = Ident::new("blocking_call", spanned.span);
    let invocation = quote_spanned!(spanned.span=> #use_site!(););
    quote! {
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(unused_macros)]
            macro_rules! #definition {
                () => {};
            }
            #invocation
        };
    }
}

/// A warning on the first annotated item of a crate that the attribute checks each item
/// of on its own: `reason` says why the crate view could not be built. Never an error:
/// the item itself is still checked.
pub fn crate_view_notice(span: Span, reason: &str) -> TokenStream {
    let note = format!(
        "`#[no_blocking]` checks each item of this crate on its own (calls to the crate's \
         own fns are not followed): {reason}"
    );
    let definition = Ident::new("crate_view_unavailable", Span::call_site());
    let use_site = Ident::new("crate_view_unavailable", span);
    let invocation = quote_spanned!(span=> #use_site!(););
    quote! {
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(unused_macros)]
            macro_rules! #definition {
                () => {};
            }
            #invocation
        };
    }
}

/// The diagnostics of `findings`: errors, or warnings when `warn` is set.
pub fn render(findings: &[SpannedFinding], warn: bool) -> TokenStream {
    findings
        .iter()
        .map(|f| if warn { warning(f) } else { error(f) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockwatch_lint::Config;

    fn findings(src: &str) -> Vec<SpannedFinding> {
        let item: syn::Item = syn::parse_str(src).unwrap();
        blockwatch_lint::check_item_report(&item, &Config::default()).findings
    }

    const SLOW: &str = "async fn slow() { std::thread::sleep(d); }";

    #[test]
    fn message_names_the_call_why_and_replacement() {
        let found = findings(SLOW);
        assert_eq!(found.len(), 1);
        let text = message(&found[0].finding);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("blocking call `std::thread::sleep(..)` in async fn `slow`")
        );
        assert!(lines.next().unwrap().starts_with("note: "), "{text}");
        assert_eq!(lines.next(), Some("help: use tokio::time::sleep(d).await"));
    }

    #[test]
    fn help_falls_back_to_the_catalog_replacement_without_a_fix() {
        let found = findings("async fn f(ps: Vec<P>) { ps.iter().map(|p| std::fs::read(p)); }");
        let text = message(&found[0].finding);
        assert_eq!(
            text.lines().nth(2),
            Some("help: use tokio::fs::read(..).await"),
            "{text}"
        );
    }

    /// A crate fn that sleeps and reads: the message names the first chain, a note the
    /// other leaf.
    #[test]
    fn each_other_blocking_leaf_gets_a_note() {
        let file: syn::File = syn::parse_str(
            "fn helper(d: D) {\n    std::thread::sleep(d);\n    std::fs::read(\"a\");\n}\n\
             async fn run(d: D) {\n    helper(d);\n}\n",
        )
        .unwrap();
        let summary =
            blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Config::default());
        let files = [blockwatch_lint::CrateFile {
            unit: 0,
            summary: &summary,
        }];
        let found = blockwatch_lint::workspace_findings(&files, &Default::default());
        let text = message(&found[0]);
        let lines: Vec<&str> = text.lines().take(2).collect();
        assert_eq!(
            lines,
            [
                "`helper(..)` blocks the executor thread in async fn `run`: calls \
                 `std::thread::sleep` at src/lib.rs:2",
                "note: also reaches `std::fs::read`: calls `std::fs::read` at src/lib.rs:3",
            ]
        );
    }

    #[test]
    fn one_error_or_warning_per_finding() {
        let found = findings("async fn two() { std::fs::read(a); std::thread::sleep(d); }");
        assert_eq!(found.len(), 2);
        let errors = render(&found, false).to_string();
        assert_eq!(errors.matches("compile_error").count(), 2, "{errors}");
        assert!(!errors.contains("deprecated"), "{errors}");
        let warnings = render(&found, true).to_string();
        assert_eq!(warnings.matches("# [deprecated").count(), 2, "{warnings}");
        assert_eq!(
            warnings.matches("blocking_call ! ()").count(),
            2,
            "{warnings}"
        );
        assert!(!warnings.contains("compile_error"), "{warnings}");
    }

    #[test]
    fn no_findings_render_nothing() {
        assert!(render(&findings("async fn f() { g().await; }"), false).is_empty());
    }
}
