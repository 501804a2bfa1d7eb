//! Findings turned into what rustc shows: a compile error per finding (the default), or a
//! warning per finding (`#[no_blocking(warn)]`).
//!
//! Stable proc macros cannot emit warnings or `help:` lines, so:
//! - an error is a `compile_error!` whose first tokens carry the span of the call's first
//!   token and whose last tokens carry the span of its last token, so rustc underlines the
//!   whole call; the replacement goes on its own `help:` line in the message;
//! - a warning is the use of a `#[deprecated]` unit struct, spanned at the call: rustc
//!   reports it as a `deprecated` warning with our note, and `-D warnings` makes it an error.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

use blockwatch_lint::Finding;

/// The full text shown for a finding: the message, why the call blocks, what to use instead.
pub fn message(finding: &Finding) -> String {
    let mut text = finding.message();
    if !finding.why.is_empty() {
        text.push_str("\n  note: ");
        text.push_str(&finding.why);
    }
    if !finding.replacement.is_empty() {
        text.push_str("\n  help: use ");
        text.push_str(&finding.replacement);
    }
    text.push_str("\n  note: to accept this call, put `#[blockwatch::allow_blocking(reason = \"...\")]` on its statement");
    text
}

/// A `compile_error!` spanned over the call, from `span` to `span_end`.
pub fn error(finding: &Finding) -> TokenStream {
    spanned_error(finding.span, finding.span_end, &message(finding)).to_compile_error()
}

/// A `syn::Error` covering `start..end`, the way `syn::Error::new_spanned` covers tokens.
pub fn spanned_error(start: Span, end: Span, text: &str) -> syn::Error {
    let first = Ident::new("start", start);
    let last = Ident::new("end", end);
    syn::Error::new_spanned(quote!(#first #last), text)
}

/// A deprecation warning at the call. The tokens are an item, valid in item and
/// statement position.
pub fn warning(finding: &Finding) -> TokenStream {
    let note = message(finding);
    let marker = Ident::new("BlockingCall", Span::call_site());
    let use_site = Ident::new("BlockingCall", finding.span);
    let binding = quote_spanned!(finding.span=> let _ = #use_site;);
    quote! {
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(dead_code)]
            struct #marker;
            #binding
        };
    }
}

/// The diagnostics of `findings`: errors, or warnings when `warn` is set.
pub fn render(findings: &[Finding], warn: bool) -> TokenStream {
    findings
        .iter()
        .map(|f| if warn { warning(f) } else { error(f) })
        .collect()
}
