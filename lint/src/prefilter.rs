//! A token-level look before the parse: whether an item can hold anything the engine
//! reports at all. Every finding starts at an identifier that names a blocking API: the
//! last segment of a catalog path or of an `extra` entry, the last segment of a catalog
//! prefix (`fs` of `std::fs::`), or a method of a method-shape entry. An item without one
//! of them has nothing to report, and a front end may skip the parse.
//!
//! A name counts unless it names a macro or the call it starts is awaited
//! (`sleep(d).await`). `write!` and `writeln!` count as the `write_fmt` call on their
//! first argument that the engine matches (`writeln!(io::stdout(), ..)`), but only where
//! a writer that blocks is named too (`stdout`, `File`, `TcpStream`, ..: the keys of the
//! `write_fmt` entries), as the engine can match no other receiver: `write!` into a
//! `String` is no reason to parse. The engine never
//! reports an awaited call (a path it cannot resolve, a method shape), and a blocking API
//! that resolves cannot be awaited in code that compiles.

use std::sync::OnceLock;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::catalog::{Catalog, Pattern};
use crate::Config;

mod closure;
mod interner;
mod method_seeds;
mod mod_skeleton;
mod quick;
mod text;

pub(crate) use closure::{files_to_parse, SkimmedFile};

/// The identifiers that can start a finding of the built-in catalog, sorted and
/// deduplicated, with the (first byte, length) pairs they have. A binary search over them
/// is a few `memcmp`s per identifier, which stays cheap in the unoptimized build cargo
/// makes of a proc macro (hashing does not); the pairs turn most identifiers away
/// before it.
struct BuiltinNames {
    names: Vec<String>,
    /// Per first byte, bit `min(len, 63)` set when a name of that length starts with it.
    shapes: [u64; 256],
}

impl BuiltinNames {
    fn contains(&self, name: &str) -> bool {
        let Some(&first) = name.as_bytes().first() else {
            return false;
        };
        self.shapes[usize::from(first)] & shape_bit(name) != 0
            && self
                .names
                .binary_search_by(|b| b.as_str().cmp(name))
                .is_ok()
    }
}

fn shape_bit(name: &str) -> u64 {
    1 << name.len().min(63)
}

fn builtin_names() -> &'static BuiltinNames {
    static NAMES: OnceLock<BuiltinNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = Catalog::builtin_entries()
            .iter()
            .filter_map(|e| match &e.pattern {
                Pattern::Path(p) => last_segment(p),
                Pattern::Prefix(p) => last_segment(p.trim_end_matches("::")),
                Pattern::Method { name, .. } => Some(name.to_string()),
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut shapes = [0u64; 256];
        for name in &names {
            if let Some(&first) = name.as_bytes().first() {
                shapes[usize::from(first)] |= shape_bit(name);
            }
        }
        BuiltinNames { names, shapes }
    })
}

fn last_segment(path: &str) -> Option<String> {
    let last = path.rsplit("::").next()?.trim();
    (!last.is_empty()).then(|| last.to_string())
}

/// Whether `tokens` hold an identifier that can start a finding under `config`, not
/// followed by an awaited call; `also` are more names that count (a front end's own, such
/// as the crate fns it knows to block). An iterative walk: no recursion, whatever the nesting.
///
/// ```
/// use blockwatch_lint::{may_report, Config};
/// let quiet: proc_macro2::TokenStream =
///     "async fn f() { tokio::time::sleep(d).await; g().await; }".parse().unwrap();
/// assert!(!may_report(&quiet, &Config::default(), &[]));
/// let slow: proc_macro2::TokenStream = "async fn f() { std::thread::sleep(d); }".parse().unwrap();
/// assert!(may_report(&slow, &Config::default(), &[]));
/// ```
pub fn may_report(tokens: &TokenStream, config: &Config, also: &[&str]) -> bool {
    let names = Names::new(config, also);
    let mut writes = WriteMacros::default();
    let mut pending = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let name = name.strip_prefix("r#").unwrap_or(&name);
                    let macro_name = is_macro_name(&trees, i);
                    writes.see(name, macro_name);
                    if names.count(name) && !awaited_call_at(&trees, i) && !macro_name {
                        return true;
                    }
                }
                TokenTree::Group(group) => pending.push(group.stream()),
                _ => {}
            }
        }
    }
    writes.may_report()
}

