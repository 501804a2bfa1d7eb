//! What a name in the text needs to start a finding: nothing more (a fn path's last
//! segment, a method any receiver matches), a receiver of a named type (a method-shape
//! entry with [`Receiver::ChainCalls`]), or a `use` of a crate
//! ([`Receiver::ImportedCrate`]).
//!
//! The engine matches a method call (`x.get()`) only against method-shape entries, and a
//! path call (`get(x)`, `Pool::get(x)`) only against path entries, so a name right after
//! a `.` needs what one of its method entries of that arity needs, and any other
//! occurrence needs what a path entry needs. A listed receiver path matches an origin
//! whose written path holds the listed path's last segment (`Pool::new` for
//! `r2d2::Pool`), or one resolved through `use` items and aliases whose text holds it:
//! that segment is the key the closure looks for (see the closure's module docs).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::{Catalog, Pattern, Receiver};

use super::text::Tok;
use super::{last_segment, Names};

/// What one identifier of the text needs to start a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Need {
    /// It cannot start one.
    Nothing,
    /// It starts one as it is.
    Always,
    /// A method call that matches only when its receiver came from a type or call whose
    /// name is one of `keys`, or when one of `crates` is imported in the file.
    Receiver {
        keys: Vec<&'static str>,
        crates: Vec<&'static str>,
    },
}

/// One method-shape entry as the text can check it.
struct MethodShape {
    arity: Option<usize>,
    receiver: Receiver,
}

/// The built-in method-shape entries by method name, and the last segments of the path
/// entries (which match whatever the receiver).
struct Shapes {
    methods: HashMap<String, Vec<MethodShape>>,
    path_names: Vec<String>,
}

fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let mut methods: HashMap<String, Vec<MethodShape>> = HashMap::new();
        let mut path_names = Vec::new();
        for entry in Catalog::builtin_entries() {
            match &entry.pattern {
                Pattern::Path(p) => path_names.extend(last_segment(p)),
                Pattern::Prefix(p) => path_names.extend(last_segment(p.trim_end_matches("::"))),
                Pattern::Method {
                    name,
                    arity,
                    receiver,
                    ..
                } => methods
                    .entry(name.to_string())
                    .or_default()
                    .push(MethodShape {
                        arity: *arity,
                        receiver: *receiver,
                    }),
            }
        }
        path_names.sort_unstable();
        path_names.dedup();
        Shapes {
            methods,
            path_names,
        }
    })
}

/// The key of a listed receiver path: its last segment (`Pool` of `r2d2::Pool`,
/// `blocking` of the prefix `reqwest::blocking::`).
fn receiver_key(listed: &'static str) -> Option<&'static str> {
    listed
        .trim_end_matches("::")
        .rsplit("::")
        .next()
        .filter(|s| !s.is_empty())
}

/// What the identifier `name` at `toks[i]` needs; `names` are the names that count at
/// all (so [`Need::Nothing`] whenever `names.count(name)` is false).
pub(super) fn need(toks: &[Tok<'_>], i: usize, name: &str, names: &Names<'_>) -> Need {
    if !names.count(name) {
        return Need::Nothing;
    }
    if names.counts_as_given(name) {
        return Need::Always;
    }
    let shapes = shapes();
    let method_call = i > 0 && toks[i - 1] == Tok::Punct(b'.');
    if !method_call {
        return if shapes
            .path_names
            .binary_search_by(|p| p.as_str().cmp(name))
            .is_ok()
        {
            Need::Always
        } else {
            Need::Nothing
        };
    }
    method_need(name, call_arity(toks, i + 1))
}

/// What the macro `name!(..)` needs: `write!` and `writeln!` call `write_fmt` on their
/// first argument, which the engine matches as that method call; other macros start
/// nothing by their name.
pub(super) fn macro_need(name: &str) -> Need {
    if is_write_macro(name) {
        // Asked at every `write!` of a file; the answer depends on the catalog alone.
        static WRITE_FMT: OnceLock<Need> = OnceLock::new();
        WRITE_FMT
            .get_or_init(|| method_need("write_fmt", Some(1)))
            .clone()
    } else {
        Need::Nothing
    }
}

/// Whether `name!` writes into its first argument with `write_fmt`.
pub(super) fn is_write_macro(name: &str) -> bool {
    matches!(name, "write" | "writeln")
}

/// The keys of the receivers whose `write_fmt` blocks, and which bytes start one: asked
/// of every identifier of a file, most of which the first byte rules out.
pub(super) struct WriterKeys {
    pub keys: Vec<&'static str>,
    first_bytes: [bool; 256],
}

/// The [`WriterKeys`], or `None` when some `write_fmt` entry matches any receiver, so
/// every name will do.
pub(super) fn writer_keys() -> Option<&'static WriterKeys> {
    static KEYS: OnceLock<Option<WriterKeys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let keys = match macro_need("write") {
            Need::Receiver { keys, .. } => keys,
            Need::Nothing => Vec::new(),
            Need::Always => return None,
        };
        let mut first_bytes = [false; 256];
        for key in &keys {
            if let Some(&b) = key.as_bytes().first() {
                first_bytes[usize::from(b)] = true;
            }
        }
        Some(WriterKeys { keys, first_bytes })
    })
    .as_ref()
}

