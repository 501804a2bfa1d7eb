//! Category `process`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Process,
    config: Config::default,
    positives: &[(
        "async fn f() { std::process::Command::new(\"ls\").output(); }",
        &["std::process::Command::output"],
    )],
    lookalikes: &["async fn f() { tokio::process::Command::new(\"ls\").output().await; }"],
};

#[test]
fn processes() {
    assert_flags(
        r#"use std::process::Command;
        async fn f() {
            let out = Command::new("ls")
                .arg("-l")
                .output()
                .unwrap();
            let st = Command::new("true").status();
            let mut child = Command::new("sleep").spawn().unwrap();
            child.wait();
            Command::new("x").spawn().unwrap().wait_with_output();
        }"#,
        &[
            "std::process::Command::output",
            "std::process::Command::status",
            "std::process::Child::wait",
            "std::process::Child::wait_with_output",
        ],
    );
}