/// [`may_report`] on tokens printed as text (a `TokenStream`'s `to_string()`): the same
/// names, the same exceptions. A front end behind a proc-macro bridge gets the whole
/// item in one call this way, where a walk asks for each group's tokens one by one. Text
/// that does not lex counts as "may report".
///
/// ```
/// use blockwatch_lint::{may_report_text, Config};
/// let quiet = "async fn f () { tokio :: time :: sleep (d) . await ; }";
/// assert!(!may_report_text(quiet, &Config::default(), &[]));
/// assert!(may_report_text("async fn f () { std :: thread :: sleep (d) ; }", &Config::default(), &[]));
/// ```
pub fn may_report_text(text: &str, config: &Config, also: &[&str]) -> bool {
    let scan = scan_source(text, config, also);
    scan.may_report || scan.writes.may_report()
}

/// `write!`/`writeln!` and the names of the writers whose `write_fmt` blocks, as seen
/// in one stretch of text: the macros can start a finding only where both are present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WriteMacros {
    /// A `write!` or `writeln!` was seen.
    pub writes: bool,
    /// A name a blocking writer's type or constructor has (`stdout`, `File`, ..).
    pub names_writer: bool,
}

impl WriteMacros {
    fn see(&mut self, name: &str, macro_name: bool) {
        if macro_name {
            self.writes |= method_seeds::is_write_macro(name);
        } else if !self.names_writer {
            self.names_writer = method_seeds::names_blocking_writer(name);
        }
    }

    /// Both halves were seen (in one item, or across a crate's files).
    pub(crate) fn may_report(self) -> bool {
        self.writes && self.names_writer
    }

    /// What two stretches of text hold together.
    pub(crate) fn merge(&mut self, other: WriteMacros) {
        self.writes |= other.writes;
        self.names_writer |= other.names_writer;
    }
}

/// What the text of one source file can hold, read without a parse ([`scan_source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourceScan {
    /// An identifier that can start a finding, as [`may_report`] counts them; also set
    /// when the text does not lex.
    pub may_report: bool,
    /// A `path = ..` in an attribute (`#[path]`, or inside `cfg_attr`): the module tree
    /// may reach files outside the directory the front end looked in.
    pub names_a_path: bool,
    /// The write macros and blocking writers the file names: with a receiver typed in
    /// another file, the two halves may be in different files of a crate.
    pub writes: WriteMacros,
}

/// [`may_report`] on a source file's text: the same names, the same exceptions (macro
/// names, awaited calls), comments and literals skipped.
pub(crate) fn scan_source(source: &str, config: &Config, also: &[&str]) -> SourceScan {
    let names = Names::new(config, also);
    // Most text has nothing the rule counts: one pass proves it without a token list.
    if let Some(writes) = quick::quiet_writes(source, &names, &quick::Shapes::new(&names)) {
        return SourceScan {
            may_report: false,
            names_a_path: false,
            writes,
        };
    }
    scan_tokens(source, &names)
}

/// [`scan_source`] by the flat lexer: exact, for text the quick pass does not settle.
fn scan_tokens(source: &str, names: &Names<'_>) -> SourceScan {
    let Some(toks) = text::lex(source) else {
        return SourceScan {
            may_report: true,
            names_a_path: false,
            writes: WriteMacros::default(),
        };
    };
    let mut scan = SourceScan {
        may_report: false,
        names_a_path: false,
        writes: WriteMacros::default(),
    };
    for (i, tok) in toks.iter().enumerate() {
        let text::Tok::Ident(name) = *tok else {
            continue;
        };
        if name == "path"
            && toks.get(i + 1) == Some(&text::Tok::Punct(b'='))
            && i > 0
            && matches!(
                toks[i - 1],
                text::Tok::Open(b'[', _) | text::Tok::Punct(b',')
            )
        {
            scan.names_a_path = true;
        }
        let macro_name = macro_flat(&toks, i);
        scan.writes.see(name, macro_name);
        if names.count(name) && !awaited_flat(&toks, i) && !macro_name {
            scan.may_report = true;
        }
    }
    scan
}

/// The identifiers that count under one configuration.
struct Names<'a> {
    builtin: &'static BuiltinNames,
    extra: Vec<String>,
    also: &'a [&'a str],
}

impl<'a> Names<'a> {
    fn new(config: &Config, also: &'a [&'a str]) -> Names<'a> {
        Names {
            builtin: builtin_names(),
            extra: config
                .catalog
                .extra
                .iter()
                .filter_map(|e| last_segment(e.path.trim_end_matches("::")))
                .collect(),
            also,
        }
    }

    fn count(&self, name: &str) -> bool {
        self.builtin.contains(name) || self.counts_as_given(name)
    }

    /// Whether `name` counts as the configuration or the front end gave it (an `extra`
    /// entry, an `also` name), whatever the call's shape.
    fn counts_as_given(&self, name: &str) -> bool {
        self.extra.iter().any(|e| e == name) || self.also.contains(&name)
    }
}

