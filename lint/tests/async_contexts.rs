//! Async context: which code runs on the executor (async fns, blocks, closures, `poll` fns),
//! what is offloaded, and what is test code.

mod support;

use support::{assert_clean, assert_flags, file_findings, flagged, item_findings};

fn contexts(src: &str) -> Vec<String> {
    file_findings(src).into_iter().map(|f| f.context).collect()
}

#[test]
fn async_fns_free_inherent_trait_impl_and_default() {
    assert_eq!(
        contexts(
            r#"async fn free() { std::thread::sleep(d); }
            impl S { async fn inherent(&self) { std::thread::sleep(d); } }
            impl T for S { async fn in_trait_impl(&self) { std::thread::sleep(d); } }
            trait U { async fn default_body(&self) { std::thread::sleep(d); } }"#
        ),
        [
            "async fn `free`",
            "async fn `inherent`",
            "async fn `in_trait_impl`",
            "async fn `default_body`"
        ]
    );
}

#[test]
fn async_blocks_anywhere() {
    assert_eq!(
        contexts(
            r#"fn sync_fn() {
                let fut = async { std::thread::sleep(d) };
                tokio::spawn(async move { std::fs::read("x"); });
                std::thread::sleep(d);
            }"#
        ),
        ["async block", "async block"]
    );
}

#[test]
fn async_closures() {
    assert_eq!(
        contexts(
            r#"fn f() {
                let a = async || std::thread::sleep(d);
                let b = async move |x: u8| { std::thread::sleep(d) };
                let c = || async { std::thread::sleep(d) };
            }"#
        ),
        ["async closure", "async closure", "async block"]
    );
}

#[test]
fn poll_fns_of_future_and_io_traits() {
    assert_eq!(
        contexts(
            r#"impl Future for Fut {
                type Output = ();
                fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> { std::thread::sleep(d); Poll::Ready(()) }
            }
            impl futures::Stream for St {
                fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u8>> { std::fs::read("x"); Poll::Pending }
                fn size_hint(&self) -> (usize, Option<usize>) { std::fs::read("y"); (0, None) }
            }
            impl tokio::io::AsyncRead for R {
                fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, b: &mut ReadBuf<'_>) -> Poll<io::Result<()>> { std::fs::read("z"); Poll::Pending }
            }"#
        ),
        [
            "`poll` of `impl Future for Fut`",
            "`poll_next` of `impl Stream for St`",
            "`poll_read` of `impl AsyncRead for R`"
        ]
    );
}

#[test]
fn sync_closures_inside_async_code_still_block() {
    assert_flags(
        "async fn f(paths: Vec<String>) { let v: Vec<_> = paths.iter().map(|p| std::fs::read(p)).collect(); }",
        &["std::fs::read"],
    );
}

#[test]
fn async_block_inside_offloaded_closure_is_async_again() {
    assert_flags(
        "async fn f() { tokio::task::spawn_blocking(|| { let fut = async { std::thread::sleep(d) }; }); }",
        &["std::thread::sleep"],
    );
}

#[test]
fn tests_are_marked() {
    let found = file_findings(
        r#"#[cfg(test)] mod tests { async fn helper() { std::thread::sleep(d); } }
        #[tokio::test] async fn t() { std::thread::sleep(d); }
        async fn prod() { std::thread::sleep(d); }"#,
    );
    let in_test: Vec<bool> = found.iter().map(|f| f.in_test).collect();
    assert_eq!(in_test, [true, true, false]);
}

#[test]
fn test_cfg_forms() {
    let found = file_findings(
        r#"#[cfg(all(test, feature = "slow"))] mod a { async fn f() { std::thread::sleep(d); } }
        #[cfg(not(test))] mod b { async fn f() { std::thread::sleep(d); } }"#,
    );
    let in_test: Vec<bool> = found.iter().map(|f| f.in_test).collect();
    assert_eq!(in_test, [true, false]);
}

/// `any(test, ..)` also holds in a normal build with the feature: not test code. The
/// engine once called it test code while the scanner's module tree did not.
#[test]
fn cfg_any_with_test_is_not_test_code() {
    let found = file_findings(
        r#"#[cfg(any(test, feature = "testing"))] mod a { async fn f() { std::thread::sleep(d); } }
        #[cfg(all(test, not(windows)))] mod b { async fn f() { std::thread::sleep(d); } }
        mod c { #[cfg(any(test, loom))] async fn f() { std::thread::sleep(d); } }"#,
    );
    let in_test: Vec<bool> = found.iter().map(|f| f.in_test).collect();
    assert_eq!(in_test, [false, true, false]);
}

/// Offloading is decided by the callee's name, not by what the name merely contains:
/// `blocking_*` methods block, and a closure run by a plain fn runs in place.
#[test]
fn names_near_offloaders_are_not_offloaders() {
    assert_eq!(
        flagged(
            r#"async fn f(rx: Rx) {
                rx.blocking_recv();
                with_retry(|| std::fs::read("a"));
                blocking(|| std::thread::sleep(d));
                run_blocking_sometimes(|| std::fs::remove_file("a"));
                asyncify(|| 1);
                std::fs::read("after");
            }"#
        ),
        [
            "tokio::sync::mpsc::Receiver::blocking_recv",
            "std::fs::read",
            "std::thread::sleep",
            "std::fs::remove_file",
            "std::fs::read",
        ]
    );
}

