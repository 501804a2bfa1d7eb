//! The crate view: one crate's module tree, summarized and solved by the call graph, so
//! that a front end that sees a single item (the attribute) can report calls from it to
//! crate fns that block, with the same findings `cargo blockwatch` makes.
//!
//! [`CrateView::load`] picks the crate's root from its manifest (the target named like
//! the crate that reaches the given file), follows `mod` declarations with the
//! [module model](crate::workspace) through the files' text, parses and summarizes
//! ([`summarize_file`]) the files in the name closure of the blocking names (the others
//! cannot take part in a transitive finding; `prefilter/closure.rs` says why and when
//! the whole crate is parsed instead) and keeps the transitive findings of the
//! [call graph](crate::Graph): plain data, so a long-lived process can keep it and ask
//! [`CrateView::is_stale`] before reuse.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::deps::DependencyUnits;
use crate::workspace::{
    load_manifest, mod_decls, normalize, resolve_modules, ModDecl, Root, TargetKind,
};
use crate::{
    summarize_file, workspace_findings_with_dependencies, Config, CrateFile, FileSummary, Finding,
};

/// How deep a crate file may nest before the view refuses it (the parse runs on the
/// compiler's thread, whose stack is not the CLI workers' big one).
const MAX_FILE_NESTING: usize = 256;

mod dependencies;
mod read_choice;
use dependencies::CachedDependencies;

/// Why a crate view could not be built.
///
/// ```
/// let err = blockwatch_lint::CrateView::load(
///     std::path::Path::new("/no/such/dir"), "app", std::path::Path::new("/no/such/dir/src/main.rs"),
///     &Default::default(),
/// ).unwrap_err();
/// assert!(err.to_string().starts_with("/no/such/dir/Cargo.toml: "), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateViewError {
    /// The file the problem is in (a manifest, a source file, or the annotated file).
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl std::error::Error for CrateViewError {}

impl fmt::Display for CrateViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// One file the view read: where it is, how it is named in findings, and the size and
/// modification time it had when read.
#[derive(Debug, Clone)]
struct ViewFile {
    path: PathBuf,
    rel: String,
    stamp: Option<Stamp>,
}

/// One crate, read from disk and solved: the transitive findings of its call graph.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("blockwatch-doc-view-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("src")).unwrap();
/// std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
/// std::fs::write(dir.join("src/main.rs"), "mod config;\nasync fn run() {\n    config::load();\n}\nfn main() {}\n").unwrap();
/// std::fs::write(dir.join("src/config.rs"), "pub fn load() {\n    std::fs::read(\"a\").unwrap();\n}\n").unwrap();
/// let main = dir.join("src/main.rs");
/// let view = blockwatch_lint::CrateView::load(&dir, "app", &main, &Default::default()).unwrap();
/// let found = view.findings_in(&main, 1..=5, &Default::default());
/// assert_eq!(found[0].line, 3);
/// assert_eq!(found[0].chain()[0].to_string(), "`std::fs::read` at src/config.rs:2");
/// assert!(!view.is_stale());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct CrateView {
    files: Vec<ViewFile>,
    by_path: HashMap<PathBuf, usize>,
    /// Transitive findings only: direct ones the front end finds in the item itself.
    findings: Vec<Finding>,
    /// How many of the crate's files were parsed and summarized.
    parsed: usize,
}

