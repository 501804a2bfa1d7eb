//! The scan pipeline: plan (which files, which crates, which configuration) ->
//! analyse every file in parallel -> place files in their modules -> interprocedural
//! analysis -> filter (tests, categories, `allow`) -> a [`Report`].

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use blockwatch_lint::deps::{
    Cfg, Dependency, DependencyGraph, DependencyUnits, DependencyWrappers, Known, SourceKind,
};
use blockwatch_lint::workspace::{self, normalize, ModDecl, Placement, Root, TargetKind};
use blockwatch_lint::{
    dependency_essentials, Config, ConfigError, CrateFile, CrateNames, CrateReachability,
    FileSummary, PackageUnits, SourceError,
};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::args::{Options, TestMode};
use crate::diagnostic::{Allowed, Diagnostic, InputError, Report};
use crate::pool;
use crate::source::{read_source, MAX_FILE_BYTES};
use crate::walk::{self, display_path, Filter};

mod crate_names_pass;
mod dependency_notes;
mod reached_set_pass;

/// A crate being scanned: one target of a package, or a directory / file given as is.
#[derive(Debug, Clone)]
struct Unit {
    /// The directory its module files live in (the root file's directory, or for
    /// `src/bin/x.rs` the directory `src/bin/x/`).
    base: PathBuf,
    /// Integration tests are test code throughout.
    is_test: bool,
    /// Its root file.
    root: Option<PathBuf>,
}

/// A configuration in force for a package.
struct PackageConfig {
    dir: PathBuf,
    config: Config,
    /// For a dependency: what its `cfg`s see (its enabled features). Its files' errors
    /// are notes, not input errors of the scan.
    dependency: Option<Cfg>,
}

/// One file to analyse.
#[derive(Debug, Clone)]
struct Source {
    path: PathBuf,
    rel: String,
    package: usize,
    guess: Placement,
}

/// An error that stops the scan before it starts (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fatal(pub(crate) String);

struct Planner<'a> {
    opts: &'a Options,
    root: PathBuf,
    exclude: GlobSet,
    extra_config: Option<Config>,
    units: Vec<Unit>,
    packages: Vec<PackageConfig>,
    sources: Vec<Source>,
    seen: HashMap<PathBuf, usize>,
    lib_crates: HashMap<String, usize>,
    errors: Vec<InputError>,
    /// The dependency crates among `units`.
    deps: DependencyUnits,
    /// Problems with dependencies: reported, but they do not change the exit code.
    notes: Vec<InputError>,
    /// Dependency summaries read from the cache, by unit.
    cached: Vec<(usize, Vec<FileSummary>)>,
    /// Dependencies parsed in this scan, to be cached: (unit, cache file, key, label).
    to_cache: Vec<(usize, PathBuf, String, String)>,
    /// The packages manifests declared: name, units, dependencies by package name.
    manifest_packages: Vec<(String, PackageUnits, Vec<String>)>,
    /// The reached dependencies' items came from the reached-set cache.
    reached_set_hit: bool,
}

/// Where the dependencies' summaries are and under which keys, by index in the graph.
struct DependencyPlan {
    /// Each dependency's crate unit.
    units: Vec<usize>,
    /// The directory of the summary cache files.
    cache_dir: PathBuf,
    /// The key each cache file must have, computed for the dependencies read.
    keys: blockwatch_lint::deps::SummaryKeys,
    /// A path dependency's files (and the errors met listing them), listed for its key.
    walked: Vec<Option<(Vec<PathBuf>, Vec<InputError>)>>,
    /// The configuration dependencies are checked with.
    config: Config,
}

impl DependencyPlan {
    /// Where dependency `i`'s summaries are cached.
    fn cache_file(&self, graph: &DependencyGraph, i: usize) -> PathBuf {
        self.cache_dir
            .join(blockwatch_lint::deps::summary_file_name(
                &graph.dependencies[i],
            ))
    }
}

fn config_error(root: &Path, e: &ConfigError) -> InputError {
    InputError {
        path: display_path(root, &e.file),
        line: e.line,
        column: None,
        message: match &e.key {
            Some(key) => format!("invalid configuration: `{key}`: {}", e.message),
            None => format!("invalid configuration: {}", e.message),
        },
    }
}

impl<'a> Planner<'a> {
    fn new(opts: &'a Options) -> Result<Self, Fatal> {
        let cwd = std::env::current_dir()
            .map_err(|e| Fatal(format!("cannot read the current directory: {e}")))?;
        let absolute = |p: &Path| normalize(&cwd.join(p));
        let root = match opts.paths.as_slice() {
            [single] if single.is_dir() => absolute(single),
            _ => cwd.clone(),
        };
        let mut builder = GlobSetBuilder::new();
        for glob in &opts.exclude {
            let glob = Glob::new(glob).map_err(|e| Fatal(format!("--exclude {glob}: {e}")))?;
            builder.add(glob);
        }
        let exclude = builder
            .build()
            .map_err(|e| Fatal(format!("--exclude: {e}")))?;
        let extra_config = match &opts.config {
            None => None,
            Some(path) => {
                let text = fs::read_to_string(path)
                    .map_err(|e| Fatal(format!("--config {}: {e}", path.display())))?;
                Some(Config::from_toml_str(&text, path).map_err(|e| Fatal(e.to_string()))?)
            }
        };
        if let Some(ceiling) = &opts.config_root {
            if !ceiling.is_dir() {
                return Err(Fatal(format!(
                    "--config-root {}: not a directory",
                    ceiling.display()
                )));
            }
        }
        Ok(Planner {
            opts,
            root,
            exclude,
            extra_config,
            units: Vec::new(),
            packages: Vec::new(),
            sources: Vec::new(),
            seen: HashMap::new(),
            lib_crates: HashMap::new(),
            errors: Vec::new(),
            deps: DependencyUnits::default(),
            notes: Vec::new(),
            cached: Vec::new(),
            to_cache: Vec::new(),
            manifest_packages: Vec::new(),
            reached_set_hit: false,
        })
    }

