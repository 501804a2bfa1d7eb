//! Macro bodies read as code: `select!`/`join!`, format- and assert-like arguments,
//! unknown macros scanned for catalog paths, and macros that never run their tokens.

mod support;

use support::{assert_clean, assert_flags};

#[test]
fn select_and_join_bodies_are_checked() {
    assert_flags(
        r#"async fn f() {
            tokio::select! {
                biased;
                Some(v) = rx.recv() => { std::thread::sleep(d); }
                _ = tokio::time::sleep(d), if ready => std::fs::read("x"),
                else => { std::fs::write("y", b""); }
            }
            tokio::join!(async { std::fs::remove_file("z") }, other());
        }"#,
        &[
            "std::thread::sleep",
            "std::fs::read",
            "std::fs::write",
            "std::fs::remove_file",
        ],
    );
}

#[test]
fn format_and_assert_macro_arguments_are_checked() {
    assert_flags(
        r#"async fn f() {
            println!("{}", std::fs::read_to_string("a").unwrap());
            tracing::info!(size = ?std::fs::metadata("b"), "read {}", 1);
            assert_eq!(std::fs::read("c").unwrap(), vec![]);
            let v = vec![std::fs::read("d"); 2];
            log::warn!(target: "x", "{:?}", std::fs::read_dir("e"));
            write!(out, "{}", std::fs::read_link("f")?.display());
        }"#,
        &[
            "std::fs::read_to_string",
            "std::fs::metadata",
            "std::fs::read",
            "std::fs::read",
            "std::fs::read_dir",
            "std::fs::read_link",
        ],
    );
}

#[test]
fn unknown_macros_are_scanned_for_catalog_paths() {
    assert_flags(
        "async fn f() { my_macro!(=> std::thread::sleep(d) ; ~); other! { x: std::fs::read(p) } }",
        &["std::thread::sleep", "std::fs::read"],
    );
}

#[test]
fn macros_that_do_not_run_their_tokens() {
    assert_clean(
        r#"async fn f() {
            let t = quote::quote! { std::thread::sleep(d) };
            let s = stringify!(std::thread::sleep(d));
            println!("std::thread::sleep(d) would block");
            let doc = "std::fs::read(p)";
        }"#,
    );
}

#[test]
fn select_futures_are_awaited() {
    assert_clean(
        r#"async fn f() {
            tokio::select! {
                v = rx.recv() => {}
                _ = sleep(d) => {}
                _ = handle.join() => {}
            }
            futures::join!(sleep(d), rx.recv());
        }"#,
    );
}
