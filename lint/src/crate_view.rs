//! The crate view: one crate's module tree, summarized and solved by the call graph, so
//! that a front end that sees a single item (the attribute) can report calls from it to
//! crate fns that block, with the same findings `cargo blockwatch` makes.
//!
//! [`CrateView::load`] picks the crate's root from its manifest (the target named like
//! the crate that reaches the given file), follows `mod` declarations with the
//! [module model](crate::workspace), summarizes every file ([`summarize_file`]) and keeps
//! the transitive findings of the [call graph](crate::Graph): plain data, so a long-lived
//! process can keep it and ask [`CrateView::is_stale`] before reuse.

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
            let tree = ModuleTree::read(&root, target.kind == TargetKind::Test)?;
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

    /// Whether `file` is part of the crate.
    pub fn contains(&self, file: &Path) -> bool {
        self.by_path.contains_key(&normalize(file))
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

/// The files one crate root reaches, parsed, with their place in the crate.
struct ModuleTree {
    placed: Vec<PlacedFile>,
}

struct PlacedFile {
    path: PathBuf,
    module_path: Vec<String>,
    is_test: bool,
    syntax: syn::File,
    stamp: Option<Stamp>,
}

impl ModuleTree {
    /// Follows `mod` declarations from `root` with the engine's module model: the
    /// candidate files are the `.rs` files below the root's directory (and those `#[path]`
    /// attributes name); only the files the tree reaches are read and parsed.
    fn read(root: &Path, is_test: bool) -> Result<ModuleTree, CrateViewError> {
        let mut files = vec![root.to_path_buf()];
        if let Some(dir) = root.parent() {
            rust_files_below(dir, &mut files);
        }
        let mut decls: Vec<Vec<ModDecl>> = vec![Vec::new(); files.len()];
        let mut parsed: Vec<Option<(syn::File, Option<Stamp>)>> =
            (0..files.len()).map(|_| None).collect();
        let roots = [Root {
            unit: 0,
            file: 0,
            is_test,
        }];
        loop {
            let placements = resolve_modules(&files, &decls, &roots);
            let unread: Vec<usize> = (0..placements.len())
                .filter(|&i| placements[i].is_some() && parsed[i].is_none())
                .collect();
            if unread.is_empty() {
                let placed = placements
                    .into_iter()
                    .zip(files)
                    .zip(parsed)
                    .filter_map(|((placement, path), syntax)| {
                        let placement = placement?;
                        let (syntax, stamp) = syntax?;
                        Some(PlacedFile {
                            path,
                            module_path: placement.module_path,
                            is_test: placement.is_test,
                            syntax,
                            stamp,
                        })
                    })
                    .collect();
                return Ok(ModuleTree { placed });
            }
            for i in unread {
                let path = files[i].clone();
                let stamp = stamp(&path);
                let text = fs::read_to_string(&path).map_err(|e| CrateViewError {
                    path: path.clone(),
                    message: format!("cannot be read: {e}"),
                })?;
                let syntax =
                    crate::parse_source(&text, MAX_FILE_NESTING).map_err(|e| CrateViewError {
                        path: path.clone(),
                        message: format!("cannot be parsed: {e}"),
                    })?;
                decls[i] = mod_decls(&syntax);
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
                        parsed.push(None);
                    }
                }
                parsed[i] = Some((syntax, stamp));
            }
        }
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
            .map(|f| summarize_file(&f.syntax, &rel(&f.path), &f.module_path, f.is_test, config))
            .collect();
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
        }
    }
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
    let mut files = Vec::with_capacity(paths.len() + 1);
    for path in paths {
        let stamp = stamp(&path);
        let text = fs::read_to_string(&path).ok()?;
        let scan = crate::prefilter::scan_source(&text, config, &[]);
        if scan.may_report || scan.names_a_path {
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
