//! Names one file of a crate cannot resolve alone: the type aliases and `use` imports
//! that other files of the same crate declare.
//!
//! A file walk sees only its own items. Two shapes hide a receiver's type there:
//! - `use super::*;` in `exporter/mod.rs` brings in every name `main.rs` imports,
//!   private `use` items included (a glob of an ancestor module sees all of them), so
//!   a field `client: Client` is `reqwest::blocking::Client` though the file never
//!   names reqwest;
//! - `use crate::DbPool;` where `lib.rs` declares `pub type DbPool = r2d2::Pool<..>`.
//!
//! After a first pass over every file, [`CrateNames::new`] indexes what each file's
//! summary says its modules import and alias, by absolute path (`crate::Client`,
//! `crate::DbPool`), following chains of them inside the crate. The front end then
//! walks again only the files that [`CrateNames::helps`] (an import or glob of theirs
//! reaches a name another file gives meaning to), with the index at hand; the walk
//! consults it when a type path resolves to such a name. Imports are kept only when
//! they end outside the crate (a crate's own items need no help: the call graph finds
//! them); aliases are kept with every path they stand for.

use std::collections::{HashMap, HashSet};

use crate::reexports::MAX_HOPS;
use crate::resolve::CRATE;
use crate::FileSummary;

/// What the type aliases and imports of one crate's files stand for, by absolute path.
///
/// ```
/// let lib: syn::File = syn::parse_str(
///     "mod exporter; use reqwest::blocking::Client; pub type Pool = r2d2::Pool<M>;").unwrap();
/// let child: syn::File = syn::parse_str("use super::*; struct S { c: Client }").unwrap();
/// let cfg = blockwatch_lint::Config::default();
/// let lib = blockwatch_lint::summarize_file(&lib, "src/main.rs", &[], false, &cfg);
/// let exporter = ["exporter".to_string()];
/// let child = blockwatch_lint::summarize_file(&child, "src/exporter.rs", &exporter, false, &cfg);
/// let names = blockwatch_lint::CrateNames::new([&lib, &child]);
/// assert_eq!(names.lookup("crate::Client"), Some(&["reqwest::blocking::Client".to_string()][..]));
/// assert_eq!(names.lookup("crate::Pool"), Some(&["r2d2::Pool".to_string()][..]));
/// assert!(names.helps(&child));
/// assert!(!names.helps(&lib));
/// ```
#[derive(Debug, Default)]
pub struct CrateNames {
    /// Absolute path of a name -> (the paths it stands for, the file that says so).
    paths: HashMap<String, (Vec<String>, String)>,
    /// The modules that have entries, with the files those entries come from.
    modules: HashMap<String, HashSet<String>>,
}

impl CrateNames {
    /// Indexes the aliases and imports of `files`, the summaries of one crate.
    pub fn new<'a>(files: impl IntoIterator<Item = &'a FileSummary>) -> CrateNames {
        let mut raw: HashMap<String, (Vec<String>, String, bool)> = HashMap::new();
        for f in files {
            for m in &f.imports {
                let module = module_key(&m.module);
                for (name, target) in &m.names {
                    // `use reqwest::blocking as http; use http::Client;`: a path that
                    // starts from a name the module imports continues from it.
                    let local_start = target.first().is_some_and(|first| {
                        first != name && m.names.iter().any(|(n, _)| n == first)
                    });
                    let target = if local_start {
                        format!("{module}::{}", target.join("::"))
                    } else {
                        target.join("::")
                    };
                    raw.entry(format!("{module}::{name}")).or_insert((
                        vec![target],
                        f.file.clone(),
                        false,
                    ));
                }
            }
            for (alias, targets) in &f.aliases {
                raw.insert(alias.clone(), (targets.clone(), f.file.clone(), true));
            }
        }
        let mut paths = HashMap::new();
        for (key, (targets, file, is_alias)) in &raw {
            let mut resolved = Vec::new();
            for t in targets {
                follow(&raw, t, &mut resolved, 0);
            }
            let foreign = |p: &String| !p.starts_with("crate::") && p != CRATE;
            if !is_alias {
                resolved.retain(foreign);
            }
            if !resolved.is_empty() {
                paths.insert(key.clone(), (resolved, file.clone()));
            }
        }
        let mut modules: HashMap<String, HashSet<String>> = HashMap::new();
        for (key, (_, file)) in &paths {
            if let Some((module, _)) = key.rsplit_once("::") {
                modules
                    .entry(module.to_string())
                    .or_default()
                    .insert(file.clone());
            }
        }
        CrateNames { paths, modules }
    }

    /// The paths the name at absolute path `path` (`crate::db::Pool`) stands for.
    pub fn lookup(&self, path: &str) -> Option<&[String]> {
        self.paths.get(path).map(|(targets, _)| targets.as_slice())
    }

    /// Whether the walk of `file` can learn something from this index: one of its
    /// imports names an entry another file makes, or one of its globs covers a module
    /// with such entries.
    pub fn helps(&self, file: &FileSummary) -> bool {
        file.imports.iter().any(|m| {
            let from_elsewhere = |f: &String| *f != file.file;
            m.names.iter().any(|(_, target)| {
                self.paths
                    .get(&target.join("::"))
                    .is_some_and(|(_, f)| from_elsewhere(f))
            }) || m.globs.iter().any(|g| {
                self.modules
                    .get(&g.join("::"))
                    .is_some_and(|files| files.iter().any(from_elsewhere))
            })
        })
    }
}

/// The absolute key of a module path: `crate` or `crate::a::b`.
fn module_key(module: &[String]) -> String {
    let mut key = CRATE.to_string();
    for m in module {
        key.push_str("::");
        key.push_str(m);
    }
    key
}

/// Appends what `path` stands for to `out`: itself, or through the entry of `raw` that
/// names it or its longest prefix (`crate::http::Client` where `crate::http` is
/// `reqwest::blocking`), at most [`MAX_HOPS`] deep, so import cycles end.
fn follow(
    raw: &HashMap<String, (Vec<String>, String, bool)>,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth < MAX_HOPS {
        let mut prefix = path;
        loop {
            if let Some((targets, ..)) = raw.get(prefix) {
                let rest = &path[prefix.len()..];
                for t in targets {
                    follow(raw, &format!("{t}{rest}"), out, depth + 1);
                }
                return;
            }
            match prefix.rsplit_once("::") {
                Some((shorter, _)) => prefix = shorter,
                None => break,
            }
        }
    }
    if !out.iter().any(|o| o == path) {
        out.push(path.to_string());
    }
}
