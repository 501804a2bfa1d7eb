//! Name resolution: `use` forms, unresolved names, the attribute's one-item view, names
//! that resolve to something else, values and receivers traced to their origin.

mod support;

use blockwatch_lint::Certainty;
use support::{assert_clean, assert_flags, file_findings, flagged, item_findings};

#[test]
fn every_use_form_resolves() {
    assert_flags(
        r#"use std::thread::sleep as nap;
        use ::std::fs;
        use std::{io::{self, Read}, process::{Command as Cmd}};
        use std::fs::*;
        async fn f() {
            nap(d);
            fs::read("a");
            Cmd::new("ls").output();
            read_to_string("b");
            { use std::thread; thread::park(); }
            ::std::fs::copy("a", "b");
        }"#,
        &[
            "std::thread::sleep",
            "std::fs::read",
            "std::process::Command::output",
            "std::fs::read_to_string",
            "std::thread::park",
            "std::fs::copy",
        ],
    );
}

#[test]
fn unresolved_names_are_flagged_when_not_awaited() {
    let found = file_findings("async fn f() { sleep(d); thread::sleep(d); File::open(p); }");
    let got: Vec<(&str, Certainty)> = found
        .iter()
        .map(|f| (f.resolved.as_str(), f.certainty))
        .collect();
    assert_eq!(
        got,
        [
            ("std::thread::sleep", Certainty::Unresolved),
            ("std::thread::sleep", Certainty::Unresolved),
            ("std::fs::File::open", Certainty::Unresolved),
        ]
    );
    assert!(found[0]
        .message()
        .contains("is not awaited; if this is `std::thread::sleep`"));
}

#[test]
fn check_item_sees_only_the_item() {
    let found = item_findings("async fn f() { use std::fs; fs::read(p); thread::sleep(d); }");
    let got: Vec<(&str, Certainty)> = found
        .iter()
        .map(|f| (f.resolved.as_str(), f.certainty))
        .collect();
    assert_eq!(
        got,
        [
            ("std::fs::read", Certainty::Resolved),
            ("std::thread::sleep", Certainty::Unresolved)
        ]
    );
    let found = item_findings("impl S { async fn a(&self) { std::thread::sleep(d); } fn b(&self) { std::thread::sleep(d); } }");
    assert_eq!(found.len(), 1);
    let found = item_findings("mod m { use std::fs::read; pub async fn a() { read(p); } }");
    assert_eq!(found[0].certainty, Certainty::Resolved);
}

#[test]
fn glob_imports_of_the_parent_module_bring_its_imports() {
    let found = file_findings(
        r#"use std::thread::sleep;
        mod tests {
            use super::*;
            async fn t() { sleep(d); }
        }"#,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].certainty, Certainty::Resolved);
}

#[test]
fn check_item_on_impls_traits_and_modules() {
    let contexts = |src: &str| -> Vec<(String, Certainty)> {
        item_findings(src)
            .into_iter()
            .map(|f| (f.context, f.certainty))
            .collect()
    };
    assert_eq!(
        contexts("impl Future for Tick { type Output = (); fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> { std::thread::sleep(d); Poll::Ready(()) } }"),
        [("`poll` of `impl Future for Tick`".to_string(), Certainty::Resolved)]
    );
    assert_eq!(
        contexts("trait Store { async fn load(&self) { std::fs::read(\"x\"); } fn sync(&self) { std::fs::read(\"y\"); } }"),
        [("async fn `load`".to_string(), Certainty::Resolved)]
    );
    assert_eq!(
        contexts("mod jobs { use std::process::Command; pub async fn run() { Command::new(\"ls\").status(); } }"),
        [("async fn `run`".to_string(), Certainty::MethodShape)]
    );
}

/// The value rule is for APIs that return `()` and names nothing in scope resolves: a
/// bare `sleep(d);` statement is still `std::thread::sleep`, and a kept value of an API
/// that returns something is still that API.
#[test]
fn kept_values_of_blocking_calls_are_still_reported() {
    let got: Vec<String> = item_findings(
        "async fn f(d: Duration) { sleep(d); let _ = sleep(d); let data = fs::read(p); \
         use std::thread; keep(thread::sleep(d)); }",
    )
    .into_iter()
    .map(|f| f.resolved)
    .collect();
    assert_eq!(
        got,
        [
            "std::thread::sleep",
            "std::thread::sleep",
            "std::fs::read",
            "std::thread::sleep"
        ]
    );
}

#[test]
fn catalog_fns_passed_as_values() {
    assert_flags(
        r#"use std::fs::read_to_string;
        async fn f(paths: Vec<String>) {
            let a: Vec<_> = paths.iter().map(std::fs::read).collect();
            let b: Vec<_> = paths.iter().map(read_to_string).collect();
        }"#,
        &["std::fs::read", "std::fs::read_to_string"],
    );
}

#[test]
fn receivers_typed_by_local_structs_and_fns() {
    assert_flags(
        r#"use std::fs::File;
        use std::io::Write;
        use std::path::PathBuf;
        struct Store { log: File, dir: PathBuf }
        fn config_path() -> PathBuf { PathBuf::from("c.toml") }
        impl Store {
            fn child(&self) -> std::process::Child { panic!("never called") }
            async fn flush(&mut self) {
                self.log.flush();
                if self.dir.is_dir() {}
                Self::child(self).wait();
            }
        }
        async fn f(store: Store) {
            let p = config_path();
            if p.exists() {}
            let mut s = store;
            s.log.write_all(b"x");
        }"#,
        &[
            "std::io::Write::flush",
            "std::path::Path::is_dir",
            "std::process::Child::wait",
            "std::path::Path::exists",
            "std::io::Write::write_all",
        ],
    );
}

#[test]
fn if_let_and_while_let_bindings_carry_origins() {
    assert_flags(
        r#"use std::io::Read;
        use std::net::TcpListener;
        async fn f(listener: TcpListener) {
            while let Ok((mut sock, _)) = listener.accept() {
                sock.read(&mut buf);
            }
            if let Ok(mut file) = std::fs::File::open("x") {
                file.read_to_end(&mut v);
            }
        }"#,
        &[
            "std::net::TcpListener::accept",
            "std::io::Read::read",
            "std::fs::File::open",
            "std::io::Read::read_to_end",
        ],
    );
}

#[test]
fn match_arm_bindings_carry_origins() {
    assert_flags(
        r#"use std::io::Write;
        async fn f() {
            match std::net::TcpStream::connect("a:1") {
                Ok(mut s) if s.write_all(b"x").is_ok() => {}
                Ok(mut s) => { s.flush(); }
                Err(e) => {}
            }
        }"#,
        &[
            "std::net::TcpStream::connect",
            "std::io::Write::write_all",
            "std::io::Write::flush",
        ],
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
fn awaited_glob_names() {
    assert_clean("use tokio::time::*; async fn f() { sleep(d).await; }");
}

#[test]
fn item_mode_awaited_unresolved() {
    assert!(item_findings("async fn f() { sleep(d).await; read_to_string(p).await; }").is_empty());
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
