//! Reading Cargo manifests: which packages a workspace has and which crate roots
//! (targets) each package builds.
//!
//! Only what a scan needs is read: `[workspace] members`/`exclude` (with globs),
//! `[package] name`, `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]`, `[[bench]]`, `build`,
//! and cargo's target auto-discovery (`src/main.rs`, `src/bin/*.rs`, `examples/*.rs`, ...).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// What kind of crate a target root starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetKind {
    /// The library (`src/lib.rs`).
    Lib,
    /// A binary (`src/main.rs`, `src/bin/*.rs`).
    Bin,
    /// An example (`examples/*.rs`).
    Example,
    /// An integration test (`tests/*.rs`); all of its code is test code.
    Test,
    /// A benchmark (`benches/*.rs`).
    Bench,
    /// The build script.
    Build,
}

/// One crate root of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The crate name as code refers to it (`-` replaced by `_`).
    pub name: String,
    /// The kind of target.
    pub kind: TargetKind,
    /// The root source file.
    pub root: PathBuf,
}

/// One package: a directory with a Cargo.toml that has `[package]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package name from `[package] name`.
    pub name: String,
    /// The directory holding the manifest.
    pub dir: PathBuf,
    /// Its crate roots, the library first.
    pub targets: Vec<Target>,
    /// The packages it depends on (any dependency table), by package name.
    pub dependencies: Vec<String>,
}

/// A manifest that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    /// The manifest file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl std::error::Error for ManifestError {}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The packages found from one directory's Cargo.toml.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Packages: the root package (if any) first, then members in manifest order.
    pub packages: Vec<Package>,
    /// Members that could not be read; the others are still scanned.
    pub errors: Vec<ManifestError>,
}

/// Reads `dir/Cargo.toml`: a workspace (root package and members) or a single package.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("blockwatch-doc-manifest-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("src")).unwrap();
/// std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"my-app\"\n").unwrap();
/// std::fs::write(dir.join("src/main.rs"), "fn main() {}").unwrap();
/// let loaded = blockwatch_lint::workspace::load_manifest(&dir).unwrap();
/// assert_eq!(loaded.packages[0].targets[0].name, "my_app");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load_manifest(dir: &Path) -> Result<Loaded, ManifestError> {
    let manifest_path = dir.join("Cargo.toml");
    let table = read_table(&manifest_path)?;
    let mut loaded = Loaded::default();
    if table.contains_key("package") {
        loaded.packages.push(package(dir, &manifest_path, &table)?);
    }
    if let Some(ws) = table.get("workspace").and_then(Value::as_table) {
        let excluded: Vec<PathBuf> = string_list(ws.get("exclude"))
            .iter()
            .map(|e| normalize(&dir.join(e)))
            .collect();
        let mut seen: Vec<PathBuf> = loaded.packages.iter().map(|p| p.dir.clone()).collect();
        for pattern in string_list(ws.get("members")) {
            let dirs = match expand_member(dir, &pattern) {
                Ok(dirs) => dirs,
                Err(message) => {
                    loaded.errors.push(ManifestError {
                        path: manifest_path.clone(),
                        message,
                    });
                    continue;
                }
            };
            for member in dirs {
                let member = normalize(&member);
                if excluded.contains(&member) || seen.contains(&member) {
                    continue;
                }
                let member_manifest = member.join("Cargo.toml");
                if !member_manifest.is_file() {
                    // Globs may match plain directories; cargo skips those too.
                    if pattern.contains(['*', '?', '[']) {
                        continue;
                    }
                    loaded.errors.push(ManifestError {
                        path: manifest_path.clone(),
                        message: format!("workspace member `{pattern}` has no Cargo.toml"),
                    });
                    continue;
                }
                seen.push(member.clone());
                match read_table(&member_manifest)
                    .and_then(|t| package(&member, &member_manifest, &t))
                {
                    Ok(p) => loaded.packages.push(p),
                    Err(e) => loaded.errors.push(e),
                }
            }
        }
    } else if !table.contains_key("package") {
        return Err(ManifestError {
            path: manifest_path,
            message: "has neither [package] nor [workspace]".into(),
        });
    }
    Ok(loaded)
}