impl CrateView {
    /// Loads the crate `crate_name` (as `CARGO_CRATE_NAME` spells it) of the package in
    /// `manifest_dir`, choosing among its targets of that name the one whose module tree
    /// reaches `item_file`; summarizes it with `config`.
    ///
    /// Fails when the manifest cannot be read, no target of that name reaches the file,
    /// or a file of the crate cannot be read or parsed.
    pub fn load(
        manifest_dir: &Path,
        crate_name: &str,
        item_file: &Path,
        config: &Config,
    ) -> Result<CrateView, CrateViewError> {
        let manifest_dir = normalize(manifest_dir);
        let item_file = normalize(item_file);
        let loaded = load_manifest(&manifest_dir).map_err(|e| CrateViewError {
            path: e.path,
            message: e.message,
        })?;
        let manifest = manifest_dir.join("Cargo.toml");
        let package = loaded
            .packages
            .iter()
            .find(|p| normalize(&p.dir) == manifest_dir)
            .ok_or_else(|| CrateViewError {
                path: manifest.clone(),
                message: "has no [package]".into(),
            })?;
        let dependencies = CachedDependencies::read(&manifest_dir, config);
        let mut tried = false;
        for target in package.targets.iter().filter(|t| t.name == crate_name) {
            tried = true;
            let root = normalize(&target.root);
            // A crate whose own text cannot block may still call a dependency that does.
            if dependencies.is_empty() {
                if let Some(view) = quiet_view(&manifest_dir, &root, &manifest, &item_file, config)
                {
                    return Ok(view.watching(&dependencies.watched));
                }
            }
            let _lexer = OwnLexer::begin();
            let is_test = target.kind == TargetKind::Test;
            // The name closure knows the crate's own names only; a dependency's blocking
            // fns are reached by names it cannot see, so such a crate is read in full, as
            // is a crate of one file, where the closure cannot skip any.
            let skimmed = if dependencies.is_empty() && may_have_more_files(&root) {
                ModuleTree::read_skimmed(&root, is_test, config)?
            } else {
                None
            };
            let tree = match skimmed {
                Some(tree) => tree,
                None => ModuleTree::read_parsed(&root, is_test)?,
            };
            if tree.placed.iter().any(|f| normalize(&f.path) == item_file) {
                return Ok(tree
                    .solve(&manifest_dir, &root, &manifest, config, &dependencies)
                    .watching(&dependencies.watched));
            }
        }
        Err(CrateViewError {
            path: item_file,
            message: if tried {
                format!("no `mod` declaration of crate `{crate_name}` reaches this file")
            } else {
                format!(
                    "{} declares no target named `{crate_name}`",
                    manifest.display()
                )
            },
        })
    }

    /// The view, also stale when one of `files` (caches it read or looked for) changes,
    /// appears or goes.
    fn watching(mut self, files: &[PathBuf]) -> CrateView {
        for path in files {
            self.files.push(ViewFile {
                rel: path.to_string_lossy().into_owned(),
                path: path.clone(),
                stamp: stamp(path),
            });
        }
        self
    }

    /// Whether a file the view read changed size or modification time since (or is gone).
    pub fn is_stale(&self) -> bool {
        self.files.iter().any(|f| stamp(&f.path) != f.stamp)
    }

    /// How many of the crate's files the view parsed and summarized: those in the name
    /// closure of the blocking names (see `prefilter/closure.rs`), or all of them when
    /// the crate needed the full read.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("blockwatch-doc-parsed-{}", std::process::id()));
    /// std::fs::create_dir_all(dir.join("src")).unwrap();
    /// std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    /// std::fs::write(dir.join("src/main.rs"), "mod config;\nmod text;\nasync fn run() {\n    config::load();\n}\nfn main() {}\n").unwrap();
    /// std::fs::write(dir.join("src/config.rs"), "pub fn load() {\n    std::fs::read(\"a\").unwrap();\n}\n").unwrap();
    /// std::fs::write(dir.join("src/text.rs"), "pub fn shout(s: &str) -> String {\n    s.to_uppercase()\n}\n").unwrap();
    /// let main = dir.join("src/main.rs");
    /// let view = blockwatch_lint::CrateView::load(&dir, "app", &main, &Default::default()).unwrap();
    /// assert_eq!(view.parsed_files(), 2, "text.rs names nothing that blocks");
    /// assert!(view.contains(&dir.join("src/text.rs")));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn parsed_files(&self) -> usize {
        self.parsed
    }

    /// Whether `file` is part of the crate.
    pub fn contains(&self, file: &Path) -> bool {
        self.by_path.contains_key(&normalize(file))
    }

    /// Whether any call in the crate is a transitive finding: when none is, no item
    /// needs its lines looked up.
    ///
    /// ```no_run
    /// # fn demo(view: &blockwatch_lint::CrateView) {
    /// if !view.has_findings() {
    ///     // every annotated item of the crate is alone with its own tokens
    /// }
    /// # }
    /// ```
    pub fn has_findings(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The transitive findings whose call starts in `file` within `lines`, as `config`
    /// keeps them (categories it disables and blocking APIs it exempts are dropped; the
    /// view itself was summarized with the project's configuration).
    pub fn findings_in(
        &self,
        file: &Path,
        lines: std::ops::RangeInclusive<usize>,
        config: &Config,
    ) -> Vec<&Finding> {
        if self.findings.is_empty() {
            // A quiet crate (most of them): no path to normalize and look up per item.
            return Vec::new();
        }
        let rel = self
            .by_path
            .get(&normalize(file))
            .map(|&i| self.files[i].rel.as_str());
        self.findings
            .iter()
            .filter(|f| {
                Some(f.file.as_str()) == rel
                    && lines.contains(&f.line)
                    && config.is_category_enabled(f.category)
                    && !config.catalog.exempts(f.blocking_api())
            })
            .collect()
    }
}

/// The files one crate root reaches, with their place in the crate; parsed where the
/// view needs their syntax.
struct ModuleTree {
    placed: Vec<PlacedFile>,
}

