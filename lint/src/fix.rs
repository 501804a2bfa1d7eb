//! Fixes on findings: the edits that rewrite a blocking call into its async replacement,
//! built from the catalog's fix rules ([`catalog::fixes`](crate::catalog::fixes)) and
//! where the call stands.

use proc_macro2::Span;
use syn::Expr;

use crate::catalog::fixes::rule_for;
pub use crate::catalog::fixes::{Applicability, Requirement, Rewrite};

/// Which source text an [`Edit`] replaces.
#[derive(Debug, Clone, Copy)]
pub enum EditRange {
    /// From the start of `first` to the end of `last`.
    Replace {
        /// The first token replaced.
        first: Span,
        /// The last token replaced.
        last: Span,
    },
    /// An insertion just before this token.
    Before(Span),
    /// An insertion just after this token.
    After(Span),
}

/// One edit of a [`Fix`].
#[derive(Debug, Clone)]
pub struct Edit {
    /// What it replaces (nothing, for an insertion).
    pub range: EditRange,
    /// The new text.
    pub text: String,
}

/// How to rewrite a finding's call.
///
/// ```
/// let file: syn::File = syn::parse_str(
///     "async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }",
/// ).unwrap();
/// let finding = &blockwatch_lint::check_file(&file, &Default::default())[0];
/// let fix = finding.fix.as_ref().unwrap();
/// assert_eq!(fix.code, "tokio::time::sleep(std::time::Duration::from_secs(1)).await");
/// assert_eq!(fix.applicability, blockwatch_lint::Applicability::MachineApplicable);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fix {
    /// Whether `cargo blockwatch --fix` may apply it.
    pub applicability: Applicability,
    /// The edits, in source order.
    pub edits: Vec<Edit>,
    /// The call as it reads after the fix (arguments from the source when available,
    /// else `..`).
    pub code: String,
    /// The crate and feature the new code needs.
    pub requires: Requirement,
    /// The rule's rewrite: [`Rewrite::SpawnBlocking`] when the API has no rule of its own.
    pub rewrite: Rewrite,
}

/// An [`Edit`] located by line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocatedEdit {
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (in characters) of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the end; equal to the start for an insertion.
    pub end_column: usize,
    /// The new text.
    pub text: String,
}

/// A [`Fix`] located by line and column, as [`Finding`](crate::Finding) carries it.
///
/// ```
/// let file: syn::File = syn::parse_str("async fn f() {\n    std::fs::read(\"a\");\n}").unwrap();
/// let f = &blockwatch_lint::check_file(&file, &Default::default())[0];
/// let fix = f.fix.clone().unwrap();
/// assert_eq!((fix.edits[0].line, fix.edits[0].column, fix.edits[0].end_column), (2, 5, 18));
/// assert_eq!(fix.edits[1].text, ".await");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LocatedFix {
    /// Whether `cargo blockwatch --fix` may apply it.
    pub applicability: Applicability,
    /// The edits, in source order.
    pub edits: Vec<LocatedEdit>,
    /// The call as it reads after the fix.
    pub code: String,
    /// The crate and feature the new code needs.
    pub requires: Requirement,
    /// The rule's rewrite (see [`Fix::rewrite`]).
    pub rewrite: Rewrite,
}

impl Fix {
    /// The fix with its spans turned into lines and columns (spans must carry
    /// locations: parsed outside a proc macro).
    pub fn locate(&self) -> LocatedFix {
        let edits = self
            .edits
            .iter()
            .map(|e| {
                let (start, end) = match e.range {
                    EditRange::Replace { first, last } => (first.start(), last.end()),
                    EditRange::Before(s) => (s.start(), s.start()),
                    EditRange::After(s) => (s.end(), s.end()),
                };
                LocatedEdit {
                    line: start.line,
                    column: start.column + 1,
                    end_line: end.line,
                    end_column: end.column + 1,
                    text: e.text.clone(),
                }
            })
            .collect();
        LocatedFix {
            applicability: self.applicability,
            edits,
            code: self.code.clone(),
            requires: self.requires,
            rewrite: self.rewrite,
        }
    }
}

