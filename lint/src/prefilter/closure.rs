//! Which files of a crate the crate view must parse: the text-level name closure of the
//! blocking names.
//!
//! A transitive finding is a chain of calls from a fn to a blocking API, each link
//! resolved by name. The closure starts at the files whose text holds a name that can
//! start a finding (as [`scan_source`](super::scan_source) counts them) or that can
//! offload (a file defining an offloading wrapper changes its callers' findings); every
//! name such a file *introduces* becomes relevant, and a file whose text mentions a
//! relevant name (as an identifier: comments and literals skipped) joins, to a fixed
//! point. A file outside the closure mentions no relevant name, so none of its fns can
//! reach a blocking API, and nothing it declares can be what a file inside resolves a
//! call to: it is neither parsed nor summarized.
//!
//! The names a file introduces are over-approximated, because a call can reach a fn
//! without naming it:
//! - the names after `fn`, `struct`, `enum`, `union`, `trait`, `type`, `const`,
//!   `static`, `mod`, `macro_rules!`, and after `as` (a `use` rename, a re-export under
//!   another name);
//! - the self type of every `impl` block (`Guard` of `impl Drop for Guard`): drop glue
//!   and `for` loops call methods nobody names, but whoever builds the value names its
//!   type, or a fn whose file names it; a method matched through a receiver's type
//!   (`Db` of a field `db: Db`, of a fn returning `Db`) is found the same way;
//! - the file's module path (`helpers` of `pub use crate::inner::helpers;`).
//!
//! Method calls (`x.load()`), trait methods (the trait's declaration and every impl
//! mention the method's name), fn paths passed as values (`run(load)`) and `use` items
//! all name what they reach, so the identifier match covers them. A fn value stored in a
//! field and called through it (`(self.f)()`) names no fn: the engine cannot resolve it
//! either, so skipping changes nothing. A glob import (`use a::*`) can carry a name into
//! a module without mentioning it: files with one are parsed whenever anything is (they
//! introduce nothing themselves). A file that names a `#[path]`, invokes `include!`, or
//! does not lex sends the crate to the full read ([`SkimmedFile::read`] returns `None`).
//!
//! Two limits, decided so: a crate with cached summaries of its dependencies takes the
//! full read (their blocking fns are reached by names the crate's text alone cannot
//! tell), and a skipped file that lexes but does not parse no longer fails the view: the
//! compiler reports that file, and no finding can come from it.

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
    /// The names it introduces (see the module docs), sorted, without duplicates.
    introduces: Vec<String>,
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
        let mut seed = false;
        let mut glob_import = false;
        let mut mentions: Vec<String> = Vec::new();
        let mut introduces: Vec<String> = Vec::new();
        // Where the `use` item being read ends (its `;`): an `as` there renames.
        let mut use_end = 0;
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
            seed |= starts_finding || offloads;
            match name {
                "path" if punct(i + 1, b'=') && i > 0 => {
                    if matches!(toks[i - 1], Tok::Open(b'[', _) | Tok::Punct(b',')) {
                        return None;
                    }
                }
                "include" if punct(i + 1, b'!') => return None,
                "fn" | "struct" | "enum" | "union" | "trait" | "type" | "const" | "static" => {
                    let next = if ident(i + 1) == Some("mut") {
                        i + 2
                    } else {
                        i + 1
                    };
                    if let Some(declared) = ident(next).filter(|n| !is_keyword(n)) {
                        introduces.push(declared.to_string());
                    }
                }
                // An inline module's name: a `pub use` of it re-exports what it holds. (An
                // out-of-line one is the module path of its own file.)
                "mod" if matches!(toks.get(i + 2), Some(Tok::Open(b'{', _))) => {
                    if let Some(declared) = ident(i + 1) {
                        introduces.push(declared.to_string());
                    }
                }
                "as" if i < use_end => {
                    if let Some(declared) = ident(i + 1).filter(|n| *n != "_") {
                        introduces.push(declared.to_string());
                    }
                }
                "macro_rules" if punct(i + 1, b'!') => {
                    if let Some(declared) = ident(i + 2) {
                        introduces.push(declared.to_string());
                    }
                }
                "impl" if starts_item(toks, i) => introduces.extend(self_type_names(toks, i + 1)),
                "use" => {
                    use_end = use_tree_end(toks, i + 1);
                    glob_import |= toks[i + 1..use_end].contains(&Tok::Punct(b'*'));
                }
                _ => {}
            }
        }
        let decls = mod_skeleton(source, &lexed)?;
        for list in [&mut mentions, &mut introduces] {
            list.retain(|n| !is_path_keyword(n));
            list.sort_unstable();
            list.dedup();
        }
        Some(SkimmedFile {
            decls,
            seed,
            glob_import,
            mentions,
            introduces,
        })
    }

    fn mentions_any(&self, names: &[String]) -> bool {
        names.iter().any(|n| self.mentions.binary_search(n).is_ok())
    }
}

/// Which of `files` the crate view must parse (see the module docs); `module_paths[i]`
/// is the module path of `files[i]`.
pub(crate) fn files_to_parse(files: &[&SkimmedFile], module_paths: &[&[String]]) -> Vec<bool> {
    let mut inside = vec![false; files.len()];
    let mut relevant: std::collections::BTreeSet<String> = Default::default();
    let mut fresh: Vec<String> = Vec::new();
    let mut join = |i: usize, inside: &mut Vec<bool>, fresh: &mut Vec<String>| {
        inside[i] = true;
        let names = files[i].introduces.iter().chain(module_paths[i]);
        for name in names {
            if !is_path_keyword(name) && relevant.insert(name.clone()) {
                fresh.push(name.clone());
            }
        }
    };
    for (i, file) in files.iter().enumerate() {
        if file.seed {
            join(i, &mut inside, &mut fresh);
        }
    }
    while !fresh.is_empty() {
        let names = std::mem::take(&mut fresh);
        for (i, file) in files.iter().enumerate() {
            if !inside[i] && file.mentions_any(&names) {
                join(i, &mut inside, &mut fresh);
            }
        }
    }
    if inside.contains(&true) {
        for (i, file) in files.iter().enumerate() {
            inside[i] |= file.glob_import;
        }
    }
    inside
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

/// The index of the `;` that ends the `use` tree starting at `from` (or the end).
fn use_tree_end(toks: &[Tok<'_>], from: usize) -> usize {
    toks[from.min(toks.len())..]
        .iter()
        .position(|t| *t == Tok::Punct(b';'))
        .map_or(toks.len(), |p| from + p)
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
