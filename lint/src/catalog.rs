//! The catalog of blocking APIs: data, in one place.
//!
//! The built-in entries live in `catalog/builtin.rs` as a static table; the other
//! knowledge about libraries is data beside it: offloaders (`offloaders.rs`), poll
//! traits (`poll_traits.rs`), the wrappers a receiver derefs through
//! (`deref_wrappers.rs`), how macro bodies are read (`macro_classes.rs`), the run-once initialisers
//! (`run_once.rs`), the method
//! names too common to match by name (`ambiguous_methods.rs`) and how each API's call is
//! rewritten (`fixes.rs`). This module holds the types.

use std::borrow::Cow;

use crate::Category;

mod ambiguous_methods;
mod builtin;
mod caller_thread_executors;
mod deref_wrappers;
pub mod fixes;
mod macro_classes;
mod offloaders;
mod poll_traits;
mod run_once;

pub use ambiguous_methods::AMBIGUOUS_METHOD_NAMES;
pub use caller_thread_executors::CALLER_THREAD_EXECUTORS;
pub use deref_wrappers::DEREF_WRAPPERS;
pub(crate) use macro_classes::{macro_class, MacroClass};
pub use macro_classes::{EXPR_MACROS, JOIN_MACROS, SELECT_MACROS, SKIP_MACROS};
pub(crate) use offloaders::{is_crate_offloader, is_offloader_name};
pub use offloaders::{CRATE_OFFLOADERS, OFFLOADERS};
pub use poll_traits::POLL_TRAITS;
pub(crate) use run_once::is_run_once_constructor;
pub use run_once::{RUN_ONCE_CONSTRUCTORS, RUN_ONCE_MACROS, RUN_ONCE_METHODS};

/// What the receiver of a method call must look like for a [`Pattern::Method`] to match.
///
/// ```
/// use blockwatch_lint::catalog::Receiver;
/// let r = Receiver::ChainCalls(&["std::process::Command::new"]);
/// assert!(matches!(r, Receiver::ChainCalls(_)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Receiver {
    /// Any receiver: the method name alone is distinctive (`blocking_recv`).
    Any,
    /// The receiver chain contains a call to one of these paths (`Command::new(..)`,
    /// `stdin()`), written in the chain, or bound to the receiver variable by a `let` or
    /// a typed parameter. A path matches when it equals a listed path or lies below it
    /// (`std::process::Command` covers `std::process::Command::new`); a listed path
    /// ending in `::` is a prefix.
    ChainCalls(&'static [&'static str]),
    /// Any receiver, provided a `use` of this crate (e.g. `diesel`) is in scope: diesel's
    /// `RunQueryDsl` methods have common names.
    ImportedCrate(&'static str),
}

/// A pattern a call is matched against.
///
/// ```
/// use blockwatch_lint::Pattern;
/// let p = Pattern::Path("std::thread::sleep".into());
/// assert_eq!(p.to_string(), "`std::thread::sleep`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pattern {
    /// An exact fn path, e.g. `std::thread::sleep`.
    Path(Cow<'static, str>),
    /// A path prefix ending in `::`, e.g. `reqwest::blocking::`: every call below it.
    Prefix(Cow<'static, str>),
    /// A method call matched by its shape; only when the call is not awaited.
    Method {
        /// The method name, e.g. `output`.
        name: Cow<'static, str>,
        /// The number of arguments, when it matters (`.join()` takes none).
        arity: Option<usize>,
        /// What the receiver must look like.
        receiver: Receiver,
        /// The API the shape stands for, e.g. `std::process::Command::output`: what a
        /// finding reports as resolved.
        api: Cow<'static, str>,
    },
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pattern::Path(p) => write!(f, "`{p}`"),
            Pattern::Prefix(p) => write!(f, "`{p}*`"),
            Pattern::Method {
                name,
                arity,
                receiver,
                ..
            } => {
                let args = match arity {
                    Some(0) => "()".to_string(),
                    Some(n) => format!("({})", vec![".."; *n].join(", ")),
                    None => "(..)".to_string(),
                };
                write!(f, "`.{name}{args}`")?;
                match receiver {
                    Receiver::Any => {}
                    Receiver::ChainCalls(paths) => {
                        let on: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
                        write!(f, " on {}", on.join(" / "))?;
                    }
                    Receiver::ImportedCrate(krate) => write!(f, " with `{krate}` in scope")?,
                }
                f.write_str(", not awaited")
            }
        }
    }
}