    fn filter(&self) -> Filter<'_> {
        Filter {
            root: &self.root,
            exclude: &self.exclude,
            skip_tests_dir: self.opts.tests == TestMode::Skip,
        }
    }

    /// The configuration for a package directory: discovered, then `--config`, then
    /// the command line's categories.
    fn add_package(&mut self, dir: &Path) -> usize {
        let discovered = match &self.opts.config_root {
            Some(ceiling) => Config::discover_within(dir, ceiling),
            None => Config::discover(dir),
        };
        let mut config = match discovered {
            Ok(found) => found.config,
            Err(e) => {
                self.errors.push(config_error(&self.root, &e));
                Config::default()
            }
        };
        if let Some(extra) = &self.extra_config {
            config.merge(extra.clone());
        }
        config.catalog.merge(blockwatch_lint::CatalogConfig {
            enable: self.opts.enable.clone(),
            disable: self.opts.disable.clone(),
            ..Default::default()
        });
        self.packages.push(PackageConfig {
            dir: dir.to_path_buf(),
            config,
            dependency: None,
        });
        self.packages.len() - 1
    }

    /// Adds the library crate of every dependency in `graph` as a unit of its own and the
    /// names each crate's code uses for the others; returns where each one's summaries
    /// are cached and under which key. Dependencies are checked with the configuration of
    /// the scanned root (the catalog the user chose), and their own `blockwatch.toml` is
    /// not read.
    fn add_dependency_units(&mut self, graph: &DependencyGraph) -> DependencyPlan {
        let config = self
            .packages
            .first()
            .map(|p| p.config.clone())
            .unwrap_or_default();
        let cache_dir = graph
            .target_directory
            .clone()
            .unwrap_or_else(|| self.root.join("target"))
            .join("blockwatch/deps");
        // A path dependency's files are in its key (their mtimes); a registry or git
        // source never changes, so its files are listed only when it is parsed.
        let walked: Vec<Option<(Vec<PathBuf>, Vec<InputError>)>> = graph
            .dependencies
            .iter()
            .map(|dep| {
                (dep.source == SourceKind::Path && dep.lib_root.is_file())
                    .then(|| dependency_files(dep))
            })
            .collect();
        let keys = blockwatch_lint::deps::SummaryKeys::new(
            graph,
            &format!("{:?}", config.catalog),
            walked
                .iter()
                .map(|w| w.as_ref().map(|(files, _)| files.clone()))
                .collect(),
        );
        let mut units = Vec::with_capacity(graph.dependencies.len());
        for _ in &graph.dependencies {
            units.push(self.units.len());
            // Its label and the names its code uses come with its summaries
            // (`name_dependency`): most dependencies of a warm scan are never read.
            self.deps.mark_dependency(self.units.len());
            // Its root and module directory matter only to a parse of its files
            // (`add_every_dependency` sets them): a warm scan reads a few of them at most.
            self.units.push(Unit {
                base: PathBuf::new(),
                is_test: false,
                root: None,
            });
        }
        // A member's externs hold for every crate (lib, bins, tests) of the package.
        let mut member_units: Vec<(PathBuf, usize)> = self
            .sources
            .iter()
            .filter(|s| self.packages[s.package].dependency.is_none())
            .map(|s| (self.packages[s.package].dir.clone(), s.guess.unit))
            .collect();
        member_units.extend(
            self.units
                .iter()
                .enumerate()
                .filter(|(u, _)| !self.deps.is_dependency(*u))
                .filter_map(|(u, unit)| {
                    let root = unit.root.as_ref()?;
                    let pkg = self
                        .packages
                        .iter()
                        .find(|p| p.dependency.is_none() && root.starts_with(&p.dir))?;
                    Some((pkg.dir.clone(), u))
                }),
        );
        member_units.sort();
        member_units.dedup();
        for member in &graph.members {
            let dir = normalize(&member.dir);
            for (_, unit) in member_units.iter().filter(|(d, _)| *d == dir) {
                for (name, to) in &member.externs {
                    self.deps.add_extern(*unit, name.clone(), units[*to]);
                }
            }
        }
        DependencyPlan {
            units,
            cache_dir,
            keys,
            walked,
            config,
        }
    }

    /// Labels dependency `i` of `graph` ("name version") and records the names its code
    /// uses for the crates it depends on: done for each dependency whose summaries
    /// take part in the scan.
    fn name_dependency(&mut self, graph: &DependencyGraph, units: &[usize], i: usize) {
        let dep = &graph.dependencies[i];
        self.deps
            .add_dependency(units[i], format!("{} {}", dep.name, dep.version));
        for (name, to) in &dep.externs {
            self.deps.add_extern(units[i], name.clone(), units[*to]);
        }
    }

    /// What the cache knows of dependency `i`: its summaries when its file is whole and
    /// has its key; nothing to read when its source is missing.
    fn cached_summaries(&self, graph: &DependencyGraph, deps: &DependencyPlan, i: usize) -> Known {
        if !graph.dependencies[i].lib_root.is_file() {
            return Known::Absent;
        }
        fs::read_to_string(deps.cache_file(graph, i))
            .ok()
            .and_then(|text| blockwatch_lint::deps::decode(&text, deps.keys.key(graph, i)))
            .map_or(Known::Unknown, Known::Summaries)
    }

    /// Every dependency, from the cache where it is cached, else its files to read.
    fn add_every_dependency(&mut self, graph: &DependencyGraph, deps: &mut DependencyPlan) {
        for (i, dep) in graph.dependencies.iter().enumerate() {
            let unit = deps.units[i];
            self.name_dependency(graph, &deps.units, i);
            match self.cached_summaries(graph, deps, i) {
                // Noted with every dependency's notes, once the scan knows what it parsed.
                Known::Absent => continue,
                Known::Summaries(summaries) => {
                    self.cached.push((unit, summaries));
                    continue;
                }
                Known::Unknown => {}
            }
            self.packages.push(PackageConfig {
                dir: dep.dir.clone(),
                config: deps.config.clone(),
                dependency: Some(Cfg::with_features(dep.features.iter().cloned())),
            });
            let package = self.packages.len() - 1;
            self.units[unit] = Unit {
                base: normalize(&module_base(&dep.lib_root)),
                is_test: false,
                root: Some(normalize(&dep.lib_root)),
            };
            self.to_cache.push((
                unit,
                deps.cache_file(graph, i),
                deps.keys.key(graph, i).to_string(),
                format!("{} {}", dep.name, dep.version),
            ));
            let (files, errors) = deps.walked[i]
                .take()
                .unwrap_or_else(|| dependency_files(dep));
            self.notes.extend(errors);
            let base = module_base(&dep.lib_root);
            for file in files {
                let module_path = if file == normalize(&dep.lib_root) {
                    Vec::new()
                } else {
                    workspace::location_module_path(&base, &file)
                };
                self.push_source(file, package, unit, module_path, false);
            }
        }
    }

    /// The crate graph of the manifests read: which workspace packages each depends on.
    fn crate_reachability(&self) -> CrateReachability {
        let index: HashMap<&str, usize> = self
            .manifest_packages
            .iter()
            .enumerate()
            .map(|(i, (name, _, _))| (name.as_str(), i))
            .collect();
        let packages: Vec<PackageUnits> = self
            .manifest_packages
            .iter()
            .map(|(_, units, deps)| PackageUnits {
                depends_on: deps
                    .iter()
                    .filter_map(|d| index.get(d.as_str()).copied())
                    .collect(),
                ..units.clone()
            })
            .collect();
        CrateReachability::from_packages(&packages)
    }

    fn add_unit(&mut self, root: Option<PathBuf>, base: PathBuf, is_test: bool) {
        // Manifest paths may be written `./src/lib.rs`: compare them as the walk finds them.
        self.units.push(Unit {
            base: normalize(&base),
            is_test,
            root: root.map(|r| normalize(&r)),
        });
    }

    fn add_path(&mut self, path: &Path) {
        let shown = path.to_string_lossy().into_owned();
        let Ok(meta) = fs::metadata(path) else {
            let reason = match fs::symlink_metadata(path) {
                Ok(_) => "cannot be followed (broken or looping symbolic link)",
                Err(_) => "no such file or directory",
            };
            self.errors.push(InputError::new(shown, reason));
            return;
        };
        let cwd = std::env::current_dir().unwrap_or_default();
        let abs = normalize(&cwd.join(path));
        if meta.is_dir() {
            if abs.join("Cargo.toml").is_file() {
                self.add_cargo_dir(&abs);
            } else {
                self.add_plain_dir(&abs);
                for nested in crate::nested_packages::manifest_dirs(&abs, &self.filter()) {
                    self.add_cargo_dir(&nested);
                }
            }
        } else {
            let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
            let package = self.add_package(&dir);
            let unit = self.units.len();
            self.add_unit(Some(abs.clone()), dir, false);
            self.push_source(abs, package, unit, Vec::new(), false);
        }
    }

    fn add_cargo_dir(&mut self, dir: &Path) {
        let loaded = match workspace::load_manifest(dir) {
            Ok(loaded) => loaded,
            Err(e) => {
                self.errors.push(InputError::new(
                    display_path(&self.root, &e.path),
                    e.message.clone(),
                ));
                // Still scan the directory's sources, without crate structure.
                self.add_plain_dir(dir);
                return;
            }
        };
        for e in &loaded.errors {
            self.errors.push(InputError::new(
                display_path(&self.root, &e.path),
                e.message.clone(),
            ));
        }
        for pkg in &loaded.packages {
            let package = self.add_package(&pkg.dir);
            let first_unit = self.units.len();
            let mut lib = None;
            for target in &pkg.targets {
                if self.opts.tests == TestMode::Skip && target.kind == TargetKind::Test {
                    continue;
                }
                let base = module_base(&target.root);
                if target.kind == TargetKind::Lib {
                    lib = Some(self.units.len());
                    self.lib_crates
                        .entry(target.name.clone())
                        .or_insert(self.units.len());
                }
                self.add_unit(
                    Some(target.root.clone()),
                    base,
                    target.kind == TargetKind::Test,
                );
            }
            // Files no target claims by location get a unit of their own.
            let loose = self.units.len();
            self.add_unit(None, pkg.dir.clone(), false);
            let units = PackageUnits {
                units: (first_unit..=loose).collect(),
                lib,
                depends_on: Vec::new(),
            };
            self.manifest_packages
                .push((pkg.name.clone(), units, pkg.dependencies.clone()));
            let (files, errors) = walk::rust_files(&pkg.dir, &self.filter());
            self.errors.extend(errors);
            for file in files {
                let (unit, module_path) = self.guess(first_unit..loose, loose, &file);
                let is_test = self.units[unit].is_test || file.starts_with(pkg.dir.join("tests"));
                self.push_source(file, package, unit, module_path, is_test);
            }
        }
    }

    fn add_plain_dir(&mut self, dir: &Path) {
        let package = self.add_package(dir);
        let unit = self.units.len();
        let root = ["lib.rs", "main.rs"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file());
        self.add_unit(root, dir.to_path_buf(), false);
        let (files, errors) = walk::rust_files(dir, &self.filter());
        self.errors.extend(errors);
        for file in files {
            let module_path = workspace::location_module_path(dir, &file);
            self.push_source(file, package, unit, module_path, false);
        }
    }

    /// The unit and module path a file has by location: the target whose module
    /// directory holds it most closely.
    fn guess(
        &self,
        units: std::ops::Range<usize>,
        loose: usize,
        file: &Path,
    ) -> (usize, Vec<String>) {
        let mut best: Option<usize> = None;
        for u in units {
            let unit = &self.units[u];
            if unit.root.as_deref() == Some(file) {
                return (u, Vec::new());
            }
            if file.starts_with(&unit.base)
                && best.is_none_or(|b| {
                    unit.base.components().count() > self.units[b].base.components().count()
                })
            {
                best = Some(u);
            }
        }
        let unit = best.unwrap_or(loose);
        (
            unit,
            workspace::location_module_path(&self.units[unit].base, file),
        )
    }

    fn push_source(
        &mut self,
        path: PathBuf,
        package: usize,
        unit: usize,
        module_path: Vec<String>,
        is_test: bool,
    ) {
        // The same file reached twice (given twice, or through a symbolic link) is
        // analysed once, under its own path rather than a link's.
        let identity = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let rel = display_path(&self.root, &path);
        let source = Source {
            guess: Placement {
                unit,
                module_path,
                is_test,
            },
            package,
            rel,
            path,
        };
        match self.seen.get(&identity) {
            Some(&i) => {
                if self.sources[i].path != identity && source.path == identity {
                    self.sources[i] = source;
                }
            }
            None => {
                self.seen.insert(identity, self.sources.len());
                self.sources.push(source);
            }
        }
    }
}