/// The callee of a finding's call, as a fix rule needs it.
pub(crate) enum Callee {
    /// A path call: the path's first and last tokens.
    Path { first: Span, last: Span },
    /// A method call, with the constructor call its receiver chain starts with, if any.
    Method { ctor: Option<Ctor> },
}

/// The constructor call a method chain starts with: `Command::new(..)` in
/// `Command::new("ls").arg("-l").output()`.
pub(crate) struct Ctor {
    /// The type, resolved: `std::process::Command`.
    pub resolved_type: String,
    /// The type as written: `Command`.
    pub written_type: String,
    /// The first token of the type.
    pub first: Span,
    /// The last token of the type.
    pub last: Span,
}

/// Where a finding's call stands: what the visitor knows and the rules need.
pub(crate) struct Site<'a> {
    /// The callee.
    pub callee: Callee,
    /// The whole call expression.
    pub expr: &'a Expr,
    /// The call's closing parenthesis.
    pub close: Span,
    /// `.await` may follow the call here: the body of an async fn, block or closure (not a
    /// plain closure inside one, not a `poll` fn).
    pub awaitable: bool,
    /// The call is inside a macro's arguments: never rewritten automatically.
    pub in_macro: bool,
}

/// The fix for a call to catalog key `key` at `site`, if the site allows one. A call
/// whose name was not resolved (`certain` unset) may be something else of the same name:
/// its fix is only a suggestion.
pub(crate) fn build(key: &str, site: &Site<'_>, certain: bool) -> Option<Fix> {
    if !site.awaitable {
        return None;
    }
    let rule = rule_for(key);
    if rule.rewrite == Rewrite::Manual {
        return None;
    }
    let written = render(site.expr);
    let replace = |first: Span, last: Span, text: &str| Edit {
        range: EditRange::Replace { first, last },
        text: text.to_string(),
    };
    let own = match (rule.rewrite, &site.callee) {
        (Rewrite::CallPath(path), Callee::Path { first, last }) => {
            let args = written.find('(').map_or("(..)", |i| &written[i..]);
            Some((replace(*first, *last, path), format!("{path}{args}")))
        }
        (Rewrite::ReceiverType(ty), Callee::Method { ctor: Some(ctor) })
            if key.rsplit_once("::").map(|(t, _)| t) == Some(ctor.resolved_type.as_str()) =>
        {
            let rest = written.strip_prefix(&ctor.written_type)?;
            Some((replace(ctor.first, ctor.last, ty), format!("{ty}{rest}")))
        }
        _ => None,
    };
    let rewrite = if own.is_some() {
        rule.rewrite
    } else {
        Rewrite::SpawnBlocking
    };
    let (edits, code, applicability, requires) = match own {
        Some((edit, code)) => {
            let mut edits = vec![edit];
            let mut code = code;
            if rule.awaits {
                edits.push(Edit {
                    range: EditRange::After(site.close),
                    text: ".await".to_string(),
                });
                code.push_str(".await");
            }
            (edits, code, rule.applicability, rule.requires)
        }
        None => {
            let spawn = &crate::catalog::fixes::SPAWN_BLOCKING;
            let open = "tokio::task::spawn_blocking(move || ";
            let edits = vec![
                Edit {
                    range: EditRange::Before(first_token(site.expr)),
                    text: open.to_string(),
                },
                Edit {
                    range: EditRange::After(site.close),
                    text: ").await".to_string(),
                },
            ];
            let code = format!("{open}{written}).await");
            (edits, code, spawn.applicability, spawn.requires)
        }
    };
    let applicability = if site.in_macro || !certain {
        Applicability::MaybeIncorrect
    } else {
        applicability
    };
    Some(Fix {
        applicability,
        edits,
        code,
        requires,
        rewrite,
    })
}

