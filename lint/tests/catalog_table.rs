//! The catalog table in the docs is generated from the catalog data: this test keeps
//! them equal. Regenerate `lint/catalog.md` with `BLOCKWATCH_BLESS=1 cargo test -p
//! blockwatch-lint --test catalog_table`, then paste it between the README markers.

use std::path::Path;

use blockwatch_lint::{Catalog, Category, Pattern};

const START: &str = "<!-- catalog:start -->";
const END: &str = "<!-- catalog:end -->";

/// The README block between the markers; an error naming what is missing otherwise.
fn readme_block(readme: &str) -> Result<&str, String> {
    let start = readme
        .find(START)
        .ok_or(format!("README.md has no `{START}` marker"))?
        + START.len();
    let end = start
        + readme[start..]
            .find(END)
            .ok_or(format!("README.md has no `{END}` marker after `{START}`"))?;
    Ok(readme[start..end].trim())
}

#[test]
fn docs_table_matches_the_catalog() {
    let table = Catalog::builtin().markdown_table();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = manifest.join("catalog.md");
    if std::env::var_os("BLOCKWATCH_BLESS").is_some() {
        std::fs::write(&generated, &table).expect("write catalog.md");
    }
    let committed = std::fs::read_to_string(&generated).expect("lint/catalog.md exists");
    assert_eq!(
        committed, table,
        "lint/catalog.md is stale: rerun with BLOCKWATCH_BLESS=1"
    );
    let readme = std::fs::read_to_string(manifest.join("../README.md")).expect("README.md exists");
    let block = readme_block(&readme).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        block,
        table.trim(),
        "README.md catalog block differs from the catalog: paste lint/catalog.md between the markers"
    );
}

#[test]
fn missing_or_empty_readme_markers_are_errors() {
    assert_eq!(
        readme_block("no table here"),
        Err(format!("README.md has no `{START}` marker"))
    );
    assert_eq!(
        readme_block(&format!("{START}\n| a |\n")),
        Err(format!("README.md has no `{END}` marker after `{START}`"))
    );
    assert_eq!(readme_block(&format!("{START}\n\n{END}")), Ok(""));
}

#[test]
fn table_has_one_row_per_entry() {
    let cat = Catalog::builtin();
    let table = cat.markdown_table();
    assert_eq!(table.lines().count(), cat.entries().len() + 2);
    assert!(table.contains("| `std::thread::sleep` | sleep | `tokio::time::sleep(..).await` |"));
    assert!(table.contains("| `reqwest::blocking::*` | http |"));
    assert!(table.contains("| `.join()`, not awaited | thread |"));
}

#[test]
fn every_entry_says_why_and_what_instead() {
    for e in Catalog::builtin().entries() {
        assert!(!e.why.is_empty(), "{} has no why", e.key());
        assert!(!e.replacement.is_empty(), "{} has no replacement", e.key());
    }
}

#[test]
fn catalog_covers_the_required_categories() {
    let cat = Catalog::builtin();
    for c in Category::ALL.iter().filter(|c| **c != Category::User) {
        assert!(
            cat.entries().iter().any(|e| e.category == *c),
            "no entry for {c}"
        );
    }
    let fs_fns = [
        "read",
        "read_to_string",
        "write",
        "copy",
        "rename",
        "remove_file",
        "remove_dir",
        "remove_dir_all",
        "create_dir",
        "create_dir_all",
        "read_dir",
        "metadata",
        "symlink_metadata",
        "canonicalize",
        "read_link",
        "hard_link",
        "set_permissions",
        "exists",
        "soft_link",
    ];
    for f in fs_fns {
        let p = format!("std::fs::{f}");
        assert!(
            cat.entries()
                .iter()
                .any(|e| matches!(&e.pattern, Pattern::Path(x) if *x == p)),
            "missing {p}"
        );
    }
}
