//! Look-alikes the engine must NOT report.

mod support;

use support::{flagged, item_findings};

fn assert_clean(src: &str) {
    let got = flagged(src);
    assert!(got.is_empty(), "unexpected findings {got:?} in:\n{src}");
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
fn awaited_async_apis() {
    assert_clean(
        r#"async fn f() {
            tokio::time::sleep(d).await;
            sleep(d).await;
            tokio::fs::read("a").await;
            tokio::process::Command::new("ls").output().await;
            handle.join().await;
            rx.recv().await;
            m.lock().await;
            file.read(&mut buf).await;
            socket.recv_from(&mut b).await;
            tokio::time::timeout(d, rx.recv()).await;
            child.wait().await;
            barrier.wait().await;
        }"#,
    );
}

#[test]
fn names_resolved_to_something_else() {
    assert_clean(
        r#"use tokio::time::sleep;
        use tokio::fs::{read, File};
        use tokio::process::Command;
        async fn f() {
            let fut = sleep(d);
            let r = read("x");
            let o = File::open("y");
            let c = Command::new("ls").output();
        }"#,
    );
}

#[test]
fn local_definitions_shadow_catalog_names() {
    assert_clean(
        r#"fn sleep(d: u64) {}
        mod fs { pub fn read(p: &str) {} }
        async fn f() { sleep(1); fs::read("x"); let read = |p| p; read(1); }"#,
    );
}

#[test]
fn same_names_with_other_shapes() {
    assert_clean(
        r#"async fn f(parts: Vec<String>, path: std::path::PathBuf) {
            let s = parts.join(",");
            let p = path.join("x");
            let t = std::time::Instant::now();
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            tx.send(1);
            let (stx, srx) = std::sync::mpsc::channel();
            stx.send(2);
            let o = thing.output();
            let st = response.status();
            let w = other.wait();
            let q = query.execute(&pool).await;
            let l = users.load(conn);
            let e = s.exists();
        }"#,
    );
}

#[test]
fn std_locks_are_opt_in() {
    assert_clean("use std::sync::{Mutex, RwLock}; async fn f() { let m = Mutex::new(1); m.lock().unwrap(); let r = RwLock::new(1); r.read().unwrap(); }");
}

#[test]
fn escape_hatch_skips_everything_inside() {
    assert_clean(
        r#"async fn f() {
            #[allow_blocking]
            std::thread::sleep(d);
            #[blockwatch::allow_blocking(reason = "startup only")]
            let cfg = std::fs::read_to_string("c").unwrap();
            #[allow_blocking]
            {
                std::fs::read("x");
            }
        }
        #[blockwatch::allow_blocking(reason = "demo")]
        async fn demo() { std::thread::sleep(d); }
        #[allow_blocking]
        impl S { async fn m(&self) { std::thread::sleep(d); } }"#,
    );
    assert!(item_findings("#[allow_blocking] async fn g() { std::thread::sleep(d); }").is_empty());
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

#[test]
fn diesel_methods_need_diesel_in_scope() {
    assert_clean("async fn f(conn: &mut C) { let v = q.load(conn); let r = q.first(conn); q.execute(conn); }");
}

#[test]
fn path_methods_on_non_paths() {
    assert_clean(
        "async fn f(set: HashSet<u8>, s: String) { set.is_empty(); s.exists(); map.metadata(); }",
    );
}

#[test]
fn awaited_glob_names() {
    assert_clean("use tokio::time::*; async fn f() { sleep(d).await; }");
}

#[test]
fn item_mode_awaited_unresolved() {
    assert!(item_findings("async fn f() { sleep(d).await; read_to_string(p).await; }").is_empty());
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

/// Found on the cargo registry (cli/tests/real_code.rs, item by item as the attribute
/// checks): tokio-stream's `ChunksTimeout::poll_next` calls `sleep(..)` imported from
/// `tokio::time` at the top of the file, which the attribute cannot see. Its value is
/// kept, and `std::thread::sleep` returns `()`: it is a future constructor.
#[test]
fn unresolved_sleep_whose_value_is_kept_is_not_thread_sleep() {
    let poll_next = r#"impl<S: Stream> Stream for ChunksTimeout<S> {
        type Item = Vec<S::Item>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let mut me = self.as_mut().project();
            me.deadline.set(Some(sleep(*me.duration)));
            Poll::Pending
        }
    }"#;
    assert!(item_findings(poll_next).is_empty());
    assert!(item_findings(
        "async fn f(d: Duration) { let deadline = sleep(d); tokio::pin!(deadline); \
         select(deadline, other()).await; run(sleep(d)).await; sleep(d).fuse(); }"
    )
    .is_empty());
}

