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
//! A method call seeds only when its receiver can be of a type an entry names. The
//! engine matches `x.get()` against method-shape entries alone (a path entry needs a path
//! call), and an entry of another arity cannot match (`v.get(1)` is no `r2d2::Pool::get`);
//! an entry with an `Any` receiver (`.join()`) seeds as before. Every other entry lists
//! receiver paths (or a crate whose `use` must be in scope), and a listed path matches
//! only an origin (a call or a type of the receiver's chain, its `let`, its parameter, a
//! field, a return type, an alias) whose written path holds the listed path's last
//! segment, its *key* (`Pool`), or that resolves through `use` items and aliases that
//! hold it. So the names a receiver can get such a type through are the key and, to a
//! fixed point, what every item that mentions one of them introduces (as above), the
//! names a `use` item binds to a path through one of them (`Lock` of
//! `use std::sync::{Mutex as Lock}`, not its `Arc`). Their files' module paths count
//! only in glob imports (`use crate::http::*` where `http` holds
//! `pub use reqwest::blocking::*`, and a glob of a module that holds such a glob): any
//! other path into a module names the item it reaches, which is in the set itself. The
//! call seeds when the outermost item around it (the impl block of a method, whose self
//! type `self` stands for) mentions one of those names or a glob import of its file
//! one of those modules, or,
//! for a crate-import entry, when its file mentions the crate (the engine looks for the
//! `use` in the file's scopes). The files of the items that give the mentioned names
//! their meaning (the struct with the field, the alias, the fn with the return type),
//! traced back to the key, are parsed too: the engine learns the receiver's type there.
//! Where this is wider than the engine (a field of a struct in another file, an alias
//! used from another file: today's engine types neither), the closure only keeps more.
//! Where a type could reach a receiver without any of these names (inferred through a
//! closure parameter, a generic instantiated elsewhere, a dependency's fn), the engine
//! has no origin that holds the key either, so it cannot match the entry.
//!
//! A fn's own name where it is declared (`fn read(&self)`) starts nothing: it is no call.
//! Nor does a name inside an attribute offload (`#[blockwatch::no_blocking]` is shaped
//! like an offloader's name, and is on every annotated fn). An out-of-line module
//! declaration (`mod store;`) mentions nothing: the module skeleton follows it, and a
//! call into the module names it where the call is.
//!
//! Two limits, decided so: a crate with cached summaries of its dependencies takes the
//! full read (their blocking fns are reached by names the crate's text alone cannot
//! tell), and a skipped file that lexes but does not parse no longer fails the view: the
//! compiler reports that file, and no finding can come from it.

use std::collections::HashMap;

use crate::catalog::{is_offloader_name, CRATE_OFFLOADERS};
use crate::workspace::ModDecl;
use crate::Config;

use super::interner::{Interner, NameMap, NameSet};
use super::method_seeds::{is_write_macro, macro_need, need, Need};
use super::mod_skeleton::mod_skeleton;
use super::text::{lex_with_offsets, Tok};
use super::{awaited_flat, macro_flat, Names};

/// The id of no name (a token that mentions none, an item that listed none yet).
const NO_NAME: u32 = u32::MAX;

/// What the closure needs of one file, read from its text without a parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkimmedFile {
    /// Its `mod` declarations (the [module skeleton](super::mod_skeleton)).
    pub decls: Vec<ModDecl>,
    /// It holds a name that can start a finding, or the name of an offloader.
    seed: bool,
    /// It imports with a glob.
    glob_import: bool,
    /// Every distinct identifier in it (path keywords aside), by id: an identifier's
    /// index here is its id in this file.
    names: Vec<String>,
    /// Per name id, the items whose text mentions it, ascending.
    mentioned_in: Vec<Vec<u32>>,
    /// Its items, nested ones included.
    items: Vec<SkimmedItem>,
    /// Its method calls that can start a finding only on a receiver of a named type.
    receiver_seeds: Vec<ReceiverSeed>,
    /// The identifiers in the paths of its glob imports (`reqwest`, `blocking` of
    /// `use reqwest::blocking::*`).
    glob_prefixes: Vec<String>,
}