struct PlacedFile {
    path: PathBuf,
    module_path: Vec<String>,
    is_test: bool,
    /// `None` for a file outside the [name closure](crate::prefilter::files_to_parse):
    /// nothing in it can take part in a transitive finding.
    syntax: Option<syn::File>,
    stamp: Option<Stamp>,
}

/// A reached file as the walk read it: its `mod` declarations and what else the reader
/// kept.
struct ReadFile<T> {
    path: PathBuf,
    module_path: Vec<String>,
    is_test: bool,
    content: T,
    stamp: Option<Stamp>,
}

impl ModuleTree {
    /// Follows `mod` declarations from `root`, parsing every file it reaches.
    fn read_parsed(root: &Path, is_test: bool) -> Result<ModuleTree, CrateViewError> {
        let read = walk(root, is_test, |path, text| {
            let syntax = parse(path, &text)?;
            Ok(Some((mod_decls(&syntax), syntax)))
        })?;
        let placed = read.into_iter().flatten().map(|f| PlacedFile {
            path: f.path,
            module_path: f.module_path,
            is_test: f.is_test,
            syntax: Some(f.content),
            stamp: f.stamp,
        });
        Ok(ModuleTree {
            placed: placed.collect(),
        })
    }

    /// Follows `mod` declarations from `root` through the files' text (their
    /// [module skeleton](crate::prefilter::SkimmedFile)), and parses only the files in
    /// the name closure of the blocking names. `None` when a file needs the full read
    /// ([`SkimmedFile::read`](crate::prefilter::SkimmedFile::read) says when).
    fn read_skimmed(
        root: &Path,
        is_test: bool,
        config: &Config,
    ) -> Result<Option<ModuleTree>, CrateViewError> {
        let read = walk(root, is_test, |_, text| {
            Ok(crate::prefilter::SkimmedFile::read(&text, config)
                .map(|skim| (skim.decls.clone(), (text, skim))))
        })?;
        let Some(read) = read else {
            return Ok(None);
        };
        let skims: Vec<&crate::prefilter::SkimmedFile> =
            read.iter().map(|f| &f.content.1).collect();
        let module_paths: Vec<&[String]> = read.iter().map(|f| f.module_path.as_slice()).collect();
        let to_parse = crate::prefilter::files_to_parse(&skims, &module_paths);
        let mut placed = Vec::with_capacity(read.len());
        for (f, parse_it) in read.into_iter().zip(to_parse) {
            let syntax = if parse_it {
                Some(parse(&f.path, &f.content.0)?)
            } else {
                None
            };
            placed.push(PlacedFile {
                path: f.path,
                module_path: f.module_path,
                is_test: f.is_test,
                syntax,
                stamp: f.stamp,
            });
        }
        Ok(Some(ModuleTree { placed }))
    }

    /// Summarizes every file and solves the call graph, with the cached summaries of the
    /// crate's dependencies as units of their own.
    fn solve(
        self,
        manifest_dir: &Path,
        root: &Path,
        manifest: &Path,
        config: &Config,
        dependencies: &CachedDependencies,
    ) -> CrateView {
        let rel = |path: &Path| relative_name(manifest_dir, root, path);
        let summaries: Vec<FileSummary> = self
            .placed
            .iter()
            .filter_map(|f| {
                let syntax = f.syntax.as_ref()?;
                Some(summarize_file(
                    syntax,
                    &rel(&f.path),
                    &f.module_path,
                    f.is_test,
                    config,
                ))
            })
            .collect();
        let parsed = summaries.len();
        let mut crate_files: Vec<CrateFile> = summaries
            .iter()
            .map(|summary| CrateFile { unit: 0, summary })
            .collect();
        for (i, cached) in dependencies.units.iter().enumerate() {
            for summary in cached.iter().flat_map(|(_, s)| s) {
                crate_files.push(CrateFile {
                    unit: i + 1,
                    summary,
                });
            }
        }
        let units: DependencyUnits = dependencies.units_map();
        let findings = workspace_findings_with_dependencies(&crate_files, &HashMap::new(), &units)
            .into_iter()
            .filter(Finding::is_transitive)
            .collect();
        let mut files: Vec<ViewFile> = self
            .placed
            .into_iter()
            .map(|f| ViewFile {
                rel: rel(&f.path),
                path: normalize(&f.path),
                stamp: f.stamp,
            })
            .collect();
        files.push(ViewFile {
            rel: rel(manifest),
            path: manifest.to_path_buf(),
            stamp: stamp(manifest),
        });
        let by_path = files
            .iter()
            .enumerate()
            .take(files.len() - 1)
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        CrateView {
            files,
            by_path,
            findings,
            parsed,
        }
    }
}