/// The first token of an expression, for an insertion before it. A loop, not recursion:
/// method chains can be thousands of calls long.
fn first_token(mut e: &Expr) -> Span {
    loop {
        e = match e {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Call(c) => &c.func,
            Expr::Field(f) => &f.base,
            Expr::Try(t) => &t.expr,
            Expr::Await(a) => &a.base,
            Expr::Index(i) => &i.expr,
            Expr::Path(p) => {
                return match (&p.path.leading_colon, p.path.segments.first()) {
                    (Some(c), _) => c.spans[0],
                    (None, Some(s)) => s.ident.span(),
                    (None, None) => syn::spanned::Spanned::span(e),
                }
            }
            _ => return syn::spanned::Spanned::span(e),
        };
    }
}

/// The text of a parenthesized argument list, from the source when spans carry it.
fn args_text(paren: &syn::token::Paren, empty: bool) -> String {
    if empty {
        return "()".to_string();
    }
    paren
        .span
        .join()
        .source_text()
        .unwrap_or_else(|| "(..)".to_string())
}

/// How deep [`render`] rebuilds an expression before writing `..`: it recurses, and
/// method chains can be thousands of calls long.
const MAX_RENDER_DEPTH: usize = 32;

/// The expression as written, for the code of a fix: calls, method chains, paths,
/// fields and `?` are rebuilt from their parts (argument lists from the source), the rest
/// is `..`.
fn render(e: &Expr) -> String {
    render_at(e, 0)
}

fn render_at(e: &Expr, depth: usize) -> String {
    if depth > MAX_RENDER_DEPTH {
        return "..".to_string();
    }
    let render = |e: &Expr| render_at(e, depth + 1);
    match e {
        Expr::Path(p) if p.qself.is_none() => {
            let mut s = String::new();
            if p.path.leading_colon.is_some() {
                s.push_str("::");
            }
            for (i, seg) in p.path.segments.iter().enumerate() {
                if i > 0 {
                    s.push_str("::");
                }
                s.push_str(&seg.ident.to_string());
                if !seg.arguments.is_none() {
                    s.push_str("::<..>");
                }
            }
            s
        }
        Expr::Call(c) => format!(
            "{}{}",
            render(&c.func),
            args_text(&c.paren_token, c.args.is_empty())
        ),
        Expr::MethodCall(m) => format!(
            "{}.{}{}{}",
            render(&m.receiver),
            m.method,
            if m.turbofish.is_some() { "::<..>" } else { "" },
            args_text(&m.paren_token, m.args.is_empty())
        ),
        Expr::Try(t) => format!("{}?", render(&t.expr)),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => format!("{}.{n}", render(&f.base)),
            syn::Member::Unnamed(i) => format!("{}.{}", render(&f.base), i.index),
        },
        Expr::Paren(p) => format!("({})", render(&p.expr)),
        Expr::Group(g) => render(&g.expr),
        Expr::Reference(r) => format!(
            "&{}{}",
            if r.mutability.is_some() { "mut " } else { "" },
            render(&r.expr)
        ),
        Expr::Lit(l) => quote::ToTokens::to_token_stream(&l.lit).to_string(),
        _ => "..".to_string(),
    }
}

/// The constructor call that the receiver chain of method call `m` starts with, its path
/// resolved by `resolve`.
pub(crate) fn ctor_of(
    m: &syn::ExprMethodCall,
    resolve: impl Fn(&syn::Path) -> Option<Vec<String>>,
) -> Option<Ctor> {
    let mut root = &*m.receiver;
    while let Expr::MethodCall(inner) = root {
        root = &inner.receiver;
    }
    let Expr::Call(call) = root else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let segments = &func.path.segments;
    if func.qself.is_some() || segments.len() < 2 {
        return None;
    }
    let resolved = resolve(&func.path)?;
    let (_, resolved_type) = resolved.split_last()?;
    let written = render(&call.func);
    let last_name = segments.last()?.ident.to_string();
    let written_type = written.strip_suffix(&format!("::{last_name}"))?.to_string();
    Some(Ctor {
        resolved_type: resolved_type.join("::"),
        written_type,
        first: first_token(&call.func),
        last: segments[segments.len() - 2].ident.span(),
    })
}
