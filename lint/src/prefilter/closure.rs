//! Which files of a crate the crate view must parse: the text-level name closure of the
//! blocking names.
//!
//! A transitive finding is a chain of calls from a fn to a blocking API, each link
//! resolved by name. The text of each file is cut into items (a fn from `fn` to the end
//! of its body, a struct, an impl block, a `use` item, ...; nested ones, such as the
//! methods of an impl, are items too). The closure starts at the items whose text holds a
//! name that can start a finding (as [`scan_source`](super::scan_source) counts them) or
//! that can offload (a wrapper of `spawn_blocking` changes its callers' findings). Every
//! name such an item *introduces* becomes relevant; an item whose text mentions a relevant
//! name (as an identifier: comments and literals skipped) joins, to a fixed point. A file
//! is parsed when it mentions a relevant name or holds a starting name anywhere; any other
//! file mentions nothing that can reach a blocking API, so none of its fns can, and
//! nothing it declares can be what a parsed file resolves a call to: it is neither parsed
//! nor summarized.
//!
//! What an item introduces is over-approximated, because a call can reach a fn without
//! naming it:
//! - its name, for `fn`, `struct`, `enum`, `union`, `trait`, `type`, `const`, `static`,
//!   an inline `mod`, `macro_rules!`; the names after `as` in a `use` item (a rename, a
//!   re-export under another name);
//! - for an `impl` block, its self type (`Guard` of `impl Drop for Guard`): drop glue and
//!   `for` loops call methods nobody names, but whoever builds the value names its type,
//!   or a fn whose signature names it; a method matched through a receiver's type (`Db`
//!   of a field `db: Db`, of a fn returning `Db`) is found the same way;
//! - the module path of its file (`helpers` of `pub use crate::inner::helpers;`).
//!
//! Method calls (`x.load()`), trait methods (the trait's declaration and every impl
//! mention the method's name), fn paths passed as values (`run(load)`) and `use` items
//! all name what they reach, so the identifier match covers them. A fn value stored in a
//! field and called through it (`(self.f)()`) names no fn: the engine cannot resolve it
//! either, so skipping changes nothing. A glob import (`use a::*`) can carry a name into
//! a module without mentioning it: files with one are parsed whenever anything is (they
//! introduce nothing for it). A file that names a `#[path]`, invokes `include!`, or does
//! not lex sends the crate to the full read ([`SkimmedFile::read`] returns `None`).
//!
//! Two limits, decided so: a crate with cached summaries of its dependencies takes the
//! full read (their blocking fns are reached by names the crate's text alone cannot
//! tell), and a skipped file that lexes but does not parse no longer fails the view: the
//! compiler reports that file, and no finding can come from it.

use std::collections::{HashMap, HashSet};

use crate::catalog::{is_offloader_name, CRATE_OFFLOADERS};
use crate::workspace::ModDecl;
use crate::Config;

use super::mod_skeleton::mod_skeleton;
use super::text::{lex_with_offsets, Tok};
use super::{awaited_flat, macro_flat, Names};

/// What the closure needs of one file, read from its text without a parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkimmedFile {
    /// Its `mod` declarations (the [module skeleton](super::mod_skeleton)).
    pub decls: Vec<ModDecl>,
    /// It holds a name that can start a finding, or the name of an offloader.
    seed: bool,
    /// It imports with a glob.
    glob_import: bool,
    /// Every identifier in it, sorted, without duplicates.
    mentions: Vec<String>,
    /// Its items, nested ones included.
    items: Vec<SkimmedItem>,
}

/// One item of a file's text (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SkimmedItem {
    /// Its text holds a name that can start a finding, or the name of an offloader.
    seed: bool,
    /// The names it introduces.
    introduces: Vec<String>,
    /// Every identifier in its text, sorted, without duplicates.
    mentions: Vec<String>,
}

