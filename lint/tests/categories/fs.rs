//! Category `fs`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::support::flagged;
use super::{assert_clean, assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Fs,
    config: Config::default,
    positives: &[
        (
            "async fn f() { std::fs::read_to_string(\"a\"); }",
            &["std::fs::read_to_string"],
        ),
        (
            "use std::fs::File; async fn f() { File::open(\"a\"); }",
            &["std::fs::File::open"],
        ),
    ],
    lookalikes: &[
        "async fn f() { tokio::fs::read_to_string(\"a\").await; }",
        "async fn f() { tokio::task::spawn_blocking(|| std::fs::read(\"a\")).await; }",
    ],
};

#[test]
fn every_std_fs_free_fn() {
    let fns = [
        "canonicalize",
        "copy",
        "create_dir",
        "create_dir_all",
        "exists",
        "hard_link",
        "metadata",
        "read",
        "read_dir",
        "read_link",
        "read_to_string",
        "remove_dir",
        "remove_dir_all",
        "remove_file",
        "rename",
        "set_permissions",
        "soft_link",
        "symlink_metadata",
        "write",
    ];
    let body: String = fns.iter().map(|f| format!("fs::{f}(p);\n")).collect();
    let src = format!("use std::fs; async fn f(p: &str) {{ {body} }}");
    let expected: Vec<String> = fns.iter().map(|f| format!("std::fs::{f}")).collect();
    assert_eq!(flagged(&src), expected);
}

#[test]
fn files_and_open_options() {
    assert_flags(
        r#"use std::fs::{File, OpenOptions};
        async fn f() {
            let a = File::open("a");
            let b = File::create("b");
            let c = File::create_new("c");
            let d = OpenOptions::new().read(true).open("d");
        }"#,
        &[
            "std::fs::File::open",
            "std::fs::File::create",
            "std::fs::File::create_new",
            "std::fs::OpenOptions::open",
        ],
    );
}

#[test]
fn path_methods_touch_the_disk() {
    assert_flags(
        "use std::path::Path; async fn f(p: &Path) { if p.exists() && Path::new(\"x\").is_file() {} }",
        &["std::path::Path::exists", "std::path::Path::is_file"],
    );
}

#[test]
fn path_methods_on_non_paths() {
    assert_clean(
        "async fn f(set: HashSet<u8>, s: String) { set.is_empty(); s.exists(); map.metadata(); }",
    );
}
