//! Argument parsing for the three attributes (the "parse" stage of their arguments).
//!
//! Every parser reports errors spanned on the offending tokens and, for an unknown
//! option, lists the valid ones (through `lookahead1`).

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{LitBool, LitInt, LitStr, Token};

use blockwatch_lint::{Category, Config, ExtraEntry};

mod kw {
    syn::custom_keyword!(warn);
    syn::custom_keyword!(extra);
    syn::custom_keyword!(exempt);
    syn::custom_keyword!(enable);
    syn::custom_keyword!(disable);
    syn::custom_keyword!(watch);
    syn::custom_keyword!(reason);
    syn::custom_keyword!(flavor);
    syn::custom_keyword!(worker_threads);
    syn::custom_keyword!(start_paused);
}

/// Options of `#[no_blocking(..)]`.
#[derive(Debug, Clone)]
pub struct NoBlockingArgs {
    /// Report findings as warnings instead of errors.
    pub warn: bool,
    /// Wrap async fns in the debug-build watchdog wrapper.
    pub watch: bool,
    /// Catalog changes given on the attribute, merged over the project configuration.
    pub config: Config,
}

impl Default for NoBlockingArgs {
    fn default() -> Self {
        NoBlockingArgs {
            warn: false,
            watch: true,
            config: Config::default(),
        }
    }
}

impl NoBlockingArgs {
    /// Parses the attribute arguments (empty tokens give the defaults).
    pub fn parse(tokens: TokenStream) -> syn::Result<Self> {
        // Every annotated item parses its arguments: the common forms skip syn, which
        // runs unoptimized in a user's build.
        if let Some(args) = Self::parse_plain(&tokens.to_string()) {
            return Ok(args);
        }
        Parser::parse2(Self::parse_list, tokens)
    }

    /// The arguments when their text (as tokens print) is only `warn` and `watch = ..`,
    /// comma-separated, each at most once; `None` for anything else, which syn parses
    /// (and reports on, with spans).
    fn parse_plain(text: &str) -> Option<Self> {
        let mut args = NoBlockingArgs::default();
        let text = text.trim();
        if text.is_empty() {
            return Some(args);
        }
        let (mut seen_warn, mut seen_watch) = (false, false);
        // One trailing comma is allowed, as in the full parse.
        for part in text.strip_suffix(',').unwrap_or(text).split(',') {
            let part = part.trim();
            if part == "warn" && !seen_warn {
                seen_warn = true;
                args.warn = true;
                continue;
            }
            let value = part.strip_prefix("watch")?.trim_start().strip_prefix('=')?;
            if seen_watch {
                return None;
            }
            seen_watch = true;
            args.watch = match value.trim_start() {
                "true" => true,
                "false" => false,
                _ => return None,
            };
        }
        Some(args)
    }

    fn parse_list(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = NoBlockingArgs::default();
        let mut seen_warn = None;
        let mut seen_watch = None;
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::warn) {
                let key: kw::warn = input.parse()?;
                reject_duplicate(&mut seen_warn, key.span, "warn")?;
                args.warn = true;
            } else if lookahead.peek(kw::watch) {
                let key: kw::watch = input.parse()?;
                reject_duplicate(&mut seen_watch, key.span, "watch")?;
                input.parse::<Token![=]>()?;
                args.watch = input
                    .parse::<LitBool>()
                    .map_err(|e| syn::Error::new(e.span(), "`watch` takes `true` or `false`"))?
                    .value;
            } else if lookahead.peek(kw::extra) {
                input.parse::<kw::extra>()?;
                let content;
                syn::parenthesized!(content in input);
                let entries = Punctuated::<ExtraArg, Token![,]>::parse_terminated(&content)?;
                args.config
                    .catalog
                    .extra
                    .extend(entries.into_iter().map(|e| e.0));
            } else if lookahead.peek(kw::exempt) {
                input.parse::<kw::exempt>()?;
                let content;
                syn::parenthesized!(content in input);
                let paths = Punctuated::<PathArg, Token![,]>::parse_terminated(&content)?;
                args.config
                    .catalog
                    .exempt
                    .extend(paths.into_iter().map(|p| p.0));
            } else if lookahead.peek(kw::enable) {
                input.parse::<kw::enable>()?;
                args.config.catalog.enable.extend(parse_categories(input)?);
            } else if lookahead.peek(kw::disable) {
                input.parse::<kw::disable>()?;
                args.config.catalog.disable.extend(parse_categories(input)?);
            } else {
                return Err(lookahead.error());
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}

fn reject_duplicate(seen: &mut Option<Span>, span: Span, name: &str) -> syn::Result<()> {
    if seen.replace(span).is_some() {
        return Err(syn::Error::new(span, format!("duplicate option `{name}`")));
    }
    Ok(())
}

/// `path::to::fn => "replacement"`: a user blocking fn (or prefix `path::*`) and the async
/// call to use instead.
struct ExtraArg(ExtraEntry);

impl Parse for ExtraArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: PathArg = input.parse()?;
        input.parse::<Token![=>]>()?;
        let replacement: LitStr = input.parse()?;
        if replacement.value().trim().is_empty() {
            return Err(syn::Error::new(
                replacement.span(),
                "the replacement must not be empty: name the async call to use instead",
            ));
        }
        Ok(ExtraArg(ExtraEntry {
            path: path.0,
            replacement: replacement.value(),
            why: None,
        }))
    }
}