/// A method call whose method-shape entries all name a receiver (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ReceiverSeed {
    /// The items whose text holds it.
    items: Vec<usize>,
    /// The outermost of them, whose text is where the receiver's type can be named; `None`
    /// when it is outside every item.
    context: Option<usize>,
    /// The last segments of the receiver paths its entries list.
    keys: Vec<&'static str>,
    /// The crates whose import makes one of its entries match.
    crates: Vec<&'static str>,
}

/// One item of a file's text (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SkimmedItem {
    /// Its text holds a name that can start a finding, or the name of an offloader.
    seed: bool,
    /// The names it introduces.
    introduces: Vec<String>,
    /// For a `use` item: each name it binds, with the identifiers of the path it binds.
    bindings: Vec<(Vec<String>, String)>,
    /// For a `use` item with a glob: the identifiers of the glob paths.
    glob_path: Vec<String>,
    /// The ids of the distinct identifiers in its text (path keywords aside).
    mentions: Vec<u32>,
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
        let mut receiver_needs: Vec<(usize, Vec<&'static str>, Vec<&'static str>)> = Vec::new();
        let mut glob_prefixes: Vec<String> = Vec::new();
        // Per `use` item (by its index): its bindings and its glob paths' identifiers.
        let mut bindings_at: HashMap<usize, UseTrees> = HashMap::new();
        let mut glob_import = false;
        let mut interner = Interner::default();
        let facts_of = |name: &str| NameFacts {
            offloader: is_offloader_name(name)
                || offloaders.iter().any(|o| o == name)
                || CRATE_OFFLOADERS.iter().any(|(_, f)| *f == name),
            may_start: names.count(name) || is_write_macro(name),
            structural: is_structural(name),
        };
        // Per name id, what the name is wherever it occurs (asked of every occurrence,
        // and names repeat).
        let mut facts_by_id: Vec<NameFacts> = Vec::new();
        // Per token, the id of the name it mentions, or `NO_NAME`.
        let mut id_at: Vec<u32> = vec![NO_NAME; toks.len()];
        // (first token, last token, what it introduces)
        let mut spans: Vec<(usize, usize, Vec<String>)> = Vec::new();
        // The last token of the attribute (`#[..]`, `#![..]`) being read, if any.
        let mut attribute_end: Option<usize> = None;
        for (i, tok) in toks.iter().enumerate() {
            if attribute_end.is_some_and(|end| i > end) {
                attribute_end = None;
            }
            let Tok::Ident(name) = *tok else {
                if *tok == Tok::Punct(b'#') && attribute_end.is_none() {
                    attribute_end = attribute_close(toks, i);
                }
                continue;
            };
            if !is_mention(toks, i) {
                continue;
            }
            if !is_path_keyword(name) {
                id_at[i] = interner.intern(name);
            }
            let facts = match id_at[i] {
                NO_NAME => facts_of(name),
                // Ids come in order: a new one is the memo's next slot.
                id if id as usize == facts_by_id.len() => {
                    facts_by_id.push(facts_of(name));
                    facts_by_id[id as usize]
                }
                id => facts_by_id[id as usize],
            };
            let starts_finding = if !facts.may_start {
                Need::Nothing
            } else if macro_flat(toks, i) {
                macro_need(name)
            } else if awaited_flat(toks, i) || (i > 0 && toks[i - 1] == Tok::Ident("fn")) {
                // An awaited call, or a fn's own name where it is declared.
                Need::Nothing
            } else {
                need(toks, i, name, &names)
            };
            // An offloader is a call; an attribute's path or arguments are none (every
            // `#[blockwatch::no_blocking]` fn names `no_blocking`, which is shaped like an
            // offloader's name, and would seed the whole file it is in).
            let offloads = facts.offloader && attribute_end.is_none();
            match starts_finding {
                _ if offloads => seeds.push(i),
                Need::Always => seeds.push(i),
                Need::Receiver { keys, crates } => receiver_needs.push((i, keys, crates)),
                Need::Nothing => {}
            }
            if !facts.structural {
                continue;
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
                    let (mut bound, mut globbed) = (Vec::new(), Vec::new());
                    use_bindings(
                        toks,
                        (i + 1, end.min(toks.len())),
                        &[],
                        &mut bound,
                        &mut globbed,
                    );
                    glob_prefixes.extend(globbed.iter().cloned());
                    bindings_at.insert(spans.len(), (bound, globbed));
                    spans.push((i, end, renamed));
                }
                _ => {}
            }
        }
        let decls = mod_skeleton(source, &lexed)?;
        let last_tok = toks.len().saturating_sub(1);
        // The outermost item around each item: items come in the order they start.
        let mut outermost: Vec<usize> = Vec::with_capacity(spans.len());
        let mut current: Option<(usize, usize)> = None;
        for (k, &(first, last, _)) in spans.iter().enumerate() {
            match current {
                Some((top, top_last)) if first <= top_last => outermost.push(top),
                _ => {
                    current = Some((k, last.min(last_tok)));
                    outermost.push(k);
                }
            }
        }
        // The items around each call, swept in one pass: spans and calls both come in
        // token order, so the spans open at a call are those started before it that have
        // not ended (a scan of every span per call was quadratic in the file's size).
        let mut open: Vec<usize> = Vec::new();
        let mut next_span = 0;
        let receiver_seeds = receiver_needs
            .into_iter()
            .map(|(at, keys, crates)| {
                while next_span < spans.len() && spans[next_span].0 <= at {
                    open.push(next_span);
                    next_span += 1;
                }
                open.retain(|&k| spans[k].1 >= at);
                let items = open.clone();
                ReceiverSeed {
                    context: items.first().map(|&k| outermost[k]),
                    items,
                    keys,
                    crates,
                }
            })
            .collect();
        glob_prefixes.retain(|n| !is_path_keyword(n));
        glob_prefixes.sort_unstable();
        glob_prefixes.dedup();
        let name_count = interner.names().len();
        let mut mentioned_in: Vec<Vec<u32>> = vec![Vec::new(); name_count];
        // Per name id, the last item that listed it: an item lists each name once.
        let mut listed_by: Vec<u32> = vec![NO_NAME; name_count];
        let items = spans
            .into_iter()
            .enumerate()
            .map(|(index, (first, last, introduces))| {
                let bindings = bindings_at.remove(&index).unwrap_or_default();
                let last = last.min(toks.len().saturating_sub(1));
                let item = index as u32;
                let mut mentions: Vec<u32> = Vec::new();
                for &id in id_at.get(first..=last).unwrap_or_default() {
                    if id != NO_NAME && listed_by[id as usize] != item {
                        listed_by[id as usize] = item;
                        mentions.push(id);
                        mentioned_in[id as usize].push(item);
                    }
                }
                // `seeds` ascend: the first at or after `first` tells.
                let seed_at = seeds.partition_point(|&s| s < first);
                SkimmedItem {
                    seed: seeds.get(seed_at).is_some_and(|&s| s <= last),
                    introduces: introduces
                        .into_iter()
                        .filter(|n| !is_path_keyword(n))
                        .collect(),
                    bindings: bindings.0,
                    glob_path: bindings.1,
                    mentions,
                }
            })
            .collect();
        Some(SkimmedFile {
            decls,
            seed: !seeds.is_empty(),
            glob_import,
            names: interner.names().iter().map(|n| n.to_string()).collect(),
            mentioned_in,
            items,
            receiver_seeds,
            glob_prefixes,
        })
    }
}