/// The `.rs` files of a dependency's library (its root file's directory, tests left
/// out), sorted, and the errors met listing them.
fn dependency_files(dep: &Dependency) -> (Vec<PathBuf>, Vec<InputError>) {
    let base = module_base(&dep.lib_root);
    let filter = Filter {
        root: &base,
        exclude: &GlobSet::empty(),
        skip_tests_dir: true,
    };
    walk::rust_files(&base, &filter)
}

/// Writes the summaries of the dependencies parsed in this scan to the cache. A cache
/// that cannot be written is a note: the scan's result does not depend on it.
fn cache_dependencies(plan: &mut Planner<'_>, parsed: &Parsed) {
    let mut notes = Vec::new();
    for (unit, path, key, label) in &plan.to_cache {
        let files: Vec<FileSummary> = parsed
            .summaries
            .iter()
            .filter(|(u, _)| u == unit)
            .map(|(_, s)| s.clone())
            .collect();
        let text = blockwatch_lint::deps::encode(&files, key, label);
        if let Err(e) = blockwatch_lint::deps::store(path, &text) {
            notes.push(InputError::new(
                display_path(&plan.root, path),
                format!("cannot write the dependency cache: {e}"),
            ));
            break;
        }
    }
    plan.notes.extend(notes);
}

/// The directory a crate root's `mod` children live in: rustc treats every crate root
/// like a `mod.rs`, so it is the root file's own directory.
fn module_base(root: &Path) -> PathBuf {
    root.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The outcome of analysing one file.
enum Analysed {
    Ok {
        summary: FileSummary,
        decls: Vec<ModDecl>,
        /// A dependency's items syn could not read (the rest of the file was).
        skipped: Option<Box<InputError>>,
    },
    Err(InputError),
}

fn line_col_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Reads, parses and summarizes one file. Runs on a worker thread: the syn tree and its
/// spans never leave it; only plain data comes back.
fn analyse(
    source: &Source,
    placement: &Placement,
    config: &Config,
    dependency: Option<&Cfg>,
    crate_names: Option<&CrateNames>,
) -> Analysed {
    let bytes = match read_source(&source.path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) => return Analysed::Err(InputError::new(&source.rel, e.to_string())),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let (line, column) = line_col_of_byte(e.as_bytes(), offset);
            return Analysed::Err(InputError {
                path: source.rel.clone(),
                line: Some(line),
                column: Some(column),
                message: format!("not valid UTF-8 (invalid byte at offset {offset})"),
            });
        }
    };
    // A dependency compiles, so a file syn refuses holds syntax syn does not know (trait
    // objects without `dyn` in edition 2015): its other items are still read. The
    // workspace's own file is an input error as a whole, as rustc would have it.
    let parsed = match dependency {
        Some(_) => blockwatch_lint::parse_source_recovering(&text, pool::MAX_NESTING)
            .map(|read| (read.file, skipped_note(&source.rel, &read.skipped))),
        None => blockwatch_lint::parse_source(&text, pool::MAX_NESTING).map(|file| (file, None)),
    };
    let outcome = match parsed {
        Ok((mut file, skipped)) => {
            if let Some(cfg) = dependency {
                blockwatch_lint::deps::strip_disabled(&mut file, cfg);
            }
            let decls = workspace::mod_decls(&file);
            let summary = blockwatch_lint::summarize_file_in_crate(
                &file,
                &source.rel,
                &placement.module_path,
                placement.is_test,
                config,
                crate_names,
            );
            Analysed::Ok {
                summary,
                decls,
                skipped,
            }
        }
        Err(SourceError::TooDeep(too_deep)) => Analysed::Err(InputError::new(
            &source.rel,
            format!("{too_deep}: not analysed"),
        )),
        Err(SourceError::Syntax(e)) => {
            let start = e.span().start();
            Analysed::Err(InputError {
                path: source.rel.clone(),
                line: Some(start.line),
                column: Some(start.column + 1),
                message: format!("syntax error: {e}"),
            })
        }
    };
    // Everything the file's spans pointed at is now plain data: free this thread's
    // source map so memory stays flat over thousands of files.
    proc_macro2::extra::invalidate_current_thread_spans();
    outcome
}