/// Follows `mod` declarations from `root` with the engine's module model: the
/// candidate files are the `.rs` files below the root's directory (and those `#[path]`
/// attributes name); only the files the tree reaches are read, each by `read_one`
/// (given its path and text), which gives its declarations and what to keep of it, or
/// `None` to give up the walk. The reached files, in the order the walk found them.
fn walk<T>(
    root: &Path,
    is_test: bool,
    mut read_one: impl FnMut(&Path, String) -> Result<Option<(Vec<ModDecl>, T)>, CrateViewError>,
) -> Result<Option<Vec<ReadFile<T>>>, CrateViewError> {
    let mut files = vec![root.to_path_buf()];
    if let Some(dir) = root.parent() {
        rust_files_below(dir, &mut files);
    }
    let mut decls: Vec<Vec<ModDecl>> = vec![Vec::new(); files.len()];
    let mut contents: Vec<Option<(T, Option<Stamp>)>> = (0..files.len()).map(|_| None).collect();
    let roots = [Root {
        unit: 0,
        file: 0,
        is_test,
    }];
    loop {
        let placements = resolve_modules(&files, &decls, &roots);
        let unread: Vec<usize> = (0..placements.len())
            .filter(|&i| placements[i].is_some() && contents[i].is_none())
            .collect();
        if unread.is_empty() {
            let read = placements
                .into_iter()
                .zip(files)
                .zip(contents)
                .filter_map(|((placement, path), content)| {
                    let placement = placement?;
                    let (content, stamp) = content?;
                    Some(ReadFile {
                        path,
                        module_path: placement.module_path,
                        is_test: placement.is_test,
                        content,
                        stamp,
                    })
                })
                .collect();
            return Ok(Some(read));
        }
        for i in unread {
            let path = files[i].clone();
            let stamp = stamp(&path);
            let text = fs::read_to_string(&path).map_err(|e| CrateViewError {
                path: path.clone(),
                message: format!("cannot be read: {e}"),
            })?;
            let Some((file_decls, content)) = read_one(&path, text)? else {
                return Ok(None);
            };
            decls[i] = file_decls;
            // `#[path]` may name a file outside the root's directory.
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let named_paths: Vec<PathBuf> = decls[i]
                .iter()
                .filter_map(|d| d.path_attr.as_ref())
                .map(|p| normalize(&dir.join(p)))
                .collect();
            for named in named_paths {
                if named.is_file() && !files.iter().any(|f| normalize(f) == named) {
                    files.push(named);
                    decls.push(Vec::new());
                    contents.push(None);
                }
            }
            contents[i] = Some((content, stamp));
        }
    }
}

/// Whether the crate of `root` may have a file besides it (see
/// [`read_choice::may_declare_file_modules`]); a root that cannot be read leaves it to
/// the full read to say why.
fn may_have_more_files(root: &Path) -> bool {
    fs::read_to_string(root).is_ok_and(|text| read_choice::may_declare_file_modules(&text))
}

/// One crate file's syntax, with the view's nesting limit.
fn parse(path: &Path, text: &str) -> Result<syn::File, CrateViewError> {
    crate::parse_source(text, MAX_FILE_NESTING).map_err(|e| CrateViewError {
        path: path.to_path_buf(),
        message: format!("cannot be parsed: {e}"),
    })
}

/// The view of a crate none of whose files can start a finding, read without a parse:
/// no fn of it blocks, so it has no transitive findings. Its files are the `.rs` files
/// below the root's directory, all of them (whether a `mod` reaches them or not: none
/// blocks either way). `None` sends the crate to the full read: a file holds a name that
/// can start a finding, or names a `#[path]` (which may lead out of the directory),
/// or cannot be read or lexed (the full read says why), or `item_file` is not among them.
///
/// Lexing and parsing every file cost most of a crate view in a debug build of the proc
/// macro (BENCHMARKS.md, "Crate view cost"); this scan skips both.
fn quiet_view(
    manifest_dir: &Path,
    root: &Path,
    manifest: &Path,
    item_file: &Path,
    config: &Config,
) -> Option<CrateView> {
    let mut paths = vec![root.to_path_buf()];
    rust_files_below(root.parent()?, &mut paths);
    let paths: Vec<PathBuf> = paths.iter().map(|p| normalize(p)).collect();
    if !paths.iter().any(|p| p == item_file) {
        return None;
    }
    // Smallest first: one file that can start a finding ends the scan, and the root (a
    // crate's biggest file, often) is then never lexed twice, here and in the closure.
    let mut stamped: Vec<(PathBuf, Option<Stamp>)> = paths
        .into_iter()
        .map(|path| {
            let stamp = stamp(&path);
            (path, stamp)
        })
        .collect();
    stamped.sort_by_key(|(_, stamp)| stamp.map_or(0, |(len, _)| len));
    let mut files = Vec::with_capacity(stamped.len() + 1);
    let mut writes = crate::prefilter::WriteMacros::default();
    for (path, stamp) in stamped {
        let text = fs::read_to_string(&path).ok()?;
        let scan = crate::prefilter::scan_source(&text, config, &[]);
        writes.merge(scan.writes);
        if scan.may_report || scan.names_a_path || writes.may_report() {
            return None;
        }
        files.push(ViewFile {
            rel: relative_name(manifest_dir, root, &path),
            path,
            stamp,
        });
    }
    let by_path = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    files.push(ViewFile {
        rel: relative_name(manifest_dir, root, manifest),
        path: manifest.to_path_buf(),
        stamp: stamp(manifest),
    });
    Some(CrateView {
        files,
        by_path,
        findings: Vec::new(),
        parsed: 0,
    })
}

