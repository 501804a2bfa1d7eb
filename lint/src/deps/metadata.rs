//! The dependency graph as `cargo metadata --format-version 1` describes it: every
//! dependency's package, version, source directory and enabled features, and for every
//! crate (workspace member or dependency) the names its code uses for the crates it
//! depends on (`Cargo.toml` renames applied, `-` written `_`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Where a dependency's source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A registry (crates.io or another), unpacked in cargo's registry cache.
    Registry,
    /// A git checkout.
    Git,
    /// A local directory (`path = ".."`).
    Path,
}

/// One crate the workspace depends on (directly or not), with a library target.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dependency {
    /// cargo's package id.
    pub id: String,
    /// The package name, as on crates.io.
    pub name: String,
    /// The package version.
    pub version: String,
    /// Where the source comes from.
    pub source: SourceKind,
    /// The package directory (its `Cargo.toml`'s directory).
    pub dir: PathBuf,
    /// The library target's root file.
    pub lib_root: PathBuf,
    /// The features cargo resolved for it.
    pub features: Vec<String>,
    /// The crates it depends on: (the name its code writes, index into
    /// [`DependencyGraph::dependencies`]).
    pub externs: Vec<(String, usize)>,
}

/// A workspace member and the dependencies its code names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Member {
    /// The package name.
    pub name: String,
    /// The package directory.
    pub dir: PathBuf,
    /// (the name its code writes, index into [`DependencyGraph::dependencies`]), for
    /// normal and dev dependencies that are not workspace members.
    pub externs: Vec<(String, usize)>,
}

/// What `cargo metadata` says about a workspace's dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DependencyGraph {
    /// The workspace members.
    pub members: Vec<Member>,
    /// Every library crate reachable from the members through normal dependencies
    /// (dev dependencies for the members themselves), proc-macro and build-only crates
    /// left out: their code never runs in the program.
    pub dependencies: Vec<Dependency>,
    /// cargo's target directory for the workspace (`CARGO_TARGET_DIR` and
    /// `build.target-dir` applied), when it says.
    pub target_directory: Option<PathBuf>,
}

/// `cargo metadata` output that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError(pub String);

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read `cargo metadata` output: {}", self.0)
    }
}

impl std::error::Error for MetadataError {}

/// The `cargo metadata` command for the workspace whose manifest is `manifest`: offline
/// (nothing is downloaded while scanning) and locked (the scanned tree is never written:
/// a missing or stale `Cargo.lock` makes cargo fail instead of writing one), plus
/// `--frozen` when asked. It resolves the graph without building anything: no build
/// script or proc macro runs. The graph is the one of [`scanned_platform`]: cargo builds
/// only that platform's dependencies, so only those are downloaded and worth a summary.
///
/// ```
/// let cmd = blockwatch_lint::deps::metadata_command(std::path::Path::new("Cargo.toml"), false);
/// let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
/// let platform = blockwatch_lint::deps::scanned_platform();
/// assert_eq!(args, ["metadata", "--format-version", "1", "--offline", "--locked",
///     "--filter-platform", platform.as_str(), "--manifest-path", "Cargo.toml"]);
/// ```
pub fn metadata_command(manifest: &Path, frozen: bool) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "metadata",
        "--format-version",
        "1",
        "--offline",
        "--locked",
        "--filter-platform",
    ]);
    cmd.arg(scanned_platform());
    cmd.arg("--manifest-path");
    cmd.arg(manifest);
    if frozen {
        cmd.arg("--frozen");
    }
    cmd
}

/// The target triple whose dependencies a scan analyses: `CARGO_BUILD_TARGET` when set
/// (cargo's own setting for the default `--target`), else the platform the scanner was
/// built for, which is where it runs.
///
/// ```
/// assert!(!blockwatch_lint::deps::scanned_platform().is_empty());
/// ```
pub fn scanned_platform() -> String {
    match std::env::var("CARGO_BUILD_TARGET") {
        Ok(target) if !target.trim().is_empty() => target.trim().to_string(),
        _ => env!("BLOCKWATCH_HOST_TARGET").to_string(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Result<&'a str, MetadataError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| MetadataError(format!("missing string `{key}`")))
}

fn array_of<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], MetadataError> {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| MetadataError(format!("missing array `{key}`")))
}

