//! Whether a package can use a fix's new code: the crate it needs is a dependency, with
//! the feature that enables the API.
//!
//! Only the package's own manifest counts (and `[workspace.dependencies]` for a
//! `workspace = true` dependency): a feature that some other crate happens to enable
//! through feature unification is not relied on.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use blockwatch_lint::Requirement;
use toml::{Table, Value};

/// A package's dependencies that a fix may need: by package name, the features given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Dependencies {
    /// `[dependencies]` and `[target.*.dependencies]`.
    normal: Vec<(String, BTreeSet<String>)>,
    /// `[dev-dependencies]`: usable from tests, examples and benches only.
    dev: Vec<(String, BTreeSet<String>)>,
}

impl Dependencies {
    /// Whether code of this package may use what `req` names; `dev` for code built only
    /// for tests, examples and benches.
    pub(crate) fn satisfy(&self, req: &Requirement, dev: bool) -> bool {
        let dev_list: &[(String, BTreeSet<String>)] = if dev { &self.dev } else { &[] };
        self.normal.iter().chain(dev_list).any(|(name, features)| {
            name == req.krate && (features.contains(req.feature) || features.contains("full"))
        })
    }
}

/// The package that holds `file`: the nearest directory above it whose Cargo.toml has a
/// `[package]`, with its dependencies.
pub(crate) fn package_of(file: &Path) -> Option<(PathBuf, Dependencies)> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        let manifest = d.join("Cargo.toml");
        if let Some(table) = read(&manifest) {
            if table.contains_key("package") {
                let deps = dependencies(&table, d);
                return Some((d.to_path_buf(), deps));
            }
        }
        dir = d.parent();
    }
    None
}

fn read(manifest: &Path) -> Option<Table> {
    fs::read_to_string(manifest).ok()?.parse::<Table>().ok()
}

/// The `[workspace.dependencies]` of the workspace above `package_dir`, if any.
fn workspace_dependencies(package_dir: &Path) -> Option<Table> {
    let mut dir = Some(package_dir);
    while let Some(d) = dir {
        if let Some(table) = read(&d.join("Cargo.toml")) {
            if let Some(ws) = table.get("workspace").and_then(Value::as_table) {
                return ws.get("dependencies").and_then(Value::as_table).cloned();
            }
        }
        dir = d.parent();
    }
    None
}

fn dependencies(table: &Table, dir: &Path) -> Dependencies {
    let ws = workspace_dependencies(dir);
    let mut out = Dependencies::default();
    let mut add = |section: Option<&Value>, dev: bool| {
        let Some(section) = section.and_then(Value::as_table) else {
            return;
        };
        for (key, spec) in section {
            let (mut name, mut features) = spec_of(key, spec);
            if spec.get("workspace").and_then(Value::as_bool) == Some(true) {
                if let Some(ws_spec) = ws.as_ref().and_then(|w| w.get(key)) {
                    let (ws_name, ws_features) = spec_of(key, ws_spec);
                    name = ws_name;
                    features.extend(ws_features);
                }
            }
            let list = if dev { &mut out.dev } else { &mut out.normal };
            list.push((name, features));
        }
    };
    add(table.get("dependencies"), false);
    add(table.get("dev-dependencies"), true);
    if let Some(targets) = table.get("target").and_then(Value::as_table) {
        for target in targets.values() {
            add(target.get("dependencies"), false);
            add(target.get("dev-dependencies"), true);
        }
    }
    out
}

/// The package name and features of one dependency entry (`tokio = "1"`,
/// `tokio = { version = "1", features = [..] }`, `rt = { package = "tokio", .. }`).
fn spec_of(key: &str, spec: &Value) -> (String, BTreeSet<String>) {
    let name = spec
        .get("package")
        .and_then(Value::as_str)
        .unwrap_or(key)
        .to_string();
    let features = spec
        .get("features")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    (name, features)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FS: Requirement = Requirement {
        krate: "tokio",
        feature: "fs",
    };

    fn deps(manifest: &str) -> Dependencies {
        let table: Table = manifest.parse().unwrap();
        dependencies(&table, Path::new("/nonexistent/blockwatch-test"))
    }

    #[test]
    fn the_feature_or_full_is_needed() {
        assert!(
            deps("[dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }")
                .satisfy(&FS, false)
        );
        assert!(
            deps("[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }")
                .satisfy(&FS, false)
        );
        assert!(!deps("[dependencies]\ntokio = \"1\"").satisfy(&FS, false));
        assert!(
            !deps("[dependencies]\ntokio = { version = \"1\", features = [\"time\"] }")
                .satisfy(&FS, false)
        );
        assert!(!deps("[dependencies]\nserde = \"1\"").satisfy(&FS, false));
    }

    #[test]
    fn renamed_and_target_and_dev_dependencies() {
        let renamed =
            "[dependencies]\nrt = { package = \"tokio\", version = \"1\", features = [\"fs\"] }";
        assert!(deps(renamed).satisfy(&FS, false));
        let target =
            "[target.'cfg(unix)'.dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }";
        assert!(deps(target).satisfy(&FS, false));
        let dev = "[dev-dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }";
        assert!(!deps(dev).satisfy(&FS, false));
        assert!(deps(dev).satisfy(&FS, true));
    }
}