/// How findings name `path`: relative to the package, else to the root's directory.
fn relative_name(manifest_dir: &Path, root: &Path, path: &Path) -> String {
    let base = root.parent().unwrap_or(manifest_dir);
    let short = path
        .strip_prefix(manifest_dir)
        .or_else(|_| path.strip_prefix(base))
        .unwrap_or(path);
    short.to_string_lossy().replace('\\', "/")
}

/// The `.rs` files below `dir`, skipping hidden directories and `target`.
fn rust_files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                rust_files_below(&path, out);
            }
        } else if name.ends_with(".rs") && !out.contains(&path) {
            out.push(path);
        }
    }
}

/// Inside a proc macro, proc-macro2 would lex crate files into compiler tokens, whose
/// spans carry no lines of their own; the view parses with proc-macro2's own lexer
/// for as long as this guard lives. rustc expands on one thread, so nothing else
/// builds tokens meanwhile.
struct OwnLexer;

impl OwnLexer {
    fn begin() -> OwnLexer {
        proc_macro2::fallback::force();
        OwnLexer
    }
}

impl Drop for OwnLexer {
    fn drop(&mut self) {
        proc_macro2::fallback::unforce();
    }
}

/// A file's size and modification time.
type Stamp = (u64, SystemTime);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A package `app` in a fresh temp dir with `files` (path below `src/`, text).
    fn package(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "blockwatch-view-closure-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join("src").join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        fs::write(dir.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
        dir
    }

    /// The view of `dir`'s `app` crate as `load` builds it, and its findings as the full
    /// read of every file gives them.
    fn skimmed_and_full(dir: &Path) -> (CrateView, Vec<Finding>) {
        let root = dir.join("src/main.rs");
        let config = Config::default();
        let view = CrateView::load(dir, "app", &root, &config).unwrap();
        let dependencies = CachedDependencies::read(dir, &config);
        let full = ModuleTree::read_parsed(&root, false).unwrap().solve(
            dir,
            &root,
            &dir.join("Cargo.toml"),
            &config,
            &dependencies,
        );
        (view, full.findings)
    }

    #[test]
    fn the_view_parses_the_chain_skips_the_rest_and_finds_what_the_full_read_finds() {
        let dir = package(
            "chain",
            &[
                (
                    "main.rs",
                    "mod a;\nmod b;\nmod c;\nmod store;\nmod quiet;\nasync fn run(s: &store::Store) {\n    a::first();\n    s.fetch();\n}\nfn main() {}\n",
                ),
                ("a.rs", "pub fn first() {\n    crate::b::second();\n}\n"),
                ("b.rs", "pub fn second() {\n    crate::c::third();\n}\n"),
                ("c.rs", "pub fn third() {\n    std::fs::read(\"x\").unwrap();\n}\n"),
                (
                    "store.rs",
                    "pub struct Store;\nimpl Store {\n    pub fn fetch(&self) {\n        std::thread::sleep(std::time::Duration::from_millis(1));\n    }\n}\n",
                ),
                (
                    "quiet.rs",
                    "// calls third() in a comment only\npub fn shout(s: &str) -> String {\n    s.to_uppercase()\n}\n",
                ),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        let lines: Vec<usize> = view.findings.iter().map(|f| f.line).collect();
        assert_eq!(lines, [7, 8], "{:?}", view.findings);
        assert_eq!(view.parsed_files(), 5, "quiet.rs is not parsed");
        assert!(view.contains(&dir.join("src/quiet.rs")));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_skipped_file_still_declares_the_modules_below_it() {
        let dir = package(
            "skeleton",
            &[
                (
                    "main.rs",
                    "mod outer;\nmod quiet;\nasync fn run() {\n    outer::inner::deep();\n}\nfn main() {}\n",
                ),
                ("outer/mod.rs", "pub mod inner;\npub fn idle() {}\n"),
                ("outer/inner.rs", "pub fn deep() {\n    std::fs::remove_file(\"x\").ok();\n}\n"),
                (
                    "quiet/mod.rs",
                    "#[cfg(test)]\nmod checks;\npub mod nested {\n    pub mod deeper;\n}\n",
                ),
                ("quiet/checks.rs", "fn checked() {}\n"),
                ("quiet/nested/deeper.rs", "pub fn rest() {}\n"),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        assert_eq!(view.findings.len(), 1, "{:?}", view.findings);
        assert!(view.findings[0].chain()[0]
            .to_string()
            .contains("src/outer/inner.rs:2"));
        assert_eq!(
            view.parsed_files(),
            2,
            "main.rs and outer/inner.rs: outer/mod.rs only declares `inner`"
        );
        for placed in ["quiet/mod.rs", "quiet/checks.rs", "quiet/nested/deeper.rs"] {
            assert!(view.contains(&dir.join("src").join(placed)), "{placed}");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_module_declared_inside_a_forwarding_macro_is_read() {
        let dir = package(
            "forwarded",
            &[
                (
                    "main.rs",
                    "macro_rules! gate {\n    ($($item:item)*) => { $( #[cfg(not(target_arch = \"wasm32\"))] $item )* };\n}\ngate! {\n    mod store;\n}\nasync fn run() {\n    store::load();\n}\nfn main() {}\n",
                ),
                ("store.rs", "pub fn load() {\n    std::fs::read(\"x\").ok();\n}\n"),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        assert_eq!(view.findings.len(), 1, "{:?}", view.findings);
        assert!(view.findings[0].chain()[0]
            .to_string()
            .contains("src/store.rs:2"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn traits_renames_globs_and_offloaders_across_files_agree_with_the_full_read() {
        let dir = package(
            "mixed",
            &[
                (
                    "main.rs",
                    "mod api;\nmod backend;\nmod disk;\nmod pool;\nmod prelude;\nmod idle;\nuse prelude::*;\nasync fn save_it(b: &dyn backend::Backend) {\n    b.save();\n}\nasync fn renamed() {\n    api::persist();\n}\nasync fn globbed() {\n    flush_all();\n}\nasync fn offloaded() {\n    pool::run_in_pool(|| disk::flush_all());\n}\nfn main() {}\n",
                ),
                ("backend.rs", "pub trait Backend {\n    fn save(&self);\n}\n"),
                (
                    "disk.rs",
                    "pub struct Disk;\nimpl crate::backend::Backend for Disk {\n    fn save(&self) {\n        std::fs::write(\"p\", b\"x\").unwrap();\n    }\n}\npub fn flush_all() {\n    std::fs::remove_file(\"p\").ok();\n}\n",
                ),
                ("api.rs", "pub use crate::disk::flush_all as persist;\n"),
                ("prelude.rs", "pub use crate::disk::*;\n"),
                (
                    "pool.rs",
                    "pub fn run_in_pool<F: FnOnce() + Send + 'static>(f: F) {\n    std::thread::spawn(f);\n}\n",
                ),
                ("idle.rs", "pub fn count(v: &[u8]) -> usize {\n    v.len()\n}\n"),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        let lines: Vec<usize> = view.findings.iter().map(|f| f.line).collect();
        assert_eq!(lines, [9, 12, 15], "{:?}", view.findings);
        assert_eq!(view.parsed_files(), 6, "all but idle.rs");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_receiver_typed_by_a_constructor_in_another_file_is_typed_as_on_the_full_read() {
        let dir = package(
            "typed",
            &[
                (
                    "main.rs",
                    "mod make;\nmod quiet_store;\nmod slow_store;\npub use quiet_store::Quiet;\nasync fn run() {\n    let s = make::quiet();\n    s.fetch();\n}\nasync fn slow(s: &slow_store::Slow) {\n    s.fetch();\n}\nfn main() {}\n",
                ),
                (
                    "make.rs",
                    "pub fn quiet() -> crate::Quiet {\n    crate::Quiet\n}\n",
                ),
                (
                    "quiet_store.rs",
                    "pub struct Quiet;\nimpl Quiet {\n    pub fn fetch(&self) {}\n}\n",
                ),
                (
                    "slow_store.rs",
                    "pub struct Slow;\nimpl Slow {\n    pub fn fetch(&self) {\n        std::thread::sleep(std::time::Duration::from_millis(1));\n    }\n}\n",
                ),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        let lines: Vec<usize> = view.findings.iter().map(|f| f.line).collect();
        assert_eq!(
            lines,
            [10],
            "only the slow store blocks: {:?}",
            view.findings
        );
        assert_eq!(view.parsed_files(), 4, "make.rs types the receiver");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_pool_s_get_is_found_as_on_the_full_read_and_a_file_with_only_common_methods_is_skipped() {
        let dir = package(
            "pool",
            &[
                (
                    "main.rs",
                    "mod db;\nmod quiet;\nmod state;\nasync fn handle(s: &state::AppState, p: &db::DbPool) {\n    connect(p);\n    s.conn();\n    direct(p);\n}\nfn connect(p: &db::DbPool) {\n    let _c = p.get();\n}\nfn direct(p: &r2d2::Pool<u8>) {\n    let _c = p.get();\n}\nfn main() {}\n",
                ),
                ("db.rs", "pub type DbPool = r2d2::Pool<Manager>;\npub struct Manager;\n"),
                (
                    "state.rs",
                    "pub struct AppState {\n    pub pool: crate::db::DbPool,\n}\nimpl AppState {\n    pub fn conn(&self) {\n        let _c = self.pool.get();\n    }\n}\n",
                ),
                (
                    "quiet.rs",
                    "pub struct Slot;\nimpl Slot {\n    pub fn lock(&self) {}\n}\npub async fn first(v: &[u8], s: &Slot) -> Option<u8> {\n    peek(v, s)\n}\nfn peek(v: &[u8], s: &Slot) -> Option<u8> {\n    s.lock();\n    v.get(0).copied()\n}\n",
                ),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        let lines: Vec<usize> = view.findings.iter().map(|f| f.line).collect();
        // The engine does not type `db::DbPool` or the field through the alias in another
        // file (neither read finds lines 5 and 6); the closure keeps their files anyway.
        assert_eq!(lines, [7], "the pool's get blocks: {:?}", view.findings);
        assert_eq!(view.parsed_files(), 3, "quiet.rs calls no blocking method");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_write_macro_into_stdout_in_another_file_is_found_as_on_the_full_read() {
        let dir = package(
            "write",
            &[
                (
                    "main.rs",
                    "mod out;\nasync fn run() {\n    out::say();\n}\nfn main() {}\n",
                ),
                (
                    "out.rs",
                    "use std::io::Write;\npub fn say() {\n    writeln!(std::io::stdout(), \"x\").unwrap();\n}\n",
                ),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        let lines: Vec<usize> = view.findings.iter().map(|f| f.line).collect();
        assert_eq!(lines, [3], "the write locks stdout: {:?}", view.findings);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_quiet_scan_judges_the_crate_whichever_file_it_reads_first() {
        let quiet = |name: &str, files: &[(&str, &str)]| {
            let dir = package(name, files);
            let root = dir.join("src/main.rs");
            let config = Config::default();
            let view = quiet_view(&dir, &root, &dir.join("Cargo.toml"), &root, &config);
            let files = view.as_ref().map(|v| v.by_path.len());
            fs::remove_dir_all(&dir).unwrap();
            files
        };
        let big_root = format!(
            "mod out;\nuse std::fmt::Write as _;\n{}fn main() {{}}\n",
            "fn label(s: &mut String) {\n    write!(s, \"x\").unwrap();\n}\n".repeat(40)
        );
        // The `write!` is in the biggest file, the blocking writer in the smallest: only
        // together can they start a finding (a `File` typed in another file).
        assert_eq!(
            quiet(
                "quiet-split",
                &[
                    ("main.rs", &big_root),
                    ("out.rs", "pub type Log = std::fs::File;\n")
                ]
            ),
            None
        );
        assert_eq!(
            quiet(
                "quiet-small-blocks",
                &[
                    ("main.rs", &big_root),
                    ("out.rs", "pub fn nap() {\n    std::thread::sleep(d);\n}\n")
                ]
            ),
            None
        );
        assert_eq!(
            quiet(
                "quiet-all",
                &[
                    ("main.rs", &big_root),
                    ("out.rs", "pub type Line = String;\n")
                ]
            ),
            Some(2)
        );
    }

    #[test]
    fn a_crate_of_one_file_takes_the_full_read_which_parses_what_the_closure_would() {
        for (name, main) in [
            (
                "single-blocks",
                "fn load() -> String {\n    std::fs::read_to_string(\"a\").unwrap()\n}\nasync fn run() {\n    load();\n}\nfn main() {}\n",
            ),
            (
                "single-inline",
                "mod inner {\n    pub fn nap() {\n        std::thread::sleep(std::time::Duration::from_millis(1));\n    }\n}\nasync fn run() {\n    inner::nap();\n}\nfn main() {}\n",
            ),
            (
                "single-method",
                "struct Db;\nimpl Db {\n    fn get(&self) {\n        std::thread::sleep(std::time::Duration::from_millis(1));\n    }\n}\nasync fn run(db: &Db) {\n    db.get();\n}\nfn main() {}\n",
            ),
        ] {
            let dir = package(name, &[("main.rs", main)]);
            let root = dir.join("src/main.rs");
            assert!(!may_have_more_files(&root), "{name}");
            let config = Config::default();
            let skimmed = ModuleTree::read_skimmed(&root, false, &config)
                .unwrap()
                .expect("the closure can read it");
            let closure_parses = skimmed.placed.iter().filter(|f| f.syntax.is_some()).count();
            assert_eq!(closure_parses, 1, "{name}: the closure parses the one file too");
            let dependencies = CachedDependencies::read(&dir, &config);
            let manifest = dir.join("Cargo.toml");
            let by_closure = skimmed.solve(&dir, &root, &manifest, &config, &dependencies);
            let (view, full) = skimmed_and_full(&dir);
            assert_eq!(view.findings, full, "{name}");
            assert_eq!(by_closure.findings, full, "{name}");
            assert_eq!(view.findings.len(), 1, "{name}: {:?}", view.findings);
            assert_eq!(view.parsed_files(), 1, "{name}");
            fs::remove_dir_all(&dir).unwrap();
        }
        let dir = package(
            "two-files",
            &[
                ("main.rs", "mod a;\nfn main() {}\n"),
                ("a.rs", "pub fn idle() {}\n"),
            ],
        );
        assert!(may_have_more_files(&dir.join("src/main.rs")));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_path_attribute_sends_the_crate_to_the_full_read() {
        let dir = package(
            "path",
            &[
                (
                    "main.rs",
                    "#[path = \"renamed.rs\"]\nmod helpers;\nmod quiet;\nasync fn run() {\n    helpers::load();\n}\nfn main() {}\n",
                ),
                ("renamed.rs", "pub fn load() {\n    std::fs::read(\"x\").unwrap();\n}\n"),
                ("quiet.rs", "pub fn idle() {}\n"),
            ],
        );
        let (view, full) = skimmed_and_full(&dir);
        assert_eq!(view.findings, full);
        assert_eq!(view.findings.len(), 1);
        assert_eq!(view.parsed_files(), 3, "every file, quiet.rs too");
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(test)]
mod repository_agreement {
    use super::*;

    /// Every package of this repository (its crates and the CLI's fixture crates) with a
    /// `Cargo.toml` of its own, below `dir`.
    fn package_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() && !name.starts_with('.') && name != "target" {
                if path.join("Cargo.toml").is_file() {
                    out.push(path.clone());
                }
                package_dirs(&path, out);
            }
        }
    }

    #[test]
    fn the_name_closure_finds_what_the_full_read_finds_on_every_crate_of_the_repository() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut dirs = Vec::new();
        package_dirs(repo, &mut dirs);
        let config = Config::default();
        let mut compared = 0;
        let mut skipped_files = 0;
        let mut with_findings = 0;
        let mut all_files = 0;
        for dir in dirs {
            let Ok(loaded) = load_manifest(&dir) else {
                continue;
            };
            let dependencies = CachedDependencies::read(&dir, &config);
            for package in &loaded.packages {
                for target in &package.targets {
                    let root = normalize(&target.root);
                    let is_test = target.kind == TargetKind::Test;
                    let Ok(full) = ModuleTree::read_parsed(&root, is_test) else {
                        continue;
                    };
                    let total = full.placed.len();
                    let Some(skimmed) = ModuleTree::read_skimmed(&root, is_test, &config).unwrap()
                    else {
                        continue;
                    };
                    let manifest = package.dir.join("Cargo.toml");
                    let full = full.solve(&package.dir, &root, &manifest, &config, &dependencies);
                    let skimmed =
                        skimmed.solve(&package.dir, &root, &manifest, &config, &dependencies);
                    assert_eq!(skimmed.findings, full.findings, "{}", root.display());
                    compared += 1;
                    skipped_files += total - skimmed.parsed_files();
                    all_files += total;
                    with_findings += usize::from(!full.findings.is_empty());
                }
            }
        }
        assert!(compared >= 20, "{compared} targets compared");
        assert!(
            with_findings >= 5,
            "{with_findings} targets with transitive findings"
        );
        assert!(skipped_files > 0, "no file was skipped");
        eprintln!("{compared} targets, {with_findings} with findings, {skipped_files} of {all_files} files skipped");
    }
}