/// The names the `use` trees in `toks[range]` bind under `prefix`, each with the
/// identifiers of its path (`Lock` with `std`, `sync`, `Mutex` for
/// `std::sync::{Mutex as Lock}`), into `out`; the identifiers of glob paths into `globs`.
fn use_bindings(
    toks: &[Tok<'_>],
    (from, end): (usize, usize),
    prefix: &[String],
    out: &mut Vec<(Vec<String>, String)>,
    globs: &mut Vec<String>,
) {
    let mut path: Vec<String> = prefix.to_vec();
    let mut rename: Option<String> = None;
    // The tree ended in a group or a glob: it binds nothing by its own last segment.
    let mut nested = false;
    let mut k = from;
    while k <= end {
        match toks.get(k).filter(|_| k < end) {
            Some(Tok::Ident("as")) => {
                if let Some(Tok::Ident(n)) = toks.get(k + 1) {
                    rename = Some(n.to_string());
                }
                k += 1;
            }
            Some(Tok::Ident(n)) => path.push(n.to_string()),
            Some(Tok::Punct(b'*')) => {
                globs.extend(path.iter().cloned());
                nested = true;
            }
            Some(Tok::Open(b'{', close)) => {
                use_bindings(toks, (k + 1, (*close).min(end)), &path, out, globs);
                nested = true;
                k = *close;
            }
            Some(Tok::Punct(b',')) | None => {
                let last = path.iter().rev().find(|s| s.as_str() != "self").cloned();
                if let (false, Some(bound)) = (nested, rename.take().or(last)) {
                    if path.len() > prefix.len() {
                        out.push((path.clone(), bound));
                    }
                }
                rename = None;
                nested = false;
                path.truncate(prefix.len());
            }
            _ => {}
        }
        k += 1;
    }
}

/// What a `use` item binds: each name with the identifiers of its path, and the
/// identifiers of its glob paths.
type UseTrees = (Vec<(Vec<String>, String)>, Vec<String>);

/// An item or a whole file, as the closure's index points at them.
#[derive(Clone, Copy)]
enum Mentioner {
    File(usize),
    Item(usize, usize),
}

/// Where each name is mentioned across the crate's files: per name, the files whose text
/// holds it, each with the name's id there (whose `mentioned_in` gives the items).
struct NameIndex<'a> {
    files: &'a [&'a SkimmedFile],
    by_name: NameMap<&'a str, Vec<(usize, u32)>>,
}