#[test]
fn glob_imports_of_the_parent_module_resolve_through_it() {
    assert_clean(
        r#"use tokio::time::sleep;
        fn read(p: &str) -> usize { p.len() }
        #[cfg(test)]
        mod tests {
            use super::*;
            #[tokio::test]
            async fn t() { read("x"); let unpolled = sleep(d); }
        }"#,
    );
}

#[test]
fn values_computed_from_blocking_sources_are_plain_values() {
    let got = flagged(
        r#"use std::io;
        async fn f() {
            let text = io::read_to_string(io::stdin()).unwrap();
            for line in text.lines() {}
            let n = count(std::fs::File::open("x").unwrap());
            n.read(&mut buf);
        }"#,
    );
    assert_eq!(got, ["std::io::read_to_string", "std::fs::File::open"]);
}

#[test]
fn escape_hatch_on_match_arms() {
    let got = flagged(
        r#"async fn f(x: u8) {
            match x {
                #[allow_blocking]
                0 => std::thread::sleep(d),
                _ => std::fs::remove_file("y").unwrap(),
            }
        }"#,
    );
    assert_eq!(got, ["std::fs::remove_file"]);
}

/// One look-alike per line: each must stay clean in an async fn.
#[test]
fn table_of_look_alikes() {
    let cases = [
        "let v = parts.join(\", \");",
        "let p = base.join(\"x\").join(\"y\");",
        "let s = words.concat();",
        "handle.join().await.unwrap();",
        "let r = rx.recv().await;",
        "let r = rx.recv_many(&mut buf, 8).await;",
        "let g = m.lock().await;",
        "let g = rw.read().await; let w = rw.write().await;",
        "tx.send(1).await.unwrap();",
        "let ok = unbounded_tx.send(1);",
        "let d = tokio::fs::read(\"a\").await;",
        "let d = tokio::fs::read_to_string(\"a\").await;",
        "let m = tokio::fs::metadata(\"a\").await;",
        "let o = tokio::process::Command::new(\"ls\").output().await;",
        "let s = tokio::process::Command::new(\"ls\").status().await;",
        "let now = std::time::Instant::now();",
        "let n = file.read(&mut buf).await;",
        "file.write_all(b\"x\").await.unwrap();",
        "file.flush().await.unwrap();",
        "let (n, a) = socket.recv_from(&mut b).await.unwrap();",
        "socket.send_to(&b, addr).await.unwrap();",
        "let (s, a) = listener.accept().await.unwrap();",
        "let addrs = tokio::net::lookup_host(\"a:1\").await;",
        "tokio::time::sleep(std::time::Duration::from_secs(1)).await;",
        "tokio::time::timeout(d, fut).await.ok();",
        "let line = lines.next_line().await;",
        "notify.notified().await;",
        "barrier.wait().await;",
        "let o = once.get_or_init(|| async { 1 }).await;",
        "let v = map.get(&k).cloned();",
        "let n = text.lines().count();",
        "let b = path.exists;",
        "let e = set.is_empty();",
        "let c = std::env::current_dir();",
        "let x = std::mem::take(&mut v);",
        "let s = format!(\"{}\", std::thread::current().name().unwrap_or(\"\"));",
        "let id = std::process::id();",
        "let t = std::thread::spawn(move || work()); drop(t);",
        "std::thread::yield_now();",
        "let r = reqwest::get(url).await;",
        "let c = reqwest::Client::new().get(url).send().await;",
        "let rows = sqlx::query(\"x\").fetch_all(&pool).await;",
        "let rows = client.query(\"SELECT 1\", &[]).await;",
        "let q = query.execute(&pool).await;",
        "let s = stream.next().await;",
        "let f = futures::future::join(a, b).await;",
        "let r = futures::executor::block_on;",
        "let j = tokio::task::spawn_blocking(move || std::fs::read(\"x\")).await;",
        "let w = child.wait().await;",
        "let o = child.wait_with_output().await;",
    ];
    for case in cases {
        assert_clean(&format!("async fn f() {{ {case} }}"));
    }
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