/// A package's library target root (`lib`, `rlib`, ... but not `proc-macro`).
fn lib_root(package: &Value) -> Option<PathBuf> {
    package
        .get("targets")?
        .as_array()?
        .iter()
        .find(|t| {
            t.get("kind")
                .and_then(Value::as_array)
                .is_some_and(|kinds| {
                    kinds.iter().any(|k| {
                        matches!(
                            k.as_str(),
                            Some("lib" | "rlib" | "dylib" | "cdylib" | "staticlib")
                        )
                    })
                })
        })
        .and_then(|t| t.get("src_path")?.as_str().map(PathBuf::from))
}

fn source_kind(package: &Value) -> SourceKind {
    match package.get("source").and_then(Value::as_str) {
        Some(s) if s.starts_with("git+") => SourceKind::Git,
        Some(_) => SourceKind::Registry,
        None => SourceKind::Path,
    }
}

/// The resolve graph's edges of one node: (extern name, package id, kinds).
fn edges(node: &Value) -> Vec<(String, String, Vec<Option<String>>)> {
    let Some(deps) = node.get("deps").and_then(Value::as_array) else {
        return Vec::new();
    };
    deps.iter()
        .filter_map(|d| {
            let name = d.get("name")?.as_str()?.to_string();
            let pkg = d.get("pkg")?.as_str()?.to_string();
            let kinds = d
                .get("dep_kinds")
                .and_then(Value::as_array)
                .map(|ks| {
                    ks.iter()
                        .map(|k| k.get("kind").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_else(|| vec![None]);
            Some((name, pkg, kinds))
        })
        .collect()
}

/// Reads `cargo metadata --format-version 1` output. The members are the packages
/// whose directory is in `scanned` (the packages the caller reads as its own code), or
/// cargo's workspace members when `scanned` is `None`; every other reachable library
/// crate is a dependency (cargo counts path dependencies inside the workspace
/// directory as members, but a scan of one member reads them as dependencies).
///
/// ```
/// let json = r#"{
///   "workspace_members": ["path+file:///w/app#0.1.0"],
///   "packages": [
///     {"id": "path+file:///w/app#0.1.0", "name": "app", "version": "0.1.0", "source": null,
///      "manifest_path": "/w/app/Cargo.toml", "targets": [{"kind": ["bin"], "src_path": "/w/app/src/main.rs"}]},
///     {"id": "registry+x#store-db@1.2.0", "name": "store-db", "version": "1.2.0", "source": "registry+x",
///      "manifest_path": "/r/store-db-1.2.0/Cargo.toml", "targets": [{"kind": ["lib"], "src_path": "/r/store-db-1.2.0/src/lib.rs"}]}
///   ],
///   "resolve": {"nodes": [
///     {"id": "path+file:///w/app#0.1.0", "features": [],
///      "deps": [{"name": "db", "pkg": "registry+x#store-db@1.2.0", "dep_kinds": [{"kind": null, "target": null}]}]},
///     {"id": "registry+x#store-db@1.2.0", "features": ["default"], "deps": []}
///   ]}
/// }"#;
/// let graph = blockwatch_lint::deps::parse_metadata(json, None).unwrap();
/// assert_eq!(graph.members[0].externs, [("db".to_string(), 0)]);
/// let db = &graph.dependencies[0];
/// assert_eq!((db.name.as_str(), db.version.as_str()), ("store-db", "1.2.0"));
/// assert_eq!(db.features, ["default"]);
/// assert_eq!(db.source, blockwatch_lint::deps::SourceKind::Registry);
/// ```
pub fn parse_metadata(
    json: &str,
    scanned: Option<&[PathBuf]>,
) -> Result<DependencyGraph, MetadataError> {
    let doc: Value = serde_json::from_str(json).map_err(|e| MetadataError(e.to_string()))?;
    let packages: HashMap<&str, &Value> = array_of(&doc, "packages")?
        .iter()
        .filter_map(|p| Some((p.get("id")?.as_str()?, p)))
        .collect();
    let members: HashSet<&str> = match scanned {
        None => array_of(&doc, "workspace_members")?
            .iter()
            .filter_map(Value::as_str)
            .collect(),
        Some(dirs) => packages
            .iter()
            .filter(|(_, p)| {
                p.get("manifest_path")
                    .and_then(Value::as_str)
                    .and_then(|m| Path::new(m).parent())
                    .is_some_and(|d| dirs.iter().any(|s| s == d))
            })
            .map(|(id, _)| *id)
            .collect(),
    };
    let resolve = doc
        .get("resolve")
        .filter(|r| !r.is_null())
        .ok_or_else(|| MetadataError("no `resolve` graph".to_string()))?;
    let nodes: HashMap<&str, &Value> = array_of(resolve, "nodes")?
        .iter()
        .filter_map(|n| Some((n.get("id")?.as_str()?, n)))
        .collect();

    // Breadth-first from the members, in their order, so indices are stable.
    let mut member_ids: Vec<&str> = members.iter().copied().collect();
    member_ids.sort_unstable();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    let wanted =
        |id: &str| !members.contains(id) && packages.get(id).and_then(|p| lib_root(p)).is_some();
    let follow = |from_member: bool, kinds: &[Option<String>]| {
        kinds
            .iter()
            .any(|k| k.is_none() || (from_member && k.as_deref() == Some("dev")))
    };
    let mut visit = |id: &str, order: &mut Vec<String>, queue: &mut VecDeque<String>| {
        if !index.contains_key(id) && wanted(id) {
            index.insert(id.to_string(), order.len());
            order.push(id.to_string());
            queue.push_back(id.to_string());
        }
    };
    for m in &member_ids {
        if let Some(node) = nodes.get(m) {
            for (_, pkg, kinds) in edges(node) {
                if follow(true, &kinds) {
                    visit(&pkg, &mut order, &mut queue);
                }
            }
        }
    }
    while let Some(id) = queue.pop_front() {
        if let Some(node) = nodes.get(id.as_str()) {
            for (_, pkg, kinds) in edges(node) {
                if follow(false, &kinds) {
                    visit(&pkg, &mut order, &mut queue);
                }
            }
        }
    }

    let externs_of = |id: &str, from_member: bool| -> Vec<(String, usize)> {
        nodes
            .get(id)
            .map(|node| {
                edges(node)
                    .into_iter()
                    .filter(|(_, _, kinds)| follow(from_member, kinds))
                    .filter_map(|(name, pkg, _)| Some((name, *index.get(&pkg)?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let dir_of = |p: &Value| -> Result<PathBuf, MetadataError> {
        let manifest = PathBuf::from(str_of(p, "manifest_path")?);
        Ok(manifest.parent().map(Path::to_path_buf).unwrap_or_default())
    };
    let mut graph = DependencyGraph {
        target_directory: doc
            .get("target_directory")
            .and_then(Value::as_str)
            .map(PathBuf::from),
        ..DependencyGraph::default()
    };
    for m in &member_ids {
        let Some(p) = packages.get(m) else { continue };
        graph.members.push(Member {
            name: str_of(p, "name")?.to_string(),
            dir: dir_of(p)?,
            externs: externs_of(m, true),
        });
    }
    for id in &order {
        let p = packages[id.as_str()];
        let features = nodes
            .get(id.as_str())
            .and_then(|n| n.get("features")?.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        graph.dependencies.push(Dependency {
            id: id.clone(),
            name: str_of(p, "name")?.to_string(),
            version: str_of(p, "version")?.to_string(),
            source: source_kind(p),
            dir: dir_of(p)?,
            lib_root: lib_root(p).unwrap_or_default(),
            features,
            externs: externs_of(id, false),
        });
    }
    Ok(graph)
}

/// A registry dependency `name` 1.0.0 with the crates its code names (`externs`), for
/// the tests of what is built on the graph.
#[cfg(test)]
pub(crate) fn registry_dependency(name: &str, externs: &[(&str, usize)]) -> Dependency {
    Dependency {
        id: format!("registry+r#{name}@1.0.0"),
        name: name.to_string(),
        version: "1.0.0".to_string(),
        source: SourceKind::Registry,
        dir: format!("/r/{name}").into(),
        lib_root: format!("/r/{name}/src/lib.rs").into(),
        features: Vec::new(),
        externs: externs.iter().map(|(n, i)| (n.to_string(), *i)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(id: &str, name: &str, kind: &str, source: Option<&str>) -> String {
        let source = source.map_or("null".to_string(), |s| format!("\"{s}\""));
        format!(
            r#"{{"id": "{id}", "name": "{name}", "version": "1.0.0", "source": {source},
               "manifest_path": "/p/{name}/Cargo.toml",
               "targets": [{{"kind": ["{kind}"], "src_path": "/p/{name}/src/lib.rs"}}]}}"#
        )
    }

    fn node(id: &str, deps: &[(&str, &str, &str)]) -> String {
        let deps: Vec<String> = deps
            .iter()
            .map(|(name, pkg, kind)| {
                format!(
                    r#"{{"name": "{name}", "pkg": "{pkg}", "dep_kinds": [{{"kind": {kind}, "target": null}}]}}"#
                )
            })
            .collect();
        format!(
            r#"{{"id": "{id}", "features": [], "deps": [{}]}}"#,
            deps.join(",")
        )
    }

    /// Build dependencies and proc macros never run in the program; a dependency's dev
    /// dependencies are not part of its build at all.
    #[test]
    fn only_code_the_program_runs_is_followed() {
        let packages = [
            package("app", "app", "bin", None),
            package("lib", "lib", "lib", Some("git+https://x")),
            package("bld", "bld", "lib", Some("registry+x")),
            package("mac", "mac", "proc-macro", Some("registry+x")),
            package("test-only", "test-only", "lib", Some("registry+x")),
            package("libdev", "libdev", "lib", Some("registry+x")),
        ];
        let nodes = [
            node(
                "app",
                &[
                    ("lib_renamed", "lib", "null"),
                    ("bld", "bld", "\"build\""),
                    ("mac", "mac", "null"),
                    ("test_only", "test-only", "\"dev\""),
                ],
            ),
            node("lib", &[("libdev", "libdev", "\"dev\"")]),
        ];
        let json = format!(
            r#"{{"workspace_members": ["app"], "packages": [{}], "resolve": {{"nodes": [{}]}}}}"#,
            packages.join(","),
            nodes.join(",")
        );
        let graph = parse_metadata(&json, None).unwrap();
        let scanned = [PathBuf::from("/p/app"), PathBuf::from("/p/lib")];
        let as_scanned = parse_metadata(&json, Some(&scanned)).unwrap();
        let names: Vec<&str> = as_scanned
            .dependencies
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        // A scanned package is no dependency, and its tests' dev dependencies count.
        assert_eq!(names, ["test-only", "libdev"]);
        let names: Vec<&str> = graph.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["lib", "test-only"]);
        assert_eq!(graph.dependencies[0].source, SourceKind::Git);
        assert_eq!(
            graph.members[0].externs,
            [("lib_renamed".to_string(), 0), ("test_only".to_string(), 1)]
        );
        assert!(graph.dependencies[0].externs.is_empty());
    }

    #[test]
    fn unreadable_output_is_an_error() {
        assert_eq!(
            parse_metadata("{", None).unwrap_err().to_string(),
            "cannot read `cargo metadata` output: EOF while parsing an object at line 1 column 1"
        );
        assert_eq!(
            parse_metadata(
                r#"{"workspace_members": [], "packages": [], "resolve": null}"#,
                None
            )
            .unwrap_err()
            .0,
            "no `resolve` graph"
        );
    }
}
