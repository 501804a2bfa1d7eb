//! Category `stdio`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_clean, assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Stdio,
    config: Config::default,
    positives: &[
        (
            "async fn f(s: &mut String) { std::io::stdin().read_line(s); }",
            &["std::io::Stdin::read_line"],
        ),
        (
            "use std::io::Write; async fn f(b: &[u8]) { std::io::stdout().write_all(b); }",
            &["std::io::Stdout::write_all"],
        ),
        (
            "use std::io::{self, Write}; async fn f() { io::stderr().flush(); }",
            &["std::io::Stdout::flush"],
        ),
        (
            "async fn f() { let out = std::io::stdout(); let _g = out.lock(); }",
            &["std::io::Stdout::lock"],
        ),
        (
            "async fn f(r: R, w: W) { std::io::copy(&mut r, &mut w); }",
            &["std::io::copy"],
        ),
    ],
    lookalikes: &[
        "async fn f(r: R, s: &mut String) { r.read_line(s).await; }",
        "async fn f(b: &[u8]) { tokio::io::stdout().write_all(b).await; }",
        "async fn f(w: W, b: &[u8]) { w.write_all(b); w.flush(); }",
        "async fn f(m: M) { let _g = m.lock(); }",
        "async fn f(r: R, w: W) { tokio::io::copy(&mut r, &mut w).await; }",
    ],
};

#[test]
fn stdio() {
    assert_flags(
        r#"use std::io::{self, BufRead, Read};
        async fn f() {
            let mut s = String::new();
            io::stdin().read_line(&mut s).unwrap();
            for line in io::stdin().lines() {}
            io::stdin().read_to_string(&mut s).unwrap();
            let stdin = std::io::stdin();
            stdin.lock().lines();
        }"#,
        &[
            "std::io::Stdin::read_line",
            "std::io::Stdin::lines",
            "std::io::Stdin::read_to_string",
            "std::io::Stdin::lines",
        ],
    );
}

#[test]
fn tokio_stdin_is_not_std_stdin() {
    assert_clean(
        r#"use tokio::io::{stdin, AsyncBufReadExt, BufReader};
        async fn f() {
            let mut lines = BufReader::new(stdin()).lines();
            while let Some(l) = lines.next_line().await.unwrap() {}
            let mut s = String::new();
            BufReader::new(stdin()).read_line(&mut s).await;
        }"#,
    );
}