fn read_table(path: &Path) -> Result<Table, ManifestError> {
    let text = fs::read_to_string(path).map_err(|e| ManifestError {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    text.parse::<Table>().map_err(|e| ManifestError {
        path: path.to_path_buf(),
        message: format!("invalid TOML: {}", e.to_string().trim_end()),
    })
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Removes `.` components and resolves `..` lexically, so member paths compare equal.
///
/// ```
/// use std::path::Path;
/// let p = blockwatch_lint::workspace::normalize(Path::new("a/./b/../c"));
/// assert_eq!(p, Path::new("a/c"));
/// ```
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Expands a workspace member pattern such as `crates/*`, one path component at a time.
fn expand_member(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let mut current = vec![root.to_path_buf()];
    for component in pattern.split('/').filter(|c| !c.is_empty() && *c != ".") {
        let mut next = Vec::new();
        if !component.contains(['*', '?', '[']) {
            for dir in current {
                next.push(dir.join(component));
            }
        } else {
            let matcher = glob::Pattern::new(component)
                .map_err(|e| format!("invalid workspace member glob `{pattern}`: {e}"))?;
            for dir in current {
                let Ok(entries) = fs::read_dir(&dir) else {
                    continue;
                };
                let mut names: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .filter(|e| {
                        e.path().is_dir() && matcher.matches(&e.file_name().to_string_lossy())
                    })
                    .map(|e| e.path())
                    .collect();
                names.sort();
                next.extend(names);
            }
        }
        current = next;
    }
    Ok(current)
}

fn crate_name(name: &str) -> String {
    name.replace('-', "_")
}

fn package(dir: &Path, manifest: &Path, table: &Table) -> Result<Package, ManifestError> {
    let pkg = table
        .get("package")
        .and_then(Value::as_table)
        .ok_or_else(|| ManifestError {
            path: manifest.to_path_buf(),
            message: "[package] is not a table".into(),
        })?;
    let name = pkg
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ManifestError {
            path: manifest.to_path_buf(),
            message: "[package] has no `name`".into(),
        })?
        .to_string();
    let auto = |key: &str| pkg.get(key).and_then(Value::as_bool).unwrap_or(true);
    let mut targets = Vec::new();

    // The library: [lib] path, or src/lib.rs.
    let lib_table = table.get("lib").and_then(Value::as_table);
    let lib_path = lib_table
        .and_then(|t| t.get("path"))
        .and_then(Value::as_str)
        .map(|p| dir.join(p))
        .or_else(|| Some(dir.join("src/lib.rs")).filter(|p| p.is_file()));
    if let Some(root) = lib_path {
        let lib_name = lib_table
            .and_then(|t| t.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(&name);
        targets.push(Target {
            name: crate_name(lib_name),
            kind: TargetKind::Lib,
            root,
        });
    }

    // Explicit targets first, then auto-discovered ones not already listed.
    let kinds = [
        ("bin", TargetKind::Bin, "src/bin", "autobins"),
        ("example", TargetKind::Example, "examples", "autoexamples"),
        ("test", TargetKind::Test, "tests", "autotests"),
        ("bench", TargetKind::Bench, "benches", "autobenches"),
    ];
    for (key, kind, auto_dir, auto_key) in kinds {
        for entry in table
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
        {
            let Some(target_name) = entry.get("name").and_then(Value::as_str) else {
                continue;
            };
            let root = match entry.get("path").and_then(Value::as_str) {
                Some(p) => dir.join(p),
                None if kind == TargetKind::Bin && target_name == name => dir.join("src/main.rs"),
                None => {
                    let single = dir.join(auto_dir).join(format!("{target_name}.rs"));
                    if single.is_file() {
                        single
                    } else {
                        dir.join(auto_dir).join(target_name).join("main.rs")
                    }
                }
            };
            push_target(&mut targets, crate_name(target_name), kind, root);
        }
        if !auto(auto_key) {
            continue;
        }
        if kind == TargetKind::Bin {
            let main = dir.join("src/main.rs");
            if main.is_file() {
                push_target(&mut targets, crate_name(&name), kind, main);
            }
        }
        for (target_name, root) in auto_targets(&dir.join(auto_dir)) {
            push_target(&mut targets, crate_name(&target_name), kind, root);
        }
    }

    // The build script.
    let build = match pkg.get("build") {
        Some(Value::String(p)) => Some(dir.join(p)),
        Some(Value::Boolean(false)) => None,
        _ => Some(dir.join("build.rs")).filter(|p| p.is_file()),
    };
    if let Some(root) = build {
        push_target(
            &mut targets,
            "build_script_build".into(),
            TargetKind::Build,
            root,
        );
    }

    Ok(Package {
        name,
        dir: dir.to_path_buf(),
        targets,
        dependencies: super::dependencies::dependency_packages(table),
    })
}

fn push_target(targets: &mut Vec<Target>, name: String, kind: TargetKind, root: PathBuf) {
    if targets.iter().any(|t| t.root == root) {
        return;
    }
    targets.push(Target { name, kind, root });
}

/// `dir/*.rs` and `dir/*/main.rs`, as cargo discovers targets, sorted by name.
fn auto_targets(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.is_file() {
            if let Some(stem) = file_name.strip_suffix(".rs") {
                found.push((stem.to_string(), path));
            }
        } else if path.is_dir() && path.join("main.rs").is_file() {
            found.push((file_name.to_string(), path.join("main.rs")));
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("blockwatch-manifest-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn workspace_members_with_globs_and_exclude() {
        let root = temp_dir("ws");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\", \"tool\"]\nexclude = [\"crates/skip\"]\n",
        );
        write(
            &root.join("crates/a-lib/Cargo.toml"),
            "[package]\nname = \"a-lib\"\n",
        );
        write(&root.join("crates/a-lib/src/lib.rs"), "");
        write(
            &root.join("crates/skip/Cargo.toml"),
            "[package]\nname = \"skip\"\n",
        );
        fs::create_dir_all(root.join("crates/not-a-crate")).unwrap();
        write(
            &root.join("tool/Cargo.toml"),
            "[package]\nname = \"tool\"\n",
        );
        write(&root.join("tool/src/main.rs"), "fn main() {}");
        write(&root.join("tool/src/bin/extra.rs"), "fn main() {}");
        write(&root.join("tool/examples/demo/main.rs"), "fn main() {}");
        write(&root.join("tool/tests/it.rs"), "");
        write(&root.join("tool/build.rs"), "fn main() {}");

        let loaded = load_manifest(&root).unwrap();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let names: Vec<&str> = loaded.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a-lib", "tool"]);
        assert_eq!(loaded.packages[0].targets[0].kind, TargetKind::Lib);
        assert_eq!(loaded.packages[0].targets[0].name, "a_lib");
        let tool: Vec<(TargetKind, &str)> = loaded.packages[1]
            .targets
            .iter()
            .map(|t| (t.kind, t.name.as_str()))
            .collect();
        assert_eq!(
            tool,
            [
                (TargetKind::Bin, "tool"),
                (TargetKind::Bin, "extra"),
                (TargetKind::Example, "demo"),
                (TargetKind::Test, "it"),
                (TargetKind::Build, "build_script_build"),
            ]
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn explicit_targets_and_missing_members() {
        let root = temp_dir("explicit");
        write(
            &root.join("Cargo.toml"),
            "[package]\nname = \"x\"\nautobins = false\n[lib]\npath = \"lib/x.rs\"\n\
             [[bin]]\nname = \"cli\"\npath = \"cli/main.rs\"\n[workspace]\nmembers = [\"gone\"]\n",
        );
        write(&root.join("src/main.rs"), "fn main() {}");
        let loaded = load_manifest(&root).unwrap();
        let x = &loaded.packages[0];
        assert_eq!(x.targets[0].root, root.join("lib/x.rs"));
        assert_eq!(x.targets.len(), 2, "autobins = false skips src/main.rs");
        assert_eq!(x.targets[1].root, root.join("cli/main.rs"));
        assert_eq!(loaded.errors.len(), 1);
        assert!(loaded.errors[0].message.contains("gone"));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn invalid_manifests_are_errors_with_the_path() {
        let root = temp_dir("invalid");
        write(&root.join("Cargo.toml"), "[package\nname = 1");
        let e = load_manifest(&root).unwrap_err();
        assert_eq!(e.path, root.join("Cargo.toml"));
        assert!(e.message.contains("invalid TOML"), "{e}");
        write(&root.join("Cargo.toml"), "[dependencies]\n");
        assert!(load_manifest(&root)
            .unwrap_err()
            .message
            .contains("neither"));
        fs::remove_dir_all(&root).unwrap();
    }
}
