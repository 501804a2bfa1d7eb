//! Which packages a manifest depends on, by package name: every table of dependencies
//! (`[dependencies]`, `[dev-dependencies]`, `[build-dependencies]` and their
//! `[target.'cfg(..)'.*]` forms), a renamed entry (`db = { package = "store" }`) under
//! the package it names. The crate graph of a workspace is these names matched against
//! its own packages.

use toml::{Table, Value};

/// The dependency tables cargo reads, under `[..]` and under each `[target.*]`.
const DEPENDENCY_TABLES: [&str; 4] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
];

/// The package names `manifest` depends on, each once, sorted.
pub(super) fn dependency_packages(manifest: &Table) -> Vec<String> {
    let mut tables: Vec<&Table> = DEPENDENCY_TABLES
        .iter()
        .filter_map(|key| manifest.get(*key).and_then(Value::as_table))
        .collect();
    for target in manifest
        .get("target")
        .and_then(Value::as_table)
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(Value::as_table)
    {
        tables.extend(
            DEPENDENCY_TABLES
                .iter()
                .filter_map(|key| target.get(*key).and_then(Value::as_table)),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for table in tables {
        for (key, spec) in table {
            let name = spec
                .as_table()
                .and_then(|t| t.get("package"))
                .and_then(Value::as_str)
                .unwrap_or(key);
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dependency_table_counts_and_renames_name_the_package() {
        let manifest: Table = r#"
            [package]
            name = "app"
            [dependencies]
            store = { path = "../store" }
            db = { package = "my-db", path = "../db" }
            serde = "1"
            [dev-dependencies]
            store = { workspace = true }
            fixtures.workspace = true
            [build-dependencies]
            codegen = { path = "../codegen" }
            [target.'cfg(unix)'.dependencies]
            unix-only = { path = "../unix" }
        "#
        .parse()
        .unwrap();
        assert_eq!(
            dependency_packages(&manifest),
            [
                "codegen",
                "fixtures",
                "my-db",
                "serde",
                "store",
                "unix-only"
            ]
        );
        assert!(dependency_packages(&"[package]\nname = \"a\"".parse().unwrap()).is_empty());
    }
}