/// [`awaited_call_at`] on flat tokens.
fn awaited_flat(toks: &[text::Tok<'_>], i: usize) -> bool {
    use text::Tok;
    let mut j = i + 1;
    let punct = |k: usize, c: u8| toks.get(k) == Some(&Tok::Punct(c));
    if punct(j, b':') && punct(j + 1, b':') && punct(j + 2, b'<') {
        let mut depth = 0usize;
        j += 2;
        while let Some(tok) = toks.get(j) {
            match tok {
                Tok::Punct(b'<') => depth += 1,
                Tok::Punct(b'>') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                // A bracket inside the generic arguments: jump over it.
                Tok::Open(_, close) => j = *close,
                _ => {}
            }
            j += 1;
        }
        j += 1;
    }
    let Some(Tok::Open(b'(', close)) = toks.get(j) else {
        return false;
    };
    punct(close + 1, b'.') && toks.get(close + 2) == Some(&Tok::Ident("await"))
}

/// [`is_macro_name`] on flat tokens.
fn macro_flat(toks: &[text::Tok<'_>], i: usize) -> bool {
    toks.get(i + 1) == Some(&text::Tok::Punct(b'!'))
        && matches!(toks.get(i + 2), Some(text::Tok::Open(..)))
}

/// Whether `trees[i]` (a name) starts `name(..).await` or `name::<..>(..).await`.
fn awaited_call_at(trees: &[TokenTree], i: usize) -> bool {
    let mut j = i + 1;
    // A turbofish: `::<..>`, up to the matching `>`.
    if is_punct(trees.get(j), ':')
        && is_punct(trees.get(j + 1), ':')
        && is_punct(trees.get(j + 2), '<')
    {
        let mut depth = 0usize;
        j += 2;
        while let Some(tree) = trees.get(j) {
            if is_punct(Some(tree), '<') {
                depth += 1;
            } else if is_punct(Some(tree), '>') {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            j += 1;
        }
        j += 1;
    }
    let is_args = matches!(trees.get(j), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
    is_args
        && is_punct(trees.get(j + 1), '.')
        && matches!(trees.get(j + 2), Some(TokenTree::Ident(a)) if a == "await")
}

/// Whether `trees[i]` names a macro (`write!(..)`): catalog entries are fns and methods,
/// and a macro's body is walked as tokens like any other group.
fn is_macro_name(trees: &[TokenTree], i: usize) -> bool {
    is_punct(trees.get(i + 1), '!') && matches!(trees.get(i + 2), Some(TokenTree::Group(_)))
}

fn is_punct(tree: Option<&TokenTree>, ch: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_scan_agrees_with_the_token_walk() {
        let config = Config::default();
        for source in [
            "async fn f() { tokio::time::sleep(d).await; g::<u8>(1).await; }",
            "async fn f() { sleep::<Vec<u8>>(d).await; }",
            "async fn f() { sleep::<[u8; 2]>(d).await; }",
            "async fn f() { write!(out, \"{}\", 1)?; }",
            "async fn f() { thread::sleep(d); }",
            "async fn f() { use std::fs::*; read_dir(p); }",
            "async fn f(c: C) { c.output(); }",
            "async fn f() { println!(\"{}\", std::fs::read_to_string(p)?); }",
            "async fn f() { let x = sleep(d); x.await; }",
            "fn f() { g(|| { sleep(d) }).await }",
        ] {
            let tokens: TokenStream = source.parse().unwrap();
            let scan = scan_source(source, &config, &[]);
            assert_eq!(
                scan.may_report,
                may_report(&tokens, &config, &[]),
                "{source}"
            );
            assert!(!scan.names_a_path, "{source}");
        }
    }

    #[test]
    fn a_write_macro_may_report_as_the_write_fmt_call_it_makes() {
        let config = Config::default();
        let source = "async fn f() { writeln!(std::io::stdout(), \"x\").unwrap(); }";
        let tokens: TokenStream = source.parse().unwrap();
        assert!(may_report(&tokens, &config, &[]));
        assert!(scan_source(source, &config, &[]).writes.may_report());
        let quiet: TokenStream = "async fn f() { println!(\"x\"); }".parse().unwrap();
        assert!(!may_report(&quiet, &config, &[]));
        // Into a `String`, no writer that blocks is named: nothing to parse for.
        let into_string = "async fn f(mut s: String) { write!(s, \"x\").unwrap(); }";
        assert!(!may_report(&into_string.parse().unwrap(), &config, &[]));
        assert!(!scan_source(into_string, &config, &[]).writes.may_report());
        let into_file = "async fn f(out: &mut std::fs::File) { write!(out, \"x\").unwrap(); }";
        assert!(may_report(&into_file.parse().unwrap(), &config, &[]));
        assert!(scan_source(into_file, &config, &[]).writes.may_report());
    }

    #[test]
    fn the_text_scan_skips_comments_and_literals_and_sees_path_attributes() {
        let config = Config::default();
        let quiet = "// std::thread::sleep(d)\nfn f() { let s = \"sleep(\"; /* read( */ }";
        assert!(!scan_source(quiet, &config, &[]).may_report);
        assert!(scan_source("fn f( {", &config, &[]).may_report);
        for source in [
            "#[path = \"x.rs\"] mod x;",
            "#[cfg_attr(unix, path = \"u.rs\")] mod x;",
        ] {
            assert!(scan_source(source, &config, &[]).names_a_path, "{source}");
        }
        assert!(!scan_source("fn f() { let path = 1; }", &config, &[]).names_a_path);
    }

    #[test]
    fn the_quick_pass_settles_only_what_the_lexer_would() {
        let config = Config::default();
        let names = Names::new(&config, &["allow_blocking"]);
        let shapes = quick::Shapes::new(&names);
        // (text, whether the quick pass must settle it).
        for (source, settles) in [
            (
                "async fn f() { tokio::time::sleep(d).await; g(1).await; }",
                true,
            ),
            (
                "async fn f() { sleep ( x ( [1] , \"s)\" ) ) . await ; }",
                true,
            ),
            ("async fn f(mut s: String) { write!(s, \"{}\", 1)?; }", true),
            (
                "fn f<'a>(x: &'a str) -> char { let c = 'x'; let e = '\\n'; c }",
                true,
            ),
            (
                "// std::thread::sleep(d)\nfn f() { /* read( */ let s = \"sleep(\"; }",
                true,
            ),
            ("#[doc = \" read_to_string \"] fn f() {}", true),
            ("async fn f() { std::thread::sleep(d); }", false),
            ("async fn f() { sleep::<u8>(d).await; }", false),
            ("async fn f() { sleep(d) /* c */ .await; }", false),
            (
                "async fn f() { writeln!(std::io::stdout(), \"x\").unwrap(); }",
                false,
            ),
            ("#[allow_blocking] fn f() {}", false),
            ("#[path = \"x.rs\"] mod x;", false),
            ("#[cfg_attr(unix, path = \"u.rs\")] mod x;", false),
            ("fn f() { let s = r\"sleep(\"; }", false),
            ("fn f() { naïve(); }", false),
            ("fn f( {", false),
            ("fn f() { g(]; }", false),
            ("fn f() { let s = \"open; }", false),
        ] {
            let quick = quick::quiet_writes(source, &names, &shapes);
            assert_eq!(quick.is_some(), settles, "{source}");
            let exact = scan_tokens(source, &names);
            if let Some(writes) = quick {
                assert!(!exact.may_report && !exact.names_a_path, "{source}");
                assert_eq!(writes, exact.writes, "{source}");
            }
        }
        // What the lexer then says of the unsettled ones is the scan's answer.
        let slow = "async fn f() { std::thread::sleep(d); }";
        assert!(scan_source(slow, &config, &[]).may_report);
        let awaited = "async fn f() { sleep(d) /* c */ .await; }";
        assert!(!scan_source(awaited, &config, &[]).may_report);
        let raw = "fn f() { let s = r\"sleep(\"; }";
        assert!(!scan_source(raw, &config, &[]).may_report);
    }

    #[test]
    fn the_quick_pass_agrees_with_the_lexer_on_this_repository() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name();
                if path.is_dir() && name != "target" && name != ".git" {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        rust_files(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap(),
            &mut files,
        );
        let config = Config::default();
        let names = Names::new(&config, &[]);
        let shapes = quick::Shapes::new(&names);
        let mut settled = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            if let Some(writes) = quick::quiet_writes(&text, &names, &shapes) {
                settled += 1;
                let exact = scan_tokens(&text, &names);
                assert!(
                    !exact.may_report && !exact.names_a_path,
                    "{}",
                    path.display()
                );
                assert_eq!(writes, exact.writes, "{}", path.display());
            }
        }
        eprintln!("quick pass settled {settled} of {} files", files.len());
        assert!(
            files.len() > 100 && settled > 0,
            "{settled} of {}",
            files.len()
        );
    }
}