#[test]
fn sync_code_is_not_async_context() {
    assert_clean("fn f() { std::thread::sleep(d); std::fs::read(\"x\"); }");
    assert_clean("impl S { fn f(&self) { std::thread::sleep(d); } }");
    assert_clean("const X: () = { std::thread::sleep(d); };");
}

#[test]
fn nested_fn_items_are_their_own_context() {
    assert_clean("async fn outer() { fn inner() { std::thread::sleep(d); } }");
    assert_clean("async fn outer() { struct S; impl S { fn m(&self) { std::fs::read(\"x\"); } } }");
}

#[test]
fn closures_given_to_offloaders() {
    assert_clean(
        r#"use tokio::task::spawn_blocking;
        async fn f() {
            tokio::task::spawn_blocking(|| std::thread::sleep(d)).await;
            spawn_blocking(move || { std::fs::read("x") }).await;
            tokio::task::block_in_place(|| std::thread::sleep(d));
            std::thread::spawn(|| std::thread::sleep(d));
            std::thread::Builder::new().name("w".into()).spawn(move || std::fs::read("y"));
            rayon::spawn(|| std::thread::sleep(d));
            rayon::scope(|s| std::thread::sleep(d));
            smol::unblock(|| std::fs::read("z")).await;
            blocking::unblock(|| std::fs::read("z")).await;
            async_std::task::spawn_blocking(|| std::thread::sleep(d)).await;
            handle.spawn_blocking(|| std::thread::sleep(d)).await;
        }"#,
    );
}

#[test]
fn scoped_spawns_are_offloaded_but_the_scope_waits() {
    // `thread::scope` itself returns only when its threads are done: that wait is the
    // finding; the closures given to `s.spawn` run on their own threads.
    assert_eq!(
        flagged("async fn f() { std::thread::scope(|s| { s.spawn(|| std::thread::sleep(d)); }); }"),
        ["std::thread::scope"]
    );
}

#[test]
fn wrappers_of_offloaders_in_the_same_file() {
    assert_clean(
        r#"async fn asyncify<F, T>(f: F) -> std::io::Result<T>
        where
            F: FnOnce() -> std::io::Result<T> + Send + 'static,
            T: Send + 'static,
        {
            tokio::task::spawn_blocking(f).await.unwrap()
        }
        pub async fn read_to_string(path: String) -> std::io::Result<String> {
            asyncify(move || std::fs::read_to_string(path)).await
        }"#,
    );
}

/// Found on the cargo registry (cli/tests/real_code.rs): tokio's `fs` functions call
/// `asyncify`, defined in another file (`tokio/src/fs/mod.rs`), so the file alone cannot
/// show that it wraps `spawn_blocking`. Names that say "offload" are offloaders.
#[test]
fn offloading_wrappers_named_as_such_in_other_files() {
    // tokio-1.54.1/src/fs/remove_dir.rs, as written.
    assert_clean(
        r#"use crate::fs::asyncify;
        use std::io;
        use std::path::Path;
        pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
            let path = path.as_ref().to_owned();
            asyncify(move || std::fs::remove_dir(path)).await
        }"#,
    );
    assert_clean(
        r#"async fn f(pool: Pool, path: String) {
            crate::util::run_blocking(move || std::fs::read(&path)).await;
            pool.execute_blocking(|| std::thread::sleep(d)).await;
            offload(|| std::fs::read("a")).await;
            io::offload_io(|| std::fs::write("a", b"x")).await;
            unblock_on(|| std::fs::remove_file("a")).await;
            asyncify_io(std::fs::read, "a").await;
        }"#,
    );
    // The attribute sees only its item: the same rule holds there.
    assert!(item_findings(
        "async fn f(p: String) { asyncify(move || std::fs::read_to_string(p)).await; }"
    )
    .is_empty());
}

#[test]
fn fn_values_given_to_offloaders_or_in_sync_code() {
    assert_clean(
        r#"fn load() -> u8 { 1 }
        async fn f(paths: Vec<String>) {
            let h = std::thread::spawn(load);
            let j = tokio::task::spawn_blocking(load).await;
            let read = |p: &String| p.len();
            let n: Vec<_> = paths.iter().map(read).collect();
            let t = tokio::fs::read;
        }
        fn g(paths: Vec<String>) { let v: Vec<_> = paths.iter().map(std::fs::read).collect(); }"#,
    );
}
