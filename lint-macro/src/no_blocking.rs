//! `#[no_blocking]`: the pipeline, parse -> validate -> expand.
//!
//! 1. parse: the arguments ([`crate::args`]) and the item ([`crate::target`]);
//! 2. validate: the item kind, the project configuration ([`crate::project_config`]), and
//!    the engine's findings on the item as written (escape hatches included, the engine
//!    skips what they mark);
//! 3. expand ([`crate::watch_wrapper`] for a fn, from its tokens; [`crate::expand`] for
//!    impls, traits and modules): the item without escape-hatch attributes, diagnostics,
//!    and the debug-build watchdog wrapper.
//!
//! Whatever fails, the user's item comes back out, so later errors and the IDE still work.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

use crate::allow_attr;
use crate::args::NoBlockingArgs;
use crate::crate_view::{self, ItemView};
use crate::diagnostics;
use crate::expand::{self, Additions};
use crate::fn_item::FnItem;
use crate::fn_text;
use crate::nesting;
use crate::project_config::{self, ProjectConfig};
use crate::target::Target;
use crate::watch_wrapper::{self, BodyStart, Shape};

/// Expands `#[no_blocking(args)] item`, reading the configuration of the package being built.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_with(args, item, project_config::for_current_package())
}

/// [`expand`] with the project configuration given (unit tests give their own).
pub fn expand_with(
    args: TokenStream,
    item: TokenStream,
    project: Result<ProjectConfig, String>,
) -> TokenStream {
    // The fast path walks tokens without recursion and parses nothing: the guard below
    // is for the full parse.
    if let Some(out) = quiet_fn_expand(&args, &item, &project) {
        return out;
    }
    if let Err(too_deep) = blockwatch_lint::check_nesting(&item, nesting::MAX_NESTING) {
        let depth = too_deep.depth;
        // Parsing it could overflow the compiler's stack: refuse, keep the item.
        let span = item
            .clone()
            .into_iter()
            .find_map(|t| match t {
                proc_macro2::TokenTree::Ident(i) if i != "pub" && i != "async" && i != "fn" => {
                    Some(i.span())
                }
                _ => None,
            })
            .unwrap_or_else(Span::call_site);
        let error = syn::Error::new(
            span,
            format!(
                "`#[no_blocking]` cannot check this item: it is nested about {depth} levels \
                 deep, more than the {} it checks without risking the compiler's stack; \
                 move the deep part into a fn of its own, or check the file with `cargo blockwatch`",
                nesting::MAX_NESTING
            ),
        );
        return with_errors(vec![error], item);
    }
    let Some(target) = Target::parse(item.clone()) else {
        // Not Rust syn can read: rustc's own error on the unchanged tokens says more.
        return item;
    };
    let item_tokens = item.clone();
    let stripped = allow_attr::strip(item);
    let mut errors: Vec<syn::Error> = stripped.errors;
    let args = NoBlockingArgs::parse(args).map_err(|e| errors.push(e)).ok();
    if let Err(err) = target.validate() {
        errors.push(err);
    }
    let project = project
        .map_err(|message| {
            // The attribute itself is the call site of an attribute macro.
            errors.push(syn::Error::new(
                Span::call_site(),
                format!("blockwatch configuration error: {message}"),
            ))
        })
        .ok();
    let (Some(args), Some(project), true) = (args, project, errors.is_empty()) else {
        return with_errors(errors, stripped.tokens);
    };

    let config = project_config::overlay(project.config.clone(), args.config);
    let report = blockwatch_lint::check_item_report(&target.engine_item(), &config);
    if report.unchecked_deep > 0 {
        // Below the engine's depth cap nothing was checked: never pass it as clean.
        errors.push(syn::Error::new(
            target.name_span(),
            format!(
                "`#[no_blocking]` could not check all of this item: code nested more than {} \
                 levels deep (a long method chain, say) is beyond the engine's walk; split \
                 it up, or mark the deep part `#[allow_blocking]`",
                blockwatch_lint::MAX_DEPTH
            ),
        ));
        return with_errors(errors, stripped.tokens);
    }
    let mut findings = report.findings;
    let mut notice = TokenStream::new();
    let item_trees: Vec<proc_macro2::TokenTree> = item_tokens.clone().into_iter().collect();
    match crate_view::for_item(&item_trees, &project.config, &config) {
        ItemView::Crate(located) => {
            let reached = crate_view::place(&item_tokens, &located, &findings);
            findings.extend(reached);
            findings.sort_by_key(|s| s.finding.start());
        }
        ItemView::Alone {
            notice: Some(reason),
        } => notice = diagnostics::crate_view_notice(target.name_span(), &reason),
        ItemView::Alone { notice: None } => {}
    }
    let additions = Additions {
        diagnostics: {
            let mut out = notice;
            out.extend(diagnostics::render(&findings, args.warn));
            out
        },
        config_files: project_config::not_yet_tracked(project.files),
        watch: args.watch,
    };
    // A fn goes out from its (stripped) tokens, not re-parsed: only impls, traits and
    // modules are rebuilt from syn's tree.
    if let Some(f) = FnItem::split(stripped.tokens.clone().into_iter().collect()) {
        let site_name = f.name().to_string();
        let shape = Shape::for_attributes(f.outer_attrs());
        return watch_wrapper::emit(&f, &site_name, &additions.extra_tokens(), args.watch, shape);
    }
    let output_target = if stripped.changed {
        let Some(parsed) = Target::parse(stripped.tokens.clone()) else {
            return with_errors(errors, stripped.tokens);
        };
        parsed
    } else {
        // Nothing was stripped: the item already parsed is the one to emit.
        target
    };
    expand::expand(output_target, &additions)
}