/// Whether `name` is the key of a receiver whose `write_fmt` blocks (`stdout`, `Stdout`,
/// `File`, `TcpStream`, ..): what a `write!` needs in sight to start a finding.
pub(super) fn names_blocking_writer(name: &str) -> bool {
    match writer_keys() {
        Some(keys) => {
            name.as_bytes()
                .first()
                .is_some_and(|&b| keys.first_bytes[usize::from(b)])
                && keys.keys.contains(&name)
        }
        None => true,
    }
}

/// What a call of the method `name` with `arity` arguments (`None`: not known) needs.
fn method_need(name: &str, arity: Option<usize>) -> Need {
    let shapes = shapes();
    let mut keys = Vec::new();
    let mut crates = Vec::new();
    let fitting = shapes.methods.get(name).into_iter().flatten().filter(|s| {
        matches!((s.arity, arity), (Some(want), Some(have)) if want == have)
            || s.arity.is_none()
            || arity.is_none()
    });
    for shape in fitting {
        match shape.receiver {
            Receiver::ChainCalls(listed) => {
                keys.extend(listed.iter().filter_map(|l| receiver_key(l)))
            }
            Receiver::ImportedCrate(krate) => crates.push(krate),
            // `Any`, and whatever receiver kind the catalog adds later.
            _ => return Need::Always,
        }
    }
    if keys.is_empty() && crates.is_empty() {
        return Need::Nothing;
    }
    keys.sort_unstable();
    keys.dedup();
    crates.sort_unstable();
    crates.dedup();
    Need::Receiver { keys, crates }
}

/// The number of arguments of the call whose `(` is at `toks[open]`, when the text says
/// it for certain: not after a turbofish, and no top-level `|` (closure parameters) or
/// `<` (generic arguments) whose commas would be miscounted.
fn call_arity(toks: &[Tok<'_>], open: usize) -> Option<usize> {
    let Some(&Tok::Open(b'(', close)) = toks.get(open) else {
        return None;
    };
    if close == open + 1 {
        return Some(0);
    }
    let mut commas = 0;
    let mut last_was_comma = false;
    let mut k = open + 1;
    while k < close {
        last_was_comma = false;
        match toks[k] {
            Tok::Open(_, inner) => k = inner,
            Tok::Punct(b',') => {
                commas += 1;
                last_was_comma = true;
            }
            Tok::Punct(b'|' | b'<') => return None,
            _ => {}
        }
        k += 1;
    }
    Some(commas + 1 - usize::from(last_was_comma))
}

#[cfg(test)]
mod tests {
    use super::super::text::lex;
    use super::*;
    use crate::Config;

    fn need_of(source: &str, name: &str) -> Need {
        let toks = lex(source).unwrap();
        let i = toks.iter().position(|t| *t == Tok::Ident(name)).unwrap();
        need(&toks, i, name, &Names::new(&Config::default(), &[]))
    }

    #[test]
    fn a_method_needs_what_its_entries_of_that_arity_need() {
        // `Vec::get` takes an index: no entry of arity 1 is named `get`.
        assert_eq!(need_of("v.get(0)", "get"), Need::Nothing);
        assert_eq!(
            need_of("pool.get()", "get"),
            Need::Receiver {
                keys: vec!["Pool"],
                crates: vec![]
            }
        );
        assert_eq!(need_of("h.join()", "join"), Need::Always);
        assert_eq!(need_of("parts.join(\",\")", "join"), Need::Nothing);
        let Need::Receiver { crates, .. } = need_of("q.first(conn)", "first") else {
            panic!("`first` of arity 1 is diesel's");
        };
        assert_eq!(crates, ["diesel"]);
    }

    #[test]
    fn an_uncertain_arity_keeps_every_entry_of_the_name() {
        assert_ne!(need_of("v.get::<u8>(0)", "get"), Need::Nothing);
        assert_ne!(need_of("v.get(|a, b| a)", "get"), Need::Nothing);
        assert_eq!(call_arity(&lex("(a, (b, c),)").unwrap(), 0), Some(2));
    }

    #[test]
    fn a_path_name_needs_nothing_more_and_a_method_name_as_a_path_cannot_start_one() {
        assert_eq!(need_of("read(p)", "read"), Need::Always);
        assert_eq!(need_of("std::fs::read(p)", "read"), Need::Always);
        assert_eq!(need_of("Pool::get(p)", "get"), Need::Nothing);
        assert_eq!(need_of("x.len()", "len"), Need::Nothing);
    }

    #[test]
    fn a_write_macro_needs_a_blocking_writer() {
        let Need::Receiver { keys, .. } = macro_need("writeln") else {
            panic!("`writeln!` calls `write_fmt`");
        };
        assert!(
            keys.contains(&"stdout") && keys.contains(&"File"),
            "{keys:?}"
        );
        assert_eq!(macro_need("println"), Need::Nothing);
    }

    #[test]
    fn the_blocking_writers_are_the_write_macro_s_keys_and_nothing_else() {
        let Need::Receiver { keys, .. } = macro_need("write") else {
            panic!("`write!` calls `write_fmt`");
        };
        for key in &keys {
            assert!(names_blocking_writer(key), "{key}");
        }
        for name in [
            "", "String", "Fil", "Files", "file", "out", "stdoutx", "Sender",
        ] {
            assert!(!names_blocking_writer(name), "{name}");
        }
    }
}