impl<'a> NameIndex<'a> {
    fn new(files: &'a [&'a SkimmedFile]) -> NameIndex<'a> {
        let mut by_name: NameMap<&str, Vec<(usize, u32)>> = NameMap::default();
        for (f, file) in files.iter().enumerate() {
            for (id, name) in file.names.iter().enumerate() {
                by_name.entry(name).or_default().push((f, id as u32));
            }
        }
        NameIndex { files, by_name }
    }

    /// Every file that mentions `name`, and every item of it that does.
    fn mentioners(&self, name: &str) -> impl Iterator<Item = Mentioner> + '_ {
        let files = self.files;
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .flat_map(move |&(f, id)| {
                let items = files[f].mentioned_in[id as usize].iter();
                std::iter::once(Mentioner::File(f))
                    .chain(items.map(move |&k| Mentioner::Item(f, k as usize)))
            })
    }

    /// The id of `name` in file `f`, if its text mentions it.
    fn id_in(&self, f: usize, name: &str) -> Option<u32> {
        let in_files = self.by_name.get(name)?;
        let at = in_files.binary_search_by_key(&f, |&(file, _)| file).ok()?;
        Some(in_files[at].1)
    }

    /// The names of `set` that item `item` of file `f` mentions (the file anywhere, for
    /// `None`): each of `set` looked up when it is the smaller, which it usually is (a key
    /// and a few names against an item's every identifier).
    fn mentioned_of(&self, f: usize, item: Option<usize>, set: &NameSet<&'a str>) -> Vec<&'a str> {
        let file = self.files[f];
        let listed = match item {
            Some(k) => file.items[k].mentions.len(),
            None => file.names.len(),
        };
        if set.len() < listed {
            set.iter()
                .copied()
                .filter(|name| {
                    self.id_in(f, name).is_some_and(|id| {
                        item.is_none_or(|k| {
                            file.mentioned_in[id as usize]
                                .binary_search(&(k as u32))
                                .is_ok()
                        })
                    })
                })
                .collect()
        } else {
            let names: &'a [String] = &file.names;
            let wanted = |name: &&'a str| set.contains(name);
            match item {
                Some(k) => file.items[k]
                    .mentions
                    .iter()
                    .map(|&id| names[id as usize].as_str())
                    .filter(wanted)
                    .collect(),
                None => names.iter().map(String::as_str).filter(wanted).collect(),
            }
        }
    }
}