/// The note for a dependency file's items syn could not read: placed at the first,
/// with syn's words for it.
fn skipped_note(rel: &str, skipped: &[blockwatch_lint::SkippedItem]) -> Option<Box<InputError>> {
    let first = skipped.first()?;
    let others = match skipped.len() - 1 {
        0 => String::new(),
        1 => " and 1 more".to_string(),
        n => format!(" and {n} more"),
    };
    Some(Box::new(InputError {
        path: rel.to_string(),
        line: Some(first.line),
        column: Some(first.column),
        message: format!(
            "syntax error: {} (this item{others} left out; the rest of the file is analysed)",
            first.message
        ),
    }))
}

fn analyse_all(
    sources: &[Source],
    indices: &[usize],
    placements: &[Placement],
    packages: &[PackageConfig],
) -> Vec<Analysed> {
    pool::run(indices, |&i| {
        let s = &sources[i];
        let package = &packages[s.package];
        analyse(
            s,
            &placements[i],
            &package.config,
            package.dependency.as_ref(),
            None,
        )
    })
    .into_iter()
    .zip(indices)
    .map(|(r, &i)| match r {
        Ok(a) => a,
        Err(panic) => Analysed::Err(InputError::new(
            &sources[i].rel,
            format!("internal error while analysing this file (please report it): {panic}"),
        )),
    })
    .collect()
}