/// The fast path: a fn the engine can report nothing in ([`blockwatch_lint::may_report_text`]
/// on its tokens' text, and no crate-view finding on its lines), emitted from its tokens with no
/// parse of its signature or body. `None` sends the item down the full path: anything to
/// strip, report or complain about, or an item that is not a plain fn.
fn quiet_fn_expand(
    args: &TokenStream,
    item: &TokenStream,
    project: &Result<ProjectConfig, String>,
) -> Option<TokenStream> {
    let project = project.as_ref().ok()?;
    let args = NoBlockingArgs::parse(args.clone()).ok()?;
    let config = project_config::overlay(project.config.clone(), args.config);
    // One look at the tokens, as text: the compiler prints the whole item in one bridge
    // call, where a walk asks for each group's trees one call at a time (and wraps each
    // tree, unoptimized). An escape hatch to strip also sends the item down the full path.
    let text = item.to_string();
    if blockwatch_lint::may_report_text(&text, &config, &[allow_attr::ATTRIBUTE_NAME]) {
        return None;
    }
    // The commonest case, settled on the same text: with `watch = false`, a fn in a crate
    // without findings, once the configuration files are tracked, goes back as it came,
    // not split into trees. (With the wrapper on, the fns this would spare are the rare
    // sync ones: reading the text would cost every async fn for nothing.)
    let read = fn_text::plain_fn(&text);
    if !args.watch
        && read.is_some()
        && project_config::all_tracked(&project.files)
        && crate_view::holds_quiet(Span::call_site(), &project.config)
    {
        return Some(item.clone());
    }
    let f = FnItem::split(item.clone().into_iter().collect())?;
    let mut extra = match crate_view::for_item(f.trees(), &project.config, &config) {
        ItemView::Crate(found) if !found.is_empty() => return None,
        ItemView::Crate(_) | ItemView::Alone { notice: None } => TokenStream::new(),
        ItemView::Alone {
            notice: Some(reason),
        } => {
            // The fast path reads no signature: an item syn cannot read goes back
            // unchanged, as on the full path, and the crate's notice waits for the
            // next item (rustc's error on this one says what is wrong).
            if Target::parse(item.clone()).is_none() {
                crate_view::notice_again();
                return Some(item.clone());
            }
            diagnostics::crate_view_notice(f.name().span(), &reason)
        }
    };
    extra.extend(
        Additions {
            diagnostics: TokenStream::new(),
            config_files: project_config::not_yet_tracked(project.files.clone()),
            watch: args.watch,
        }
        .extra_tokens(),
    );
    if extra.is_empty() && !(args.watch && f.is_async()) {
        // Nothing to add and no wrapper: the tokens go back as they came, not rebuilt.
        return Some(item.clone());
    }
    let site_name = f.name().to_string();
    let shape = Shape::for_attributes(f.outer_attrs());
    // The text tells whether the body may open with inner attributes, which spares
    // asking the compiler for the body's trees to look.
    let start = match read {
        Some(read) if !read.body_starts_with_hash => BodyStart::NoInnerAttributes,
        _ => BodyStart::Unknown,
    };
    Some(watch_wrapper::emit_with(
        &f, &site_name, &extra, args.watch, shape, start,
    ))
}