/// Which of `files` the crate view must parse (see the module docs); `module_paths[i]`
/// is the module path of `files[i]`.
pub(crate) fn files_to_parse(files: &[&SkimmedFile], module_paths: &[&[String]]) -> Vec<bool> {
    let index = NameIndex::new(files);
    let mut closure = Closure {
        files,
        module_paths,
        parse: vec![false; files.len()],
        file_joined: vec![false; files.len()],
        item_joined: files.iter().map(|f| vec![false; f.items.len()]).collect(),
        relevant: NameSet::default(),
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
    let mut typed_by: NameMap<&str, TypedBy> = NameMap::default();
    for (f, file) in files.iter().enumerate() {
        // Per key, whether the file mentions a name that carries its type at all: when it
        // does not, none of its items can (a file of 500 `write!`s into `String`s asks
        // for each of them, with the nine keys of blocking writers).
        let mut in_file: Vec<(&str, bool)> = Vec::new();
        // Whether (context item, key) holds such a name: the many method calls of one
        // item ask the same question, and tracing is idempotent.
        let mut typed_in: NameMap<(Option<usize>, &str), bool> = NameMap::default();
        for seed in &file.receiver_seeds {
            let mut typed = false;
            for &key in &seed.keys {
                let by = typed_by
                    .entry(key)
                    .or_insert_with(|| TypedBy::new(key, files, module_paths, &index));
                let file_has = match in_file.iter().find(|(k, _)| *k == key) {
                    Some(&(_, has)) => has,
                    None => {
                        let has = !index.mentioned_of(f, None, &by.names).is_empty()
                            || file.glob_prefixes.iter().any(|n| {
                                by.names.contains(n.as_str()) || by.modules.contains(n.as_str())
                            });
                        in_file.push((key, has));
                        has
                    }
                };
                if !file_has {
                    continue;
                }
                if let Some(&known) = typed_in.get(&(seed.context, key)) {
                    typed |= known;
                    continue;
                }
                let mut mentioned = index.mentioned_of(f, seed.context, &by.names);
                mentioned.extend(
                    file.glob_prefixes
                        .iter()
                        .map(String::as_str)
                        .filter(|n| by.names.contains(n) || by.modules.contains(n)),
                );
                let found = !mentioned.is_empty();
                typed_in.insert((seed.context, key), found);
                if found {
                    typed = true;
                    by.trace(mentioned, &index, &mut closure.parse);
                }
            }
            let imported = seed.crates.iter().any(|c| index.id_in(f, c).is_some());
            if typed || imported {
                closure.parse[f] = true;
                for &k in &seed.items {
                    closure.join(f, k);
                }
            }
        }
    }
    while let Some(name) = closure.fresh.pop() {
        for mentioner in index.mentioners(name) {
            match mentioner {
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

/// The names through which a value can get a type or a call whose last segment is a
/// receiver key (see the module docs), and the items that give each its meaning.
struct TypedBy<'a> {
    /// The key, and what every item that mentions one of these names introduces, the
    /// names a `use` item binds to a path through one of them, and the module paths of
    /// their files, to a fixed point.
    names: NameSet<&'a str>,
    /// The module paths of the files of items that mention one of `names` (or hold a
    /// glob import of one of these): a glob import of one carries the names in unnamed.
    modules: NameSet<&'a str>,
    /// Per name but the key, every item (file, item) that introduces it so.
    introducers: NameMap<&'a str, Vec<(usize, usize)>>,
    /// The names whose introducers [`TypedBy::trace`] has already marked.
    traced: NameSet<&'a str>,
    /// The introducers whose mentions it has already followed (one item introduces
    /// several names: an impl block its self type's every segment).
    /// Per file, per item; built with `in_names`.
    traced_items: Vec<Vec<bool>>,
    /// Per file, per name id, whether the name is one of `names` and whether it was
    /// followed from this file already (asked of every identifier of each traced item);
    /// built at the first [`TypedBy::trace`].
    in_names: Vec<Vec<Follow>>,
}

impl<'a> TypedBy<'a> {
    fn new(
        key: &'a str,
        files: &'a [&'a SkimmedFile],
        module_paths: &'a [&'a [String]],
        index: &NameIndex<'a>,
    ) -> TypedBy<'a> {
        let mut names: NameSet<&str> = NameSet::from_iter([key]);
        let mut modules: NameSet<&str> = NameSet::default();
        let mut introducers: NameMap<&str, Vec<(usize, usize)>> = NameMap::default();
        // (name, whether it is a module path's segment, seen through glob imports only)
        let mut fresh = vec![(key, false)];
        // Per file, per item: whether its introduced names were added already.
        let mut seen_items: Vec<Vec<bool>> =
            files.iter().map(|f| vec![false; f.items.len()]).collect();
        let mut add = |name: &'a str, module: bool, by: (usize, usize), fresh: &mut Vec<_>| {
            if is_path_keyword(name) || name == key {
                return;
            }
            introducers.entry(name).or_default().push(by);
            let set = if module { &mut modules } else { &mut names };
            if set.insert(name) {
                fresh.push((name, module));
            }
        };
        while let Some((name, module)) = fresh.pop() {
            for mentioner in index.mentioners(name) {
                let Mentioner::Item(f, k) = mentioner else {
                    continue;
                };
                let item = &files[f].items[k];
                if module && !item.glob_path.iter().any(|p| p == name) {
                    continue;
                }
                for (path, bound) in &item.bindings {
                    if path.iter().any(|p| p == name) {
                        add(bound, false, (f, k), &mut fresh);
                    }
                }
                if std::mem::replace(&mut seen_items[f][k], true) {
                    continue;
                }
                if !module {
                    for introduced in &item.introduces {
                        add(introduced, false, (f, k), &mut fresh);
                    }
                }
                for segment in module_paths[f].iter() {
                    add(segment, true, (f, k), &mut fresh);
                }
            }
        }
        TypedBy {
            names,
            modules,
            introducers,
            traced: NameSet::default(),
            traced_items: Vec::new(),
            in_names: Vec::new(),
        }
    }

    /// Marks in `parse` the file of every item that gives one of `mentioned` (names of
    /// the set) its meaning, and of every item that gives a name those items mention
    /// theirs, down to the key: the engine learns a receiver's type from them.
    fn trace(&mut self, mentioned: Vec<&'a str>, index: &NameIndex<'a>, parse: &mut [bool]) {
        let files = index.files;
        if self.in_names.is_empty() {
            // From the set's side: a few names, each in a few files.
            let mut in_names: Vec<Vec<Follow>> = files
                .iter()
                .map(|f| vec![Follow::Never; f.names.len()])
                .collect();
            for name in &self.names {
                for &(f, id) in index.by_name.get(name).into_iter().flatten() {
                    in_names[f][id as usize] = Follow::Pending;
                }
            }
            self.in_names = in_names;
            self.traced_items = files.iter().map(|f| vec![false; f.items.len()]).collect();
        }
        let mut todo = mentioned;
        while let Some(name) = todo.pop() {
            if !self.traced.insert(name) {
                continue;
            }
            for &(f, k) in self.introducers.get(name).into_iter().flatten() {
                parse[f] = true;
                if std::mem::replace(&mut self.traced_items[f][k], true) {
                    continue;
                }
                let file = files[f];
                let item = &file.items[k];
                let in_names = &mut self.in_names[f];
                for &id in &item.mentions {
                    if in_names[id as usize] == Follow::Pending {
                        in_names[id as usize] = Follow::Done;
                        todo.push(file.names[id as usize].as_str());
                    }
                }
                todo.extend(
                    item.glob_path
                        .iter()
                        .map(String::as_str)
                        .filter(|n| self.modules.contains(n)),
                );
            }
        }
    }
}