/// The reason an `allow` entry accepts `d`, by the engine's rule ([`Config::allows`]):
/// the entry's file glob is tried against the path relative to the scanned root and
/// relative to the package, and its API against the call's resolved path and, for a
/// chain, the blocking API at its end.
fn allow_reason<'p>(package: &'p PackageConfig, root: &Path, d: &Diagnostic) -> Option<&'p str> {
    let abs = if Path::new(&d.file).is_absolute() {
        PathBuf::from(&d.file)
    } else {
        root.join(&d.file)
    };
    let in_package = display_path(&package.dir, &abs);
    let entry = [d.file.as_str(), in_package.as_str()]
        .into_iter()
        .flat_map(|file| [(file, d.resolved.as_str()), (file, d.blocking_api())])
        .find_map(|(file, api)| package.config.allows(file, api));
    entry.map(|entry| entry.reason.as_str())
}

/// Runs the whole scan: plan (which files, crates and configurations) -> read and parse
/// every file -> analyse them together (the engine) -> a [`Report`] filtered by test mode,
/// categories and `allow` entries, which the caller renders. Returns the report and the
/// absolute scanned root.
pub(crate) fn run(opts: &Options) -> Result<(Report, PathBuf), Fatal> {
    let mut plan = plan(opts)?;
    let package_dirs: Vec<&Path> = plan.packages.iter().map(|p| p.dir.as_path()).collect();
    let graph = match crate::deps::load(&plan.root, &package_dirs, opts) {
        Ok(graph) => graph,
        Err(note) => {
            plan.notes
                .push(InputError::new(display_path(&plan.root, &plan.root), note));
            None
        }
    };
    let mut parsed = read_and_parse(&plan, 0..plan.sources.len());
    crate_names_pass::walk_again_with_crate_names(&plan, &mut parsed);
    let (not_reached, dependency_plan) = match &graph {
        Some((graph, cached)) => {
            let (not_reached, deps) = add_dependencies(&mut plan, graph, *cached, &mut parsed);
            (not_reached, Some(deps))
        }
        None => (0, None),
    };
    let cached_count = plan.cached.len();
    // After every file read in this scan (their positions match `origins`).
    for (unit, summaries) in std::mem::take(&mut plan.cached) {
        for summary in summaries {
            parsed.summaries.push((unit, summary));
        }
    }
    offload_through_dependencies(&plan, &mut parsed);
    prune_dependencies(&plan, &mut parsed);
    cache_dependencies(&mut plan, &parsed);
    if let (Some((graph, _)), Some(deps)) = (&graph, &dependency_plan) {
        dependency_notes::store_parsed(&mut plan, graph, deps, &parsed);
        dependency_notes::replay_unparsed(&mut plan, graph, deps);
    }
    let files: Vec<CrateFile> = parsed
        .summaries
        .iter()
        .map(|(unit, summary)| CrateFile {
            unit: *unit,
            summary,
        })
        .collect();
    let reach = plan.crate_reachability();
    let findings = blockwatch_lint::workspace_findings_with_reachability(
        &files,
        &plan.lib_crates,
        &plan.deps,
        &reach,
    );
    if let (Some((graph, _)), Some(deps), false) = (&graph, &dependency_plan, plan.reached_set_hit)
    {
        reached_set_pass::write(&plan, graph, deps, &parsed, &findings, &reach);
    }
    plan.errors.extend(parsed.errors);
    plan.notes.extend(parsed.notes);
    let workspace_files = parsed
        .summaries
        .iter()
        .filter(|(unit, _)| !plan.deps.is_dependency(*unit))
        .count();
    let mut report = report(opts, &plan, findings, workspace_files);
    report.dependencies = plan.deps.len();
    report.dependencies_cached = cached_count;
    report.dependencies_not_reached = not_reached;
    report.notes = plan.notes.clone();
    report
        .notes
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    report.notes.dedup_by(|a, b| {
        (&a.path, a.line, a.column, &a.message) == (&b.path, b.line, b.column, &b.message)
    });
    // The summaries and the dependency graph are not freed: a scan runs at most twice
    // per process (`--fix`, then the scan of what is left), and freeing their many small
    // allocations one by one (dependencies' included) cost a warm scan more than the
    // call graph over them; the process's exit returns the memory at once.
    std::mem::forget(std::mem::take(&mut parsed.summaries));
    std::mem::forget(graph);
    Ok((report, plan.root))
}