/// One catalog entry: a pattern, its category, why it blocks, and what to use instead.
///
/// ```
/// use blockwatch_lint::Catalog;
/// let cat = Catalog::builtin();
/// let sleep = cat.entries().iter().find(|e| e.key() == "std::thread::sleep").unwrap();
/// assert_eq!(sleep.replacement, "tokio::time::sleep(..).await");
/// ```
#[derive(Debug, Clone)]
pub struct Entry {
    /// What to match.
    pub pattern: Pattern,
    /// The category (switchable as a whole).
    pub category: Category,
    /// Why the call blocks, one sentence.
    pub why: Cow<'static, str>,
    /// The async replacement, as code.
    pub replacement: Cow<'static, str>,
    /// The API returns `()` (`std::thread::sleep`): an unresolved call of its name whose
    /// value is kept (an argument, a `let`) is another API of the same name, imported out
    /// of the attribute's sight, such as the future-returning `tokio::time::sleep`.
    pub returns_unit: bool,
}

impl Entry {
    /// The identifying text of the entry: the path, the prefix (with its `::`), or
    /// the API a method shape stands for. It is what [`Finding::resolved`](crate::Finding) holds.
    pub fn key(&self) -> &str {
        match &self.pattern {
            Pattern::Path(p) | Pattern::Prefix(p) => p,
            Pattern::Method { api, .. } => api,
        }
    }
}

/// The set of entries in force: the built-in table, plus the user's, minus what is
/// disabled or exempt (see [`CatalogConfig::to_catalog`](crate::CatalogConfig::to_catalog)).
///
/// ```
/// let cat = blockwatch_lint::Catalog::builtin();
/// assert!(cat.entries().len() > 50);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
}

impl Catalog {
    /// Every built-in entry, including those of opt-in categories (see
    /// [`Catalog::builtin_entries`] for the static table itself).
    pub fn builtin() -> Catalog {
        Catalog {
            entries: builtin::BUILTIN.to_vec(),
        }
    }

    /// The built-in table, static: each entry's [`Entry::key`] (its path, prefix or the
    /// API a method shape stands for), category and replacement.
    ///
    /// ```
    /// let sleep = blockwatch_lint::Catalog::builtin_entries()
    ///     .iter()
    ///     .find(|e| e.key() == "std::thread::sleep")
    ///     .unwrap();
    /// assert_eq!(sleep.category, blockwatch_lint::Category::Sleep);
    /// assert!(sleep.returns_unit);
    /// ```
    pub fn builtin_entries() -> &'static [Entry] {
        builtin::BUILTIN
    }

    /// A catalog holding exactly `entries`.
    ///
    /// ```
    /// let cat = blockwatch_lint::Catalog::from_entries(Vec::new());
    /// assert!(cat.entries().is_empty());
    /// ```
    pub fn from_entries(entries: Vec<Entry>) -> Catalog {
        Catalog { entries }
    }

    /// The entries, in table order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The README table: one row per entry, `pattern | category | replacement`.
    ///
    /// ```
    /// let table = blockwatch_lint::Catalog::builtin().markdown_table();
    /// assert!(table.starts_with("| pattern | category | replacement |"));
    /// ```
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| pattern | category | replacement |\n|---|---|---|\n");
        for e in &self.entries {
            let replacement = if e.replacement.is_empty() {
                String::new()
            } else {
                format!("`{}`", e.replacement)
            };
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                e.pattern.to_string().replace('|', "\\|"),
                e.category,
                replacement.replace('|', "\\|")
            ));
        }
        out
    }
}