impl SkimmedFile {
    /// Reads `source` under `config`; `None` when the crate view must read the crate in
    /// full: the text does not lex, names a `#[path]`, invokes `include!`, or its
    /// module skeleton does not parse.
    pub(crate) fn read(source: &str, config: &Config) -> Option<SkimmedFile> {
        let lexed = lex_with_offsets(source)?;
        let toks = &lexed.toks;
        let names = Names::new(config, &[]);
        let offloaders: Vec<String> = config
            .catalog
            .offload
            .iter()
            .filter_map(|p| super::last_segment(p.trim_end_matches("::")))
            .collect();
        let ident = |k: usize| match toks.get(k) {
            Some(Tok::Ident(name)) => Some(*name),
            _ => None,
        };
        let punct = |k: usize, c: u8| toks.get(k) == Some(&Tok::Punct(c));
        let mut seeds: Vec<usize> = Vec::new();
        let mut glob_import = false;
        let mut mentions: Vec<String> = Vec::new();
        // (first token, last token, what it introduces)
        let mut spans: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for (i, tok) in toks.iter().enumerate() {
            let Tok::Ident(name) = *tok else {
                continue;
            };
            // `'static` and other lifetimes and labels name nothing.
            if i > 0 && toks[i - 1] == Tok::Punct(b'\'') {
                continue;
            }
            mentions.push(name.to_string());
            let starts_finding =
                names.count(name) && !awaited_flat(toks, i) && !macro_flat(toks, i);
            let offloads = is_offloader_name(name)
                || offloaders.iter().any(|o| o == name)
                || CRATE_OFFLOADERS.iter().any(|(_, f)| *f == name);
            if starts_finding || offloads {
                seeds.push(i);
            }
            let named = |k: usize| ident(k).filter(|n| !is_keyword(n)).map(str::to_string);
            match name {
                "path" if punct(i + 1, b'=') && i > 0 => {
                    if matches!(toks[i - 1], Tok::Open(b'[', _) | Tok::Punct(b',')) {
                        return None;
                    }
                }
                "include" if punct(i + 1, b'!') => return None,
                "fn" | "struct" | "enum" | "union" | "trait" => {
                    if let Some(declared) = named(i + 1) {
                        spans.push((i, item_end(toks, i + 1), vec![declared]));
                    }
                }
                "type" | "const" | "static" => {
                    let at = if ident(i + 1) == Some("mut") {
                        i + 2
                    } else {
                        i + 1
                    };
                    if let Some(declared) = named(at) {
                        spans.push((i, statement_end(toks, at), vec![declared]));
                    }
                }
                // An inline module's name: a `pub use` of it re-exports what it holds. (An
                // out-of-line one is the module path of its own file.)
                "mod" => {
                    if let (Some(declared), Some(Tok::Open(b'{', close))) =
                        (named(i + 1), toks.get(i + 2))
                    {
                        spans.push((i, *close, vec![declared]));
                    }
                }
                "macro_rules" if punct(i + 1, b'!') => {
                    if let (Some(declared), Some(Tok::Open(_, close))) =
                        (named(i + 2), toks.get(i + 3))
                    {
                        spans.push((i, *close, vec![declared]));
                    }
                }
                "impl" if starts_item(toks, i) => {
                    spans.push((i, item_end(toks, i + 1), self_type_names(toks, i + 1)));
                }
                "use" => {
                    let end = statement_end(toks, i + 1);
                    glob_import |= toks
                        .get(i + 1..=end)
                        .is_some_and(|t| t.contains(&Tok::Punct(b'*')));
                    let renamed = (i + 1..end.min(toks.len()))
                        .filter(|&k| toks[k] == Tok::Ident("as"))
                        .filter_map(|k| named(k + 1))
                        .collect();
                    spans.push((i, end, renamed));
                }
                _ => {}
            }
        }
        let decls = mod_skeleton(source, &lexed)?;
        let items = spans
            .into_iter()
            .map(|(first, last, introduces)| {
                let last = last.min(toks.len().saturating_sub(1));
                let mut mentions: Vec<String> = toks[first..=last]
                    .iter()
                    .enumerate()
                    .filter_map(|(k, t)| match t {
                        Tok::Ident(n)
                            if first + k == 0 || toks[first + k - 1] != Tok::Punct(b'\'') =>
                        {
                            Some(n.to_string())
                        }
                        _ => None,
                    })
                    .filter(|n| !is_path_keyword(n))
                    .collect();
                mentions.sort_unstable();
                mentions.dedup();
                SkimmedItem {
                    seed: seeds.iter().any(|&s| (first..=last).contains(&s)),
                    introduces: introduces
                        .into_iter()
                        .filter(|n| !is_path_keyword(n))
                        .collect(),
                    mentions,
                }
            })
            .collect();
        mentions.retain(|n| !is_path_keyword(n));
        mentions.sort_unstable();
        mentions.dedup();
        Some(SkimmedFile {
            decls,
            seed: !seeds.is_empty(),
            glob_import,
            mentions,
            items,
        })
    }
}

/// An item or a whole file, as the closure's index points at them.
#[derive(Clone, Copy)]
enum Mentioner {
    File(usize),
    Item(usize, usize),
}