/// Places the dependencies in the scan, after the workspace's own files are parsed. When
/// the graph came from its cache (`graph_cached`: an earlier scan saw the same graph) and
/// every dependency the workspace's code reaches ([`reached_dependencies`]) is cached,
/// only those are read: the others change no finding. Otherwise, as on a first scan,
/// every dependency comes from the cache or is parsed now (and cached afterwards, for
/// later scans and the attribute), so that what is cached was solved over the whole
/// dependency graph. Before either, a cached reached set that holds for this scan
/// (`reached_set_pass.rs`) gives the reached dependencies' items at once. Returns how
/// many dependencies were not reached (0 when all were placed), and where their
/// summaries are cached.
///
/// [`reached_dependencies`]: blockwatch_lint::deps::reached_dependencies
fn add_dependencies(
    plan: &mut Planner<'_>,
    graph: &DependencyGraph,
    graph_cached: bool,
    parsed: &mut Parsed,
) -> (usize, DependencyPlan) {
    let mut deps = plan.add_dependency_units(graph);
    if graph_cached {
        if let Some(not_reached) = reached_set_pass::place_from_cache(plan, graph, &deps, parsed) {
            return (not_reached, deps);
        }
    }
    let mut absent: Vec<usize> = Vec::new();
    let reached = graph_cached.then(|| {
        let planner = &*plan;
        blockwatch_lint::deps::reached_dependencies(
            graph,
            parsed.summaries.iter().map(|(_, s)| s),
            |i| {
                let known = planner.cached_summaries(graph, &deps, i);
                if matches!(known, Known::Absent) {
                    absent.push(i);
                }
                known
            },
        )
    });
    let not_reached = match reached {
        Some(Ok(reached)) => {
            let count = reached.len();
            for (i, summaries) in reached {
                plan.name_dependency(graph, &deps.units, i);
                if !absent.contains(&i) {
                    plan.cached.push((deps.units[i], summaries));
                }
            }
            graph.dependencies.len() - count
        }
        _ => {
            let start = plan.sources.len();
            plan.add_every_dependency(graph, &mut deps);
            let more = read_and_parse(plan, start..plan.sources.len());
            parsed.append(more);
            0
        }
    };
    (not_reached, deps)
}

/// Plans the scan: the files to read, the crates they form, each package's configuration;
/// a plan with no file to read and no error is refused, as [`crate::vacuous`] explains.
fn plan(opts: &Options) -> Result<Planner<'_>, Fatal> {
    let mut plan = Planner::new(opts)?;
    if opts.paths.is_empty() {
        plan.add_path(Path::new("."));
    } else {
        for path in &opts.paths {
            plan.add_path(path);
        }
    }
    // A scan of nothing would pass vacuously: an error that says why.
    if plan.sources.is_empty() && plan.errors.is_empty() {
        return Err(Fatal(crate::vacuous::explain(
            &opts.paths,
            !opts.exclude.is_empty(),
        )));
    }
    Ok(plan)
}

/// Every readable file, summarized with the module path the crate's `mod` tree gives it.
struct Parsed {
    /// (crate unit, summary) of each file that parsed.
    summaries: Vec<(usize, FileSummary)>,
    /// Files that could not be read, parsed or fully checked.
    errors: Vec<InputError>,
    /// The same, for files of dependencies.
    notes: Vec<InputError>,
    /// For each summary: its source's index, and where it was placed.
    origins: Vec<(usize, Placement)>,
    /// The summaries (by position) whose walk saw their crate's other files' names
    /// (see `crate_names_pass.rs`): a later walk of the file sees them too.
    walk_names: HashMap<usize, Arc<CrateNames>>,
}

impl Parsed {
    /// Adds the files of a later parse (their summaries after these, as `origins` says).
    fn append(&mut self, mut more: Parsed) {
        self.summaries.append(&mut more.summaries);
        self.errors.append(&mut more.errors);
        self.notes.append(&mut more.notes);
        self.origins.append(&mut more.origins);
    }
}