/// A path such as `std::fs::metadata`, or a prefix written `my::db::*` (stored as `my::db::`).
struct PathArg(String);

impl Parse for PathArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let leading = input.parse::<Option<Token![::]>>()?.is_some();
        let mut text = String::new();
        if leading {
            text.push_str("::");
        }
        loop {
            let ident: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
            text.push_str(&ident.to_string());
            if !input.peek(Token![::]) {
                break;
            }
            input.parse::<Token![::]>()?;
            text.push_str("::");
            if input.peek(Token![*]) {
                input.parse::<Token![*]>()?;
                break;
            }
        }
        Ok(PathArg(text.trim_start_matches("::").to_string()))
    }
}

/// `(name, name-with-dash, "name")`: category names as written in configuration files.
fn parse_categories(input: ParseStream<'_>) -> syn::Result<Vec<Category>> {
    let content;
    syn::parenthesized!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let (name, span) = parse_category_name(&content)?;
        let category = name
            .parse::<Category>()
            .map_err(|e| syn::Error::new(span, e.to_string()))?;
        out.push(category);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if out.is_empty() {
        return Err(content.error("expected at least one category name"));
    }
    Ok(out)
}

fn parse_category_name(input: ParseStream<'_>) -> syn::Result<(String, Span)> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        return Ok((lit.value(), lit.span()));
    }
    let first: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
    let span = first.span();
    let mut name = first.to_string();
    while input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        let next: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
        name.push('-');
        name.push_str(&next.to_string());
    }
    Ok((name, span))
}

/// Arguments of `#[allow_blocking]`: nothing, or `reason = "..."`. Returns the reason.
///
/// The engine is what skips the marked code; the reason is for readers of the source, so
/// it only has to be present and non-empty when the parentheses are written.
pub fn parse_allow_args(tokens: TokenStream) -> syn::Result<Option<LitStr>> {
    Parser::parse2(parse_allow_list, tokens)
}

fn parse_allow_list(input: ParseStream<'_>) -> syn::Result<Option<LitStr>> {
    if input.is_empty() {
        return Ok(None);
    }
    if !input.peek(kw::reason) {
        return Err(
            input.error("expected `reason = \"...\"`: `allow_blocking` takes only a reason")
        );
    }
    input.parse::<kw::reason>()?;
    input.parse::<Token![=]>()?;
    let reason: LitStr = input.parse()?;
    if reason.value().trim().is_empty() {
        return Err(syn::Error::new(
            reason.span(),
            "the reason must not be empty: say why blocking is acceptable here",
        ));
    }
    input.parse::<Option<Token![,]>>()?;
    if !input.is_empty() {
        return Err(
            input.error("unexpected tokens: `allow_blocking` takes only `reason = \"...\"`")
        );
    }
    Ok(Some(reason))
}

/// The runtime flavor of `#[blockwatch::test]`, as `#[tokio::test]` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `flavor = "current_thread"` (the default).
    CurrentThread,
    /// `flavor = "multi_thread"`.
    MultiThread,
}

/// Options of `#[blockwatch::test(..)]` and `#[blockwatch::main(..)]`: tokio's runtime
/// options, as `#[tokio::test]` and `#[tokio::main]` take them.
#[derive(Debug, Clone, Default)]
pub struct TestArgs {
    /// The runtime flavor, when given.
    pub flavor: Option<(Flavor, Span)>,
    /// `worker_threads = N`, when given.
    pub worker_threads: Option<LitInt>,
    /// `start_paused = bool`, when given.
    pub start_paused: Option<LitBool>,
}