fn with_errors(errors: Vec<syn::Error>, item: TokenStream) -> TokenStream {
    let mut out: TokenStream = errors.iter().map(syn::Error::to_compile_error).collect();
    item.to_tokens(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn run(args: TokenStream, item: TokenStream) -> String {
        expand_with(args, item, Ok(ProjectConfig::default())).to_string()
    }

    #[test]
    fn unparsable_input_comes_back_unchanged() {
        let item = quote!(async fn broken(x: ) {});
        assert_eq!(run(quote!(watch = false), item.clone()), item.to_string());
        // The wrapper reads no signature: rustc's own error is on the tokens as written,
        // in either shape of the wrapper.
        let wrapped = run(TokenStream::new(), item);
        let shape = if crate::future_fn::IMPL_OF_OWN_EDITION_CAPTURES_ALL {
            "fn broken (x :) -> impl :: core :: future :: Future < Output = () > {"
        } else {
            "async fn broken (x :) {"
        };
        assert!(wrapped.starts_with(shape), "{wrapped}");
        let item = quote!(struct S { x: });
        assert_eq!(run(TokenStream::new(), item.clone()), item.to_string());
    }

    #[test]
    fn bad_arguments_give_an_error_and_the_stripped_item() {
        let out = run(
            quote!(loud),
            quote!(
                async fn f() {
                    #[allow_blocking]
                    g();
                }
            ),
        );
        assert!(out.starts_with(":: core :: compile_error !"), "{out}");
        assert!(out.contains("expected one of"), "{out}");
        assert!(out.contains("async fn f () { g () ; }"), "{out}");
    }

    #[test]
    fn configuration_error_is_reported_with_its_text() {
        let out = expand_with(
            TokenStream::new(),
            quote!(
                async fn f() {}
            ),
            Err("blockwatch.toml:3: `enable`: unknown category `locks`".into()),
        )
        .to_string();
        assert!(
            out.contains("blockwatch configuration error: blockwatch.toml:3: `enable`"),
            "{out}"
        );
        assert!(out.contains("async fn f () { }"), "{out}");
    }

    #[test]
    fn unsupported_item_is_an_error() {
        let out = run(
            TokenStream::new(),
            quote!(
                struct S;
            ),
        );
        assert!(out.contains("applies to an async fn"), "{out}");
        assert!(out.ends_with("struct S ;"), "{out}");
    }

    #[test]
    fn clean_fn_is_unchanged_apart_from_the_wrapper() {
        let out = run(
            quote!(watch = false),
            quote!(
                async fn f() -> u8 {
                    1
                }
            ),
        );
        assert_eq!(out, "async fn f () -> u8 { 1 }");
        let out = run(
            TokenStream::new(),
            quote!(
                async fn f() -> u8 {
                    1
                }
            ),
        );
        assert!(out.contains("__private :: Watch ("), "{out}");
    }
}