/// Offloader inference across crates: a file (of the workspace or of a dependency) that
/// calls a dependency's fn that hands its closure to an offloader is analysed again with
/// that fn as an offloader, so the closure's body counts as off the executor, and a fn
/// of that file that passes its own parameter on to it becomes a wrapper in turn (crate
/// A's `run(f)` calling crate B's `detach(f)`). Repeated until no file learns a new
/// wrapper: each round only adds wrappers, and the dependency graph has no cycles, so
/// it ends within its depth (bounded at [`MAX_OFFLOAD_ROUNDS`] all the same).
fn offload_through_dependencies(plan: &Planner<'_>, parsed: &mut Parsed) {
    let mut known: HashMap<usize, Vec<String>> = HashMap::new();
    for _ in 0..MAX_OFFLOAD_ROUNDS {
        let wrappers = DependencyWrappers::collect(
            parsed
                .summaries
                .iter()
                .map(|(unit, summary)| (*unit, summary)),
            &plan.deps,
        );
        let mut redo: Vec<(usize, Vec<String>)> = Vec::new();
        // Only files read in this scan can be analysed again; cached summaries were
        // complete when they were written.
        for (pos, (unit, summary)) in parsed
            .summaries
            .iter()
            .enumerate()
            .take(parsed.origins.len())
        {
            let extra = wrappers.called_by(*unit, summary, &plan.deps);
            if !extra.is_empty() && known.get(&pos) != Some(&extra) {
                redo.push((pos, extra));
            }
        }
        if redo.is_empty() {
            return;
        }
        let again = pool::run(&redo, |(pos, extra)| {
            let (i, placement) = &parsed.origins[*pos];
            let source = &plan.sources[*i];
            let package = &plan.packages[source.package];
            let mut config = package.config.clone();
            config.catalog.offload.extend(extra.iter().cloned());
            let names = parsed.walk_names.get(pos).map(|n| &**n);
            analyse(
                source,
                placement,
                &config,
                package.dependency.as_ref(),
                names,
            )
        });
        for ((pos, extra), outcome) in redo.into_iter().zip(again) {
            if let Ok(Analysed::Ok { summary, .. }) = outcome {
                parsed.summaries[pos].1 = summary;
            }
            known.insert(pos, extra);
        }
    }
}

/// Reduces the summaries of the dependencies parsed in this scan to their essentials
/// ([`Graph::essentials`]: the fns that block, with their witness, and the offloading
/// wrappers), solved over every dependency, so that what is cached is small and a scan
/// from the cache sees exactly what this one does. Afterwards `parsed.origins` no
/// longer lines up with the summaries and is cleared.
fn prune_dependencies(plan: &Planner<'_>, parsed: &mut Parsed) {
    parsed.origins.clear();
    let mut fresh: Vec<usize> = plan.to_cache.iter().map(|(unit, ..)| *unit).collect();
    if fresh.is_empty() {
        return;
    }
    fresh.sort_unstable();
    let (deps, workspace): (Vec<_>, Vec<_>) = std::mem::take(&mut parsed.summaries)
        .into_iter()
        .partition(|(unit, _)| plan.deps.is_dependency(*unit));
    let mut kept = workspace;
    {
        let files: Vec<CrateFile> = deps
            .iter()
            .map(|(unit, summary)| CrateFile {
                unit: *unit,
                summary,
            })
            .collect();
        kept.extend(dependency_essentials(&files, &plan.deps, &fresh));
    }
    let (stale, reduced): (Vec<_>, Vec<_>) = deps
        .into_iter()
        .partition(|(unit, _)| fresh.binary_search(unit).is_err());
    kept.extend(stale);
    // Like the summaries at the end of `scan`, the whole summaries of the dependencies
    // just reduced are left to the process's exit: freeing their many small allocations
    // one by one cost a cold scan more than summarizing 4 % of its files.
    std::mem::forget(reduced);
    parsed.summaries = kept;
}

/// The most rounds of offloader inference: a chain of crates each wrapping the next
/// one's offloader longer than this is not followed to its end.
const MAX_OFFLOAD_ROUNDS: usize = 8;