/// Whether [`TypedBy::trace`] follows a name id of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Follow {
    /// The name is not one that carries the key's type.
    Never,
    /// It is, and was not followed from this file yet.
    Pending,
    /// It was.
    Done,
}

/// The state of the fixed point of [`files_to_parse`].
struct Closure<'a> {
    files: &'a [&'a SkimmedFile],
    module_paths: &'a [&'a [String]],
    parse: Vec<bool>,
    /// Whether an item of the file joined (its module path is relevant).
    file_joined: Vec<bool>,
    item_joined: Vec<Vec<bool>>,
    relevant: NameSet<&'a str>,
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

/// What a name is wherever it occurs in a file, for [`SkimmedFile::read`].
#[derive(Debug, Clone, Copy)]
struct NameFacts {
    /// An offloader's name.
    offloader: bool,
    /// It can start a finding somewhere (as a path, a method or a `write!`).
    may_start: bool,
    /// A keyword [`SkimmedFile::read`] reads structure after ([`is_structural`]).
    structural: bool,
}

/// Whether `name` is a word after which [`SkimmedFile::read`] reads an item or an
/// attribute it must know about: every other name skips that match.
fn is_structural(name: &str) -> bool {
    matches!(
        name,
        "path"
            | "include"
            | "fn"
            | "struct"
            | "enum"
            | "union"
            | "trait"
            | "type"
            | "const"
            | "static"
            | "mod"
            | "macro_rules"
            | "impl"
            | "use"
    )
}