/// Which of `files` the crate view must parse (see the module docs); `module_paths[i]`
/// is the module path of `files[i]`.
pub(crate) fn files_to_parse(files: &[&SkimmedFile], module_paths: &[&[String]]) -> Vec<bool> {
    let mut mentioned_by: HashMap<&str, Vec<Mentioner>> = HashMap::new();
    for (f, file) in files.iter().enumerate() {
        for name in &file.mentions {
            mentioned_by
                .entry(name)
                .or_default()
                .push(Mentioner::File(f));
        }
        for (k, item) in file.items.iter().enumerate() {
            for name in &item.mentions {
                mentioned_by
                    .entry(name)
                    .or_default()
                    .push(Mentioner::Item(f, k));
            }
        }
    }
    let mut closure = Closure {
        files,
        module_paths,
        parse: vec![false; files.len()],
        file_joined: vec![false; files.len()],
        item_joined: files.iter().map(|f| vec![false; f.items.len()]).collect(),
        relevant: HashSet::new(),
        fresh: Vec::new(),
    };
    for (f, file) in files.iter().enumerate() {
        closure.parse[f] |= file.seed;
        for (k, item) in file.items.iter().enumerate() {
            if item.seed {
                closure.join(f, k);
            }
        }
    }
    while let Some(name) = closure.fresh.pop() {
        for mentioner in mentioned_by.get(name).into_iter().flatten() {
            match *mentioner {
                Mentioner::File(f) => closure.parse[f] = true,
                Mentioner::Item(f, k) => closure.join(f, k),
            }
        }
    }
    let mut parse = closure.parse;
    if parse.contains(&true) {
        for (i, file) in files.iter().enumerate() {
            parse[i] |= file.glob_import;
        }
    }
    parse
}

/// The state of the fixed point of [`files_to_parse`].
struct Closure<'a> {
    files: &'a [&'a SkimmedFile],
    module_paths: &'a [&'a [String]],
    parse: Vec<bool>,
    /// Whether an item of the file joined (its module path is relevant).
    file_joined: Vec<bool>,
    item_joined: Vec<Vec<bool>>,
    relevant: HashSet<&'a str>,
    /// Relevant names whose mentioners are still to join.
    fresh: Vec<&'a str>,
}

impl<'a> Closure<'a> {
    /// Item `k` of file `f` joins: what it introduces is relevant, and so is its file's
    /// module path.
    fn join(&mut self, f: usize, k: usize) {
        if std::mem::replace(&mut self.item_joined[f][k], true) {
            return;
        }
        self.parse[f] = true;
        let files = self.files;
        let module_paths = self.module_paths;
        for name in &files[f].items[k].introduces {
            self.relevant_name(name);
        }
        if !std::mem::replace(&mut self.file_joined[f], true) {
            for name in module_paths[f].iter() {
                if !is_path_keyword(name) {
                    self.relevant_name(name);
                }
            }
        }
    }

    fn relevant_name(&mut self, name: &'a str) {
        if self.relevant.insert(name) {
            self.fresh.push(name);
        }
    }
}