/// Reads, parses and summarizes the planned files `range` in parallel, first with the
/// module path their location suggests; then follows `mod` declarations from the crate
/// roots among them and summarizes again the few files whose real module path differs
/// (`#[path]`, shared test modules).
fn read_and_parse(plan: &Planner<'_>, range: std::ops::Range<usize>) -> Parsed {
    let offset = range.start;
    let sources = &plan.sources[range];
    let mut placements: Vec<Placement> = sources.iter().map(|s| s.guess.clone()).collect();
    let all: Vec<usize> = (0..sources.len()).collect();
    let mut analysed = analyse_all(sources, &all, &placements, &plan.packages);

    let decls: Vec<Vec<ModDecl>> = analysed
        .iter()
        .map(|a| match a {
            Analysed::Ok { decls, .. } => decls.clone(),
            Analysed::Err(_) => Vec::new(),
        })
        .collect();
    let paths: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    let index: HashMap<&Path, usize> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_path(), i))
        .collect();
    let roots: Vec<Root> = plan
        .units
        .iter()
        .enumerate()
        .filter_map(|(u, unit)| {
            Some(Root {
                unit: u,
                file: *index.get(unit.root.as_deref()?)?,
                is_test: unit.is_test,
            })
        })
        .collect();
    let resolved = workspace::resolve_module_placements(&paths, &decls, &roots);
    let mut redo = Vec::new();
    // A file several `mod` declarations include is summarized once more per further
    // module path, so the calls of each includer reach a copy of its fns.
    let mut more_placements: Vec<(usize, Placement)> = Vec::new();
    for (i, placed) in resolved.into_iter().enumerate() {
        let mut placed = placed.into_iter();
        if let Some(p) = placed.next() {
            if matches!(analysed[i], Analysed::Ok { .. }) {
                more_placements.extend(placed.map(|more| (i, more)));
            }
            if p != placements[i] {
                placements[i] = p;
                if matches!(analysed[i], Analysed::Ok { .. }) {
                    redo.push(i);
                }
            }
        }
    }
    if !redo.is_empty() {
        for (i, a) in redo
            .iter()
            .zip(analyse_all(sources, &redo, &placements, &plan.packages))
        {
            analysed[*i] = a;
        }
    }

    let mut parsed = Parsed {
        summaries: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        origins: Vec::new(),
        walk_names: HashMap::new(),
    };
    for (i, a) in analysed.into_iter().enumerate() {
        if plan.packages[sources[i].package].dependency.is_some() {
            match a {
                Analysed::Ok {
                    summary, skipped, ..
                } => {
                    parsed.notes.extend(skipped.map(|note| *note));
                    parsed.origins.push((offset + i, placements[i].clone()));
                    parsed.summaries.push((placements[i].unit, summary))
                }
                Analysed::Err(e) => parsed.notes.push(e),
            }
            continue;
        }
        match a {
            Analysed::Ok { summary, .. } => {
                if summary.unchecked_deep > 0 {
                    // The findings above the cap still count; saying nothing of the code
                    // below it would pass it as clean.
                    parsed.errors.push(InputError::new(
                        &sources[i].rel,
                        format!(
                            "code nested more than {} levels deep was not checked ({} {})",
                            blockwatch_lint::MAX_DEPTH,
                            summary.unchecked_deep,
                            if summary.unchecked_deep == 1 {
                                "place"
                            } else {
                                "places"
                            }
                        ),
                    ));
                }
                parsed.origins.push((offset + i, placements[i].clone()));
                parsed.summaries.push((placements[i].unit, summary));
            }
            Analysed::Err(e) => parsed.errors.push(e),
        }
    }
    let again = pool::run(&more_placements, |(i, placement)| {
        let package = &plan.packages[sources[*i].package];
        analyse(
            &sources[*i],
            placement,
            &package.config,
            package.dependency.as_ref(),
            None,
        )
    });
    for ((i, placement), outcome) in more_placements.iter().zip(again) {
        // The file's errors were reported with its first placement.
        if let Ok(Analysed::Ok { summary, .. }) = outcome {
            parsed.origins.push((offset + *i, placement.clone()));
            parsed.summaries.push((placement.unit, summary));
        }
    }
    parsed
}

/// The report: `findings` filtered by test mode, each package's categories and `allow`
/// entries, sorted, with the plan's input errors.
fn report(
    opts: &Options,
    plan: &Planner<'_>,
    findings: Vec<Diagnostic>,
    files_scanned: usize,
) -> Report {
    let package_of_file: HashMap<&str, usize> = plan
        .sources
        .iter()
        .map(|s| (s.rel.as_str(), s.package))
        .collect();
    let mut report = Report {
        separate_tests: opts.tests == TestMode::Separate,
        files_scanned,
        ..Report::default()
    };
    for d in findings {
        if opts.tests == TestMode::Skip && d.in_test {
            continue;
        }
        let package = package_of_file.get(d.file.as_str()).copied().unwrap_or(0);
        let Some(pkg) = plan.packages.get(package) else {
            report.findings.push(d);
            continue;
        };
        if !pkg.config.is_category_enabled(d.category) {
            continue;
        }
        match allow_reason(pkg, &plan.root, &d) {
            Some(reason) => report.allowed.push(Allowed {
                diagnostic: d,
                reason: reason.to_string(),
            }),
            None => report.findings.push(d),
        }
    }
    let key = |d: &Diagnostic| (d.file.clone(), d.line, d.column, d.call.clone());
    report.findings.sort_by_key(key);
    report.findings.dedup_by_key(|d| key(d));
    report.allowed.sort_by_key(|a| key(&a.diagnostic));
    let mut errors = plan.errors.clone();
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    errors.dedup();
    report.errors = errors;
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_base_of_roots() {
        assert_eq!(module_base(Path::new("c/src/lib.rs")), Path::new("c/src"));
        assert_eq!(
            module_base(Path::new("c/src/bin/x.rs")),
            Path::new("c/src/bin")
        );
        assert_eq!(
            module_base(Path::new("c/tests/it.rs")),
            Path::new("c/tests")
        );
    }

    /// Runs of prefix operators and keywords nest without a delimiter; syn recurses on
    /// each. Such files are refused before parsing, as input errors.
    #[test]
    fn deep_prefix_runs_are_input_errors() {
        let dir = std::env::temp_dir().join(format!("blockwatch-prefix-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for (name, op) in [("not", "!"), ("neg", "-"), ("ref", "&"), ("ret", "return ")] {
            let path = dir.join(format!("{name}.rs"));
            let text = format!("fn f() -> bool {{ {}true }}\n", op.repeat(200_000));
            fs::write(&path, text).unwrap();
            let source = Source {
                path,
                rel: format!("{name}.rs"),
                package: 0,
                guess: Placement {
                    unit: 0,
                    module_path: Vec::new(),
                    is_test: false,
                },
            };
            let outcome = pool::run(&[0], |_| {
                match analyse(&source, &source.guess, &Config::default(), None, None) {
                    Analysed::Err(e) => Some(e.message),
                    Analysed::Ok { .. } => None,
                }
            });
            let message = outcome.into_iter().next().unwrap().unwrap();
            assert_eq!(
                message.as_deref(),
                Some("nested 200001 levels deep (more than 10000): not analysed"),
                "{op:?}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn line_and_column_of_a_byte() {
        let bytes = b"ab\ncd\xffx";
        assert_eq!(line_col_of_byte(bytes, 5), (2, 3));
        assert_eq!(line_col_of_byte(bytes, 0), (1, 1));
    }
}