/// The index of the `]` that closes the attribute whose `#` is at `toks[i]` (`#[..]` or
/// `#![..]`), or `None` when no attribute starts there.
fn attribute_close(toks: &[Tok<'_>], i: usize) -> Option<usize> {
    match (toks.get(i + 1), toks.get(i + 2)) {
        (Some(Tok::Open(b'[', close)), _) => Some(*close),
        (Some(Tok::Punct(b'!')), Some(Tok::Open(b'[', close))) => Some(*close),
        _ => None,
    }
}

/// Whether the identifier at `toks[i]` mentions a name. A lifetime or label (`'static`)
/// names nothing, and neither does the name of an out-of-line module declaration
/// (`mod store;`): that is structure, which the [module skeleton](super::mod_skeleton)
/// follows; a call into the module names it again where it is made. Counted as a mention,
/// it kept the file that declares a blocking module (a crate's `lib.rs`, usually its
/// biggest file) in the closure with nothing in it that can reach the module.
fn is_mention(toks: &[Tok<'_>], i: usize) -> bool {
    if i > 0 && toks[i - 1] == Tok::Punct(b'\'') {
        return false;
    }
    let declares_module =
        i > 0 && toks[i - 1] == Tok::Ident("mod") && toks.get(i + 1) == Some(&Tok::Punct(b';'));
    !declares_module
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
    fn a_module_declaration_is_not_a_mention_of_the_module() {
        let sources = [
            (
                "",
                "use std::fmt::Write as _;\npub mod store;\n#[cfg(test)]\nmod quiet;\npub fn label(id: u8) -> String {\n    let mut s = String::new();\n    write!(s, \"{id}\").unwrap();\n    crate::quiet::shout(&s)\n}",
            ),
            (
                "store",
                "pub struct Store;\nimpl Store {\n    pub fn load(&self) -> String { std::fs::read_to_string(\"k\").unwrap() }\n}",
            ),
            ("quiet", "pub fn shout(s: &str) -> String { s.to_uppercase() }"),
        ];
        assert_eq!(kept(&sources), ["store"]);
        // A call into the module names it where it is made: the caller joins, and so
        // does the root's fn that calls the caller.
        let mut calling = sources;
        calling[2] = (
            "quiet",
            "pub fn shout(s: &str) -> String { crate::store::Store.load() + s }",
        );
        assert_eq!(kept(&calling), ["", "store", "quiet"]);
        // An inline module is an item whose body can hold anything: it still counts.
        let inline = [
            (
                "",
                "pub mod wrap { pub mod store; pub fn go() { store::Store.load(); } }",
            ),
            ("wrap::store", sources[1].1),
        ];
        assert_eq!(kept(&inline), ["", "wrap::store"]);
    }

    #[test]
    fn an_attribute_named_like_an_offloader_is_no_offloader() {
        let annotated = kept(&[
            (
                "",
                "pub mod store;\n#[blockwatch::no_blocking(watch = false)]\npub async fn handler(id: u64) -> u64 {\n    id + 1\n}",
            ),
            ("store", "pub fn nap() { std::thread::sleep(d) }"),
        ]);
        assert_eq!(annotated, ["store"]);
        // Called, the same name is an offloader's: the caller seeds.
        let kept_call = kept(&[
            ("", "pub fn run(f: fn()) { no_blocking(f) }"),
            ("store", "pub fn nap() { std::thread::sleep(d) }"),
        ]);
        assert_eq!(kept_call, ["", "store"]);
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
    fn a_common_method_on_a_type_no_entry_names_is_skipped() {
        let kept = kept(&[
            ("rows", "pub fn second(v: &Vec<u8>) -> Option<&u8> { v.get(1) }"),
            (
                "cells",
                "use std::cell::Cell;\npub fn count(c: &Cell<u8>) -> u8 { c.get() }",
            ),
            (
                "guard",
                "pub struct Slot;\nimpl Slot { pub fn lock(&self) {} }\npub async fn take(s: &Slot) { s.lock(); }",
            ),
            ("blocks", "pub async fn nap() { std::thread::sleep(d) }"),
        ]);
        assert_eq!(kept, ["blocks"]);
    }

    #[test]
    fn a_pool_field_typed_in_another_file_keeps_both_files() {
        let kept = kept(&[
            (
                "state",
                "pub struct AppState { pub pool: r2d2::Pool<Manager> }",
            ),
            (
                "handler",
                "use crate::state::AppState;\npub async fn handle(s: &AppState) { let c = s.pool.get(); }",
            ),
            ("rows", "pub fn second(v: &Vec<u8>) -> Option<&u8> { v.get(1) }"),
        ]);
        assert_eq!(kept, ["state", "handler"]);
    }

    #[test]
    fn an_alias_of_the_pool_in_a_third_file_keeps_all_three() {
        let kept = kept(&[
            ("db", "pub type DbPool = r2d2::Pool<Manager>;"),
            ("state", "pub struct AppState { pub pool: crate::db::DbPool }"),
            (
                "handler",
                "impl Handler for crate::state::AppState { async fn handle(&self) { self.pool.get(); } }",
            ),
            ("cache", "pub struct Cache { map: HashMap<u8, u8> }\nimpl Cache { pub fn get(&self) -> u8 { 0 } }"),
        ]);
        assert_eq!(kept, ["db", "state", "handler"]);
    }

    #[test]
    fn renames_globs_and_constructors_carry_the_receiver_type() {
        let kept = kept(&[
            ("", "mod locks; mod make; mod glob; mod user;"),
            ("locks", "pub use std::sync::{Arc, Mutex as Lock};"),
            ("make", "pub fn counter() -> crate::locks::Lock<u8> { Lock::new(0) }"),
            ("user", "pub async fn bump() { let c = crate::make::counter(); c.lock(); }"),
            (
                "glob",
                "use reqwest::blocking::*;\npub async fn fetch(u: &str) { Client::new().get(u).send(); }",
            ),
            (
                "shared",
                "use std::sync::Arc;\npub async fn f(a: Arc<Slot>) { a.lock(); }",
            ),
        ]);
        // The root only declares the modules: structure, not a mention.
        assert_eq!(kept, ["locks", "make", "user", "glob"]);
    }

    #[test]
    fn a_module_carries_the_receiver_type_only_through_glob_imports() {
        let kept = kept(&[
            (
                "db",
                "pub type DbPool = r2d2::Pool<M>;\npub fn version() -> u8 { 1 }",
            ),
            (
                "other",
                "pub fn v(c: &Cell<u8>) -> u8 { crate::db::version() + c.get() }",
            ),
            ("blocking_http", "pub use reqwest::blocking::*;"),
            ("prelude", "pub use crate::blocking_http::*;"),
            (
                "fetch",
                "use crate::prelude::*;\npub async fn go(u: &str) { Client::new().get(u).send(); }",
            ),
        ]);
        assert_eq!(kept, ["blocking_http", "prelude", "fetch"]);
    }

    #[test]
    fn a_fn_named_like_a_blocking_api_does_not_seed_where_it_is_declared() {
        let kept = kept(&[
            (
                "own",
                "pub struct Buf;\nimpl Buf { pub fn read(&self) -> u8 { 0 } }",
            ),
            ("caller", "pub fn g(b: &crate::own::Buf) -> u8 { b.read() }"),
            ("std_read", "pub fn load() { read(\"p\"); }"),
        ]);
        assert_eq!(kept, ["std_read"]);
    }

    #[test]
    fn use_trees_bind_each_leaf_with_its_path() {
        let toks =
            super::super::text::lex("std::sync::{Arc, Mutex as Lock, mpsc::{self, *}}").unwrap();
        let (mut out, mut globs) = (Vec::new(), Vec::new());
        use_bindings(&toks, (0, toks.len()), &[], &mut out, &mut globs);
        let bound: Vec<&str> = out.iter().map(|(_, b)| b.as_str()).collect();
        assert_eq!(bound, ["Arc", "Lock", "mpsc"]);
        assert_eq!(out[1].0, ["std", "sync", "Mutex"]);
        assert_eq!(globs, ["std", "sync", "mpsc"]);
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
