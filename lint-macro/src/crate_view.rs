//! The crate view as the attribute keeps it: the engine's [`CrateView`] of the crate being
//! compiled, built by the first expansion in a process and shared by the later ones.
//!
//! rustc expands every attribute of a crate in one process, so the crate is read once per
//! compile. A long-lived process (rust-analyzer's proc-macro server) asks the view whether
//! a file it read changed size or modification time, at most once a second, and reloads
//! it when one did. When no view can be built, each item is checked on its own and the
//! first annotated item of the crate says why (once per crate and process).

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use blockwatch_lint::{Config, CrateView, Finding, SpannedFinding};
use proc_macro2::{LineColumn, Span, TokenStream, TokenTree};

/// How long a view is trusted without looking at the files' sizes and modification times.
const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

/// What the crate view says about one annotated item.
pub enum ItemView {
    /// The item's crate was read: the transitive findings of the item's lines.
    Crate(Vec<Finding>),
    /// The item is checked on its own; `notice` is the reason, for the first such item
    /// of the crate only.
    Alone {
        /// Why there is no crate view, to be said once.
        notice: Option<String>,
    },
}

struct Entry {
    /// The package directory and crate name the view is of.
    key: (PathBuf, String),
    view: Result<Arc<CrateView>, String>,
    checked: Instant,
    noticed: bool,
    /// The last file asked about and whether the view holds it: the items of one file
    /// come one after the other, and each lookup normalizes and hashes a path.
    last_file: Option<(PathBuf, bool)>,
}

/// The crate view's findings for the item whose top-level trees are `trees`, filtered by `config`
/// (the attribute's options over the project's); `project` is what the view is built with.
///
/// Without a file on disk behind the item (a doctest, tokens a macro made up) or outside
/// cargo, there is no crate to view and nothing to say.
pub fn for_item(trees: &[TokenTree], project: &Config, config: &Config) -> ItemView {
    let silent = ItemView::Alone { notice: None };
    let (Some(first), Some(last)) = (trees.first(), trees.last()) else {
        return silent;
    };
    let Some(file) = file_of(first.span()) else {
        return silent;
    };
    with_entry(&file, project, |entry, held| {
        let key = &entry.key;
        let reason = match &entry.view {
            // A crate without findings (most): no lines to ask the compiler for.
            Ok(view) if held && !view.has_findings() => return ItemView::Crate(Vec::new()),
            Ok(view) if held => {
                let lines: RangeInclusive<usize> =
                    first.span().start().line..=close_span(last).end().line;
                let found = view.findings_in(&file, lines, config);
                return ItemView::Crate(found.into_iter().cloned().collect());
            }
            Ok(_) => format!(
                "no `mod` declaration of crate `{}` reaches this file",
                key.1
            ),
            Err(reason) => reason.clone(),
        };
        let notice = (!entry.noticed).then_some(reason);
        entry.noticed = true;
        ItemView::Alone { notice }
    })
    .unwrap_or(silent)
}

/// Whether the crate view holds the file `span` is in and the crate has no finding at
/// all, so an item there with nothing of its own to report has nothing to add. The fast
/// path asks this with the attribute's span, before it splits the item into trees;
/// `false` leaves the question to [`for_item`] (no view, a view with findings, a file
/// the view does not hold), and says no notice.
pub fn holds_quiet(span: Span, project: &Config) -> bool {
    let Some(file) = file_of(span) else {
        return false;
    };
    with_entry(&file, project, |entry, held| {
        held && entry.view.as_ref().is_ok_and(|view| !view.has_findings())
    })
    .unwrap_or(false)
}

/// The file on disk behind `span`, absolute; `None` outside a proc macro or without one.
fn file_of(span: Span) -> Option<PathBuf> {
    if !proc_macro::is_available() {
        return None;
    }
    let file = span.local_file()?;
    // rustc names files as cargo passed them: relative to its working directory.
    Some(match std::env::current_dir() {
        Ok(cwd) if file.is_relative() => cwd.join(file),
        _ => file,
    })
}