/// The index of the last token of the item whose header starts at `from`: the end of
/// its first `{ .. }` group, or its `;` (other groups on the way are jumped over).
fn item_end(toks: &[Tok<'_>], mut from: usize) -> usize {
    while let Some(tok) = toks.get(from) {
        match tok {
            Tok::Open(b'{', close) => return *close,
            Tok::Punct(b';') => return from,
            Tok::Open(_, close) => from = *close + 1,
            _ => from += 1,
        }
    }
    toks.len().saturating_sub(1)
}

/// The index of the `;` that ends the statement starting at `from` (groups on the way
/// jumped over), or the last token.
fn statement_end(toks: &[Tok<'_>], mut from: usize) -> usize {
    while let Some(tok) = toks.get(from) {
        match tok {
            Tok::Punct(b';') => return from,
            Tok::Open(_, close) => from = *close + 1,
            _ => from += 1,
        }
    }
    toks.len().saturating_sub(1)
}

/// Path keywords: every file mentions them, and no item is named by them.
fn is_path_keyword(name: &str) -> bool {
    matches!(name, "crate" | "self" | "super" | "Self")
}

/// The identifiers of an `impl` block's self type, for the header that starts at `from`
/// (after `impl`): the path after a `for` at the top level (not `for<'a>`), else after
/// the impl's generic parameters; up to `where`, `{` or `;`. Identifiers inside the self
/// type's own generic arguments count too, except the impl's type parameters and
/// lifetimes.
fn self_type_names(toks: &[Tok<'_>], from: usize) -> Vec<String> {
    let mut i = from;
    let mut params: Vec<&str> = Vec::new();
    if toks.get(i) == Some(&Tok::Punct(b'<')) {
        let close = after_angles(toks, i);
        for k in i + 1..close.min(toks.len()) {
            let after_separator = matches!(toks[k - 1], Tok::Punct(b'<' | b','))
                || toks[k - 1] == Tok::Ident("const");
            if let (true, Tok::Ident(name)) = (after_separator, toks[k]) {
                params.push(name);
            }
        }
        i = close;
    }
    let mut start = i;
    let mut depth = 0usize;
    let mut j = i;
    let mut end = toks.len();
    while let Some(tok) = toks.get(j) {
        match tok {
            Tok::Punct(b'<') => depth += 1,
            Tok::Punct(b'>') if j > 0 && toks[j - 1] != Tok::Punct(b'-') => {
                depth = depth.saturating_sub(1);
            }
            Tok::Ident("for") if depth == 0 && toks.get(j + 1) != Some(&Tok::Punct(b'<')) => {
                start = j + 1;
            }
            Tok::Ident("where") if depth == 0 => {
                end = j;
                break;
            }
            Tok::Open(b'{', _) | Tok::Punct(b';') => {
                end = j;
                break;
            }
            Tok::Open(_, close) => j = *close,
            _ => {}
        }
        j += 1;
    }
    let start = start.min(end);
    (start..end)
        .filter_map(|k| match toks[k] {
            Tok::Ident(name) if k == 0 || toks[k - 1] != Tok::Punct(b'\'') => Some(name),
            _ => None,
        })
        .filter(|n| !params.contains(n) && !matches!(*n, "dyn" | "mut" | "for" | "impl"))
        .map(str::to_string)
        .collect()
}

/// The index after the `>` that closes the `<` at `i` (`->` inside does not close).
fn after_angles(toks: &[Tok<'_>], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(tok) = toks.get(i) {
        match tok {
            Tok::Punct(b'<') => depth += 1,
            Tok::Punct(b'>') if toks[i - 1] != Tok::Punct(b'-') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            Tok::Open(_, close) => i = *close,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Whether the keyword at `i` starts an item (`impl` of an impl block, not of
/// `-> impl Trait` or `x: impl Fn()`).
fn starts_item(toks: &[Tok<'_>], i: usize) -> bool {
    i == 0
        || matches!(
            toks[i - 1],
            Tok::Close
                | Tok::Punct(b';')
                | Tok::Open(b'{', _)
                | Tok::Ident("unsafe")
                | Tok::Ident("default")
        )
}

/// Rust's keywords: what follows `const` or `static` may be one (`const fn`), and
/// none names an item.
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "_"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of `sources` (module path, text) that the closure keeps, by module path.
    fn kept(sources: &[(&str, &str)]) -> Vec<String> {
        let config = Config::default();
        let skims: Vec<SkimmedFile> = sources
            .iter()
            .map(|(_, text)| SkimmedFile::read(text, &config).expect(text))
            .collect();
        let paths: Vec<Vec<String>> = sources
            .iter()
            .map(|(m, _)| {
                m.split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .collect();
        let refs: Vec<&SkimmedFile> = skims.iter().collect();
        let path_refs: Vec<&[String]> = paths.iter().map(Vec::as_slice).collect();
        files_to_parse(&refs, &path_refs)
            .into_iter()
            .zip(sources)
            .filter(|(keep, _)| *keep)
            .map(|(_, (m, _))| m.to_string())
            .collect()
    }

    #[test]
    fn a_chain_of_helpers_across_files_is_kept_and_a_quiet_file_is_not() {
        let kept = kept(&[
            ("", "mod a; mod b; mod c; mod quiet;\nasync fn run() { a::first(); }"),
            ("a", "pub fn first() { crate::b::second() }"),
            ("b", "pub fn second() { crate::c::third() }"),
            ("c", "pub fn third() { std::fs::read(\"x\").unwrap(); }"),
            ("quiet", "// third() in a comment\npub fn shout(s: &str) -> String { s.to_uppercase() + \"second\" }"),
        ]);
        assert_eq!(kept, ["", "a", "b", "c"]);
    }

    #[test]
    fn only_items_that_reach_a_blocking_name_make_their_names_relevant() {
        let kept = kept(&[
            ("", "mod io;\nmod report;\npub use io::format_row;"),
            (
                "io",
                "pub fn load_all(p: &str) { std::fs::read(p).unwrap(); }\npub fn format_row(r: &Row) -> String { r.name.clone() }",
            ),
            ("report", "use crate::format_row;\npub fn print(r: &Row) -> String { format_row(r) }"),
            ("loader", "pub fn reload() { crate::io::load_all(\"p\") }"),
        ]);
        assert_eq!(kept, ["", "io", "loader"]);
    }

    #[test]
    fn a_method_reached_by_name_keeps_its_callers() {
        let kept = kept(&[
            (
                "store",
                "pub struct Store;\nimpl Store { pub fn fetch(&self) { std::thread::sleep(d) } }",
            ),
            ("app", "pub struct App { pub db: crate::store::Store }"),
            (
                "handler",
                "pub async fn handle(app: &App) { app.db.fetch(); }",
            ),
            ("other", "pub fn unrelated(x: u8) -> u8 { x + 1 }"),
        ]);
        assert_eq!(kept, ["store", "app", "handler"]);
    }

    #[test]
    fn a_blocking_drop_keeps_whoever_builds_the_type() {
        let kept = kept(&[
            ("guard", "pub struct Guard;\nimpl Drop for Guard { fn drop(&mut self) { std::fs::remove_file(\"l\").ok(); } }"),
            ("maker", "pub fn make_guard() -> crate::guard::Guard { crate::guard::Guard }"),
            ("user", "pub async fn work() { let _held = crate::maker::make_guard(); }"),
            ("holder", "pub struct Holder { held: Option<Guard> }"),
            ("plain", "pub struct Point { x: f32 }\nimpl Point { pub fn norm(&self) -> f32 { self.x } }"),
        ]);
        assert_eq!(kept, ["guard", "maker", "user", "holder"]);
    }

    #[test]
    fn trait_methods_renames_and_offloaders_keep_their_files() {
        let kept = kept(&[
            ("backend", "pub trait Backend { fn save(&self); }"),
            ("disk", "impl crate::backend::Backend for Disk { fn save(&self) { std::fs::write(p, b).unwrap() } }"),
            ("api", "pub use crate::disk::save_all as persist;"),
            ("caller", "async fn go() { crate::api::persist(); }"),
            ("wrapper", "pub fn run_in_pool<F: FnOnce()>(f: F) { std::thread::spawn(f); }"),
            ("pool_user", "async fn go() { crate::wrapper::run_in_pool(|| ()); }"),
            ("globs", "pub use crate::backend::*;"),
            ("neither", "fn idle() {}"),
        ]);
        assert_eq!(
            kept,
            [
                "backend",
                "disk",
                "api",
                "caller",
                "wrapper",
                "pool_user",
                "globs"
            ]
        );
    }

    #[test]
    fn a_crate_without_blocking_names_keeps_nothing_not_even_globs() {
        let kept = kept(&[
            ("", "mod a;\nuse a::*;\nfn main() { shout(); }"),
            ("a", "pub fn shout() {}"),
        ]);
        assert!(kept.is_empty(), "{kept:?}");
    }

    #[test]
    fn path_attributes_include_and_bad_text_send_the_crate_to_the_full_read() {
        let config = Config::default();
        for source in [
            "#[path = \"elsewhere.rs\"] mod x;",
            "#[cfg_attr(unix, path = \"u.rs\")] mod y;",
            "include!(\"generated.rs\");",
            "fn f( {",
        ] {
            assert!(SkimmedFile::read(source, &config).is_none(), "{source}");
        }
        assert!(SkimmedFile::read("fn f() { let path = 1; }", &config).is_some());
    }

    #[test]
    fn text_cut_short_after_a_keyword_is_read_without_a_panic() {
        let config = Config::default();
        for source in [
            "use",
            "fn",
            "fn f",
            "impl",
            "impl<T",
            "static",
            "const mut",
            "mod a",
            "macro_rules!",
            "struct S",
            "use a as",
            "type",
        ] {
            let skim = SkimmedFile::read(source, &config).expect(source);
            assert!(!skim.seed, "{source}");
        }
    }

    #[test]
    fn impl_headers_give_the_self_type_not_its_parameters() {
        let toks = super::super::text::lex(
            "impl<'a, T: Read> Trait<T> for Wrapper<'a, T, Inner> where T: Send {}",
        )
        .unwrap();
        assert_eq!(self_type_names(&toks, 1), ["Wrapper", "Inner"]);
        let toks = super::super::text::lex("impl<F: Fn() -> u8> Pool<F> {}").unwrap();
        assert_eq!(self_type_names(&toks, 1), ["Pool"]);
    }
}