impl TestArgs {
    /// Parses the attribute arguments and checks that they fit together, for an
    /// attribute whose runtime is current-thread unless a flavor is given (`test`).
    pub fn parse(tokens: TokenStream) -> syn::Result<Self> {
        Self::parse_with_default(tokens, Flavor::CurrentThread)
    }

    /// [`TestArgs::parse`] for an attribute whose runtime has the `default` flavor when
    /// none is given (`main`: multi-thread, as `#[tokio::main]`).
    pub fn parse_with_default(tokens: TokenStream, default: Flavor) -> syn::Result<Self> {
        let args = Parser::parse2(Self::parse_list, tokens)?;
        args.validate(default)?;
        Ok(args)
    }

    /// The runtime flavor in force.
    pub fn flavor_or(&self, default: Flavor) -> Flavor {
        self.flavor.map_or(default, |(flavor, _)| flavor)
    }

    fn parse_list(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = TestArgs::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::flavor) {
                let key: kw::flavor = input.parse()?;
                input.parse::<Token![=]>()?;
                let value: LitStr = input.parse()?;
                let flavor = match value.value().as_str() {
                    "current_thread" => Flavor::CurrentThread,
                    "multi_thread" => Flavor::MultiThread,
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!(
                                "unknown flavor `{other}`; expected \"current_thread\" or \"multi_thread\""
                            ),
                        ))
                    }
                };
                if args.flavor.replace((flavor, value.span())).is_some() {
                    return Err(syn::Error::new(key.span, "duplicate option `flavor`"));
                }
            } else if lookahead.peek(kw::worker_threads) {
                let key: kw::worker_threads = input.parse()?;
                input.parse::<Token![=]>()?;
                let value: LitInt = input.parse()?;
                if value.base10_parse::<usize>()? == 0 {
                    return Err(syn::Error::new(
                        value.span(),
                        "`worker_threads` must be at least 1",
                    ));
                }
                if args.worker_threads.replace(value).is_some() {
                    return Err(syn::Error::new(
                        key.span,
                        "duplicate option `worker_threads`",
                    ));
                }
            } else if lookahead.peek(kw::start_paused) {
                let key: kw::start_paused = input.parse()?;
                input.parse::<Token![=]>()?;
                let value: LitBool = input.parse()?;
                if args.start_paused.replace(value).is_some() {
                    return Err(syn::Error::new(key.span, "duplicate option `start_paused`"));
                }
            } else {
                return Err(lookahead.error());
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }

    fn validate(&self, default: Flavor) -> syn::Result<()> {
        let flavor = self.flavor_or(default);
        if let Some(threads) = &self.worker_threads
            && flavor != Flavor::MultiThread
        {
            return Err(syn::Error::new(
                threads.span(),
                "`worker_threads` needs `flavor = \"multi_thread\"`",
            ));
        }
        if let Some(paused) = &self.start_paused
            && paused.value
            && flavor == Flavor::MultiThread
        {
            return Err(syn::Error::new(
                paused.span(),
                "`start_paused = true` needs the current_thread flavor",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn no_blocking_defaults_when_empty() {
        let args = NoBlockingArgs::parse(TokenStream::new()).unwrap();
        assert!(!args.warn);
        assert!(args.watch);
        assert_eq!(args.config, Config::default());
    }

    #[test]
    fn the_plain_forms_read_as_syn_reads_them() {
        for (tokens, plain) in [
            (quote!(), true),
            (quote!(watch = false), true),
            (quote!(watch = true,), true),
            (quote!(warn, watch = false), true),
            (quote!(watch = false, warn), true),
            (quote!(warn, warn), false),
            (quote!(watch = false, watch = true), false),
            (quote!(watch = 1), false),
            (quote!(watcher = false), false),
            (quote!(warn,,), false),
            (quote!(, warn), false),
            (quote!(disable(fs)), false),
        ] {
            let text = tokens.to_string();
            let fast = NoBlockingArgs::parse_plain(&text);
            assert_eq!(fast.is_some(), plain, "{text}");
            let full = Parser::parse2(NoBlockingArgs::parse_list, tokens);
            if let Some(fast) = fast {
                let full = full.unwrap();
                assert_eq!((fast.warn, fast.watch), (full.warn, full.watch), "{text}");
                assert_eq!(fast.config, full.config, "{text}");
            }
        }
    }

    #[test]
    fn no_blocking_parses_every_option() {
        let args = NoBlockingArgs::parse(quote! {
            warn,
            extra(my::db::query_sync => "my::db::query(..).await", legacy::* => "legacy_async"),
            exempt(std::fs::metadata, ::std::env::*),
            enable(lock),
            disable(fs, tokio-blocking, "http"),
            watch = false,
        })
        .unwrap();
        assert!(args.warn);
        assert!(!args.watch);
        assert_eq!(args.config.catalog.extra.len(), 2);
        assert_eq!(args.config.catalog.extra[0].path, "my::db::query_sync");
        assert_eq!(
            args.config.catalog.extra[0].replacement,
            "my::db::query(..).await"
        );
        assert_eq!(args.config.catalog.extra[1].path, "legacy::");
        assert_eq!(
            args.config.catalog.exempt,
            vec!["std::fs::metadata", "std::env::"]
        );
        assert_eq!(args.config.catalog.enable, vec![Category::Lock]);
        assert_eq!(
            args.config.catalog.disable,
            vec![Category::Fs, Category::TokioBlocking, Category::Http]
        );
    }

    #[test]
    fn no_blocking_unknown_option_lists_valid_ones() {
        let err = NoBlockingArgs::parse(quote!(warnings))
            .unwrap_err()
            .to_string();
        for name in ["warn", "watch", "extra", "exempt", "enable", "disable"] {
            assert!(err.contains(&format!("`{name}`")), "{err}");
        }
    }

    #[test]
    fn no_blocking_rejects_unknown_category_and_duplicates() {
        let err = NoBlockingArgs::parse(quote!(enable(locks))).unwrap_err();
        assert!(
            err.to_string().contains("unknown category `locks`"),
            "{err}"
        );
        let err = NoBlockingArgs::parse(quote!(warn, warn)).unwrap_err();
        assert_eq!(err.to_string(), "duplicate option `warn`");
        let err = NoBlockingArgs::parse(quote!(extra(a::b => ""))).unwrap_err();
        assert!(err.to_string().contains("must not be empty"), "{err}");
    }

    #[test]
    fn allow_accepts_bare_and_reason_only() {
        assert!(parse_allow_args(TokenStream::new()).unwrap().is_none());
        let reason = parse_allow_args(quote!(reason = "startup only")).unwrap();
        assert_eq!(reason.unwrap().value(), "startup only");
        let err = parse_allow_args(quote!(because = "x")).unwrap_err();
        assert!(
            err.to_string().contains("expected `reason = \"...\"`"),
            "{err}"
        );
        assert!(parse_allow_args(quote!(reason = "")).is_err());
        assert!(parse_allow_args(quote!(reason = "a", reason = "b")).is_err());
    }

    #[test]
    fn test_args_forward_tokio_options() {
        let args = TestArgs::parse(quote!(flavor = "multi_thread", worker_threads = 2)).unwrap();
        assert_eq!(args.flavor.map(|f| f.0), Some(Flavor::MultiThread));
        assert_eq!(args.worker_threads.unwrap().base10_digits(), "2");
        let args = TestArgs::parse(quote!(start_paused = true)).unwrap();
        assert!(args.start_paused.unwrap().value);
    }

    #[test]
    fn test_args_reject_bad_combinations() {
        let err = TestArgs::parse(quote!(crate = "x"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`flavor`") && err.contains("`worker_threads`"),
            "{err}"
        );
        assert!(TestArgs::parse(quote!(worker_threads = 2)).is_err());
        assert!(TestArgs::parse(quote!(flavor = "multi_thread", worker_threads = 0)).is_err());
        assert!(TestArgs::parse(quote!(flavor = "local")).is_err());
        assert!(TestArgs::parse(quote!(flavor = "multi_thread", start_paused = true)).is_err());
    }

    #[test]
    fn main_args_default_to_the_multi_thread_flavor() {
        let args =
            TestArgs::parse_with_default(quote!(worker_threads = 2), Flavor::MultiThread).unwrap();
        assert_eq!(args.flavor_or(Flavor::MultiThread), Flavor::MultiThread);
        let err = TestArgs::parse_with_default(quote!(start_paused = true), Flavor::MultiThread)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`start_paused = true` needs the current_thread flavor"
        );
        let err = TestArgs::parse_with_default(
            quote!(flavor = "current_thread", worker_threads = 2),
            Flavor::MultiThread,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`worker_threads` needs `flavor = \"multi_thread\"`"
        );
    }
}