/// Runs `f` on the current crate's entry (loaded or revalidated first) and whether its
/// view holds `file`; `None` outside cargo.
fn with_entry<R>(
    file: &Path,
    project: &Config,
    f: impl FnOnce(&mut Entry, bool) -> R,
) -> Option<R> {
    let (Some(dir), Some(name)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("CARGO_CRATE_NAME"),
    ) else {
        return None;
    };
    // One entry per crate: a compiler process has one, a proc-macro server a few. A
    // linear search compares bytes; hashing a path walks its components (slowly, in the
    // unoptimized build cargo makes of a proc macro).
    // A panic while holding the lock leaves at worst an old entry: recover the list.
    let mut views = views()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let same = |entry: &Entry| {
        entry.key.0.as_os_str() == dir.as_os_str() && *entry.key.1 == *name.to_string_lossy()
    };
    let load = |key: &(PathBuf, String)| {
        CrateView::load(&key.0, &key.1, file, project)
            .map(Arc::new)
            .map_err(|e| e.to_string())
    };
    let at = match views.iter().position(same) {
        Some(at) => at,
        None => {
            let key = (PathBuf::from(&dir), name.to_string_lossy().into_owned());
            views.push(Entry {
                view: load(&key),
                key,
                checked: Instant::now(),
                noticed: false,
                last_file: None,
            });
            views.len() - 1
        }
    };
    let entry = &mut views[at];
    if entry.checked.elapsed() >= REVALIDATE_AFTER {
        let stale = entry.view.as_ref().map_or(true, |v| v.is_stale());
        if stale {
            entry.view = load(&entry.key);
            entry.last_file = None;
        }
        entry.checked = Instant::now();
    }
    let held = match (&entry.last_file, &entry.view) {
        (Some((last, held)), _) if last.as_os_str() == file.as_os_str() => *held,
        (_, Ok(view)) => {
            let held = view.contains(file);
            entry.last_file = Some((file.to_path_buf(), held));
            held
        }
        (_, Err(_)) => false,
    };
    Some(f(entry, held))
}

/// Gives the notice of the current crate (the one [`for_item`] last said) to the next
/// item again: the item it was meant for is not emitted with it.
pub fn notice_again() {
    let (Some(dir), Some(name)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("CARGO_CRATE_NAME"),
    ) else {
        return;
    };
    let mut views = views()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for entry in views.iter_mut() {
        if entry.key.0.as_os_str() == dir.as_os_str() && *entry.key.1 == *name.to_string_lossy() {
            entry.noticed = false;
        }
    }
}

/// The views of this process, one per crate.
fn views() -> &'static Mutex<Vec<Entry>> {
    static VIEWS: OnceLock<Mutex<Vec<Entry>>> = OnceLock::new();
    VIEWS.get_or_init(|| Mutex::new(Vec::new()))
}

/// The findings of `located` placed on the tokens of `item` (the call's first and last
/// token), leaving out those at a call `already` reports and those whose call is not among
/// the tokens (the file changed since the view read it).
pub fn place(
    item: &TokenStream,
    located: &[Finding],
    already: &[SpannedFinding],
) -> Vec<SpannedFinding> {
    let mut tokens = Vec::new();
    leaf_spans(item.clone(), &mut tokens);
    let taken: Vec<(usize, usize)> = already.iter().map(|s| s.finding.start()).collect();
    located
        .iter()
        .filter(|f| !taken.contains(&(f.line, f.column)))
        .filter_map(|f| {
            let start = LineColumn {
                line: f.line,
                column: f.column - 1,
            };
            let end = LineColumn {
                line: f.end_line,
                column: f.end_column - 1,
            };
            let first = tokens.iter().find(|s| s.start() == start)?;
            let last = tokens.iter().find(|s| s.end() == end).unwrap_or(first);
            Some(SpannedFinding {
                finding: f.clone(),
                span: *first,
                span_end: *last,
            })
        })
        .collect()
}

/// Every token's span, and each group's delimiters', in order.
fn leaf_spans(tokens: TokenStream, out: &mut Vec<Span>) {
    for token in tokens {
        match token {
            TokenTree::Group(g) => {
                out.push(g.span_open());
                leaf_spans(g.stream(), out);
                out.push(g.span_close());
            }
            other => out.push(other.span()),
        }
    }
}

/// The span where `tree` ends (a group's closing delimiter).
fn close_span(tree: &TokenTree) -> Span {
    match tree {
        TokenTree::Group(g) => g.span_close(),
        other => other.span(),
    }
}
