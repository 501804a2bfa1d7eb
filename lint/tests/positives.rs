//! Blocking calls the engine must report: every category, every async context.

mod support;

use blockwatch_lint::{Category, Certainty, Config};
use support::{file_findings, file_findings_with, flagged, item_findings};

fn assert_flags(src: &str, expected: &[&str]) {
    let got = flagged(src);
    assert_eq!(got, expected, "in:\n{src}");
}

// ---- categories -------------------------------------------------------------------

#[test]
fn sleep_and_park() {
    assert_flags(
        "async fn f(d: Duration) { std::thread::sleep(d); std::thread::park(); std::thread::park_timeout(d); }",
        &["std::thread::sleep", "std::thread::park", "std::thread::park_timeout"],
    );
}

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
fn network() {
    assert_flags(
        r#"use std::net::{TcpListener, TcpStream, UdpSocket};
        async fn f(addr: &str, t: Duration) {
            let s = TcpStream::connect(addr).unwrap();
            let s2 = TcpStream::connect_timeout(&a, t);
            let l = TcpListener::bind(addr).unwrap();
            let (c, _) = l.accept().unwrap();
            for c in l.incoming() {}
            let u = UdpSocket::bind(addr).unwrap();
            u.recv_from(&mut buf);
            u.send_to(&buf, addr);
        }"#,
        &[
            "std::net::TcpStream::connect",
            "std::net::TcpStream::connect_timeout",
            "std::net::TcpListener::bind",
            "std::net::TcpListener::accept",
            "std::net::TcpListener::incoming",
            "std::net::UdpSocket::bind",
            "std::net::UdpSocket::recv_from",
            "std::net::UdpSocket::send_to",
        ],
    );
}

#[test]
fn reads_on_a_blocking_stream() {
    assert_flags(
        "use std::io::Read; async fn f(mut s: std::net::TcpStream) { let mut b = [0; 8]; s.read(&mut b); }",
        &["std::io::Read::read"],
    );
}

#[test]
fn dns() {
    assert_flags(
        "use std::net::ToSocketAddrs; async fn f() { let a = \"example.com:80\".to_socket_addrs(); }",
        &["std::net::ToSocketAddrs::to_socket_addrs"],
    );
}

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

#[test]
fn thread_join() {
    assert_flags(
        "async fn f() { let h = std::thread::spawn(|| 1); h.join().unwrap(); }",
        &["std::thread::JoinHandle::join"],
    );
}

#[test]
fn sync_waits() {
    assert_flags(
        r#"use std::sync::{mpsc, Arc, Barrier, Condvar, Mutex};
        async fn f() {
            let pair = Arc::new((Mutex::new(false), Condvar::new()));
            let (lock, cvar) = &*pair;
            let g = cvar.wait(g).unwrap();
            let b = Barrier::new(2);
            b.wait();
            let (tx, rx) = mpsc::channel();
            rx.recv().unwrap();
            rx.recv_timeout(d);
            for v in rx.iter() {}
            let (stx, srx) = mpsc::sync_channel(1);
            stx.send(1).unwrap();
        }"#,
        &[
            "std::sync::Condvar::wait",
            "std::sync::Barrier::wait",
            "std::sync::mpsc::Receiver::recv",
            "std::sync::mpsc::Receiver::recv_timeout",
            "std::sync::mpsc::Receiver::iter",
            "std::sync::mpsc::SyncSender::send",
        ],
    );
}

#[test]
fn typed_receiver_parameter() {
    assert_flags(
        "use std::sync::mpsc::Receiver; async fn f(rx: Receiver<u8>) { rx.recv(); }",
        &["std::sync::mpsc::Receiver::recv"],
    );
}

#[test]
fn executors() {
    assert_flags(
        r#"async fn f(rt: tokio::runtime::Runtime) {
            futures::executor::block_on(g());
            futures_executor::block_on(g());
            pollster::block_on(g());
            async_std::task::block_on(g());
            smol::block_on(g());
            rt.block_on(g());
            tokio::runtime::Handle::current().block_on(g());
        }"#,
        &[
            "futures::executor::block_on",
            "futures_executor::block_on",
            "pollster::block_on",
            "async_std::task::block_on",
            "smol::block_on",
            "tokio::runtime::Runtime::block_on",
            "tokio::runtime::Runtime::block_on",
        ],
    );
}

#[test]
fn tokio_blocking_methods() {
    assert_flags(
        "async fn f() { rx.blocking_recv(); tx.blocking_send(1); m.blocking_lock(); l.blocking_read(); l.blocking_write(); }",
        &[
            "tokio::sync::mpsc::Receiver::blocking_recv",
            "tokio::sync::mpsc::Sender::blocking_send",
            "tokio::sync::Mutex::blocking_lock",
            "tokio::sync::RwLock::blocking_read",
            "tokio::sync::RwLock::blocking_write",
        ],
    );
}

#[test]
fn sync_http() {
    assert_flags(
        r#"async fn f(u: &str) {
            let body = reqwest::blocking::get(u).unwrap().text();
            let r = ureq::get(u).call();
            let a = attohttpc::get(u).send();
        }"#,
        &["reqwest::blocking::get", "ureq::get", "attohttpc::get"],
    );
    assert_flags(
        "use reqwest::blocking::Client; async fn f(c: &Client) { c.get(\"u\").send(); }",
        &["reqwest::blocking::RequestBuilder::send"],
    );
}

#[test]
fn sync_db() {
    assert_flags(
        r#"use rusqlite::Connection;
        async fn f() {
            let conn = Connection::open("db").unwrap();
            conn.execute("x", []).unwrap();
            let mut client = postgres::Client::connect("host=x", NoTls).unwrap();
            client.query("SELECT 1", &[]);
        }"#,
        &[
            "rusqlite::Connection::open",
            "rusqlite::Connection::execute",
            "postgres::Client::connect",
            "postgres::Client::query",
        ],
    );
    assert_flags(
        "use diesel::prelude::*; async fn f(conn: &mut PgConnection) { let u = users.filter(id.eq(1)).load::<User>(conn); }",
        &["diesel::RunQueryDsl::load"],
    );
}

#[test]
fn std_locks_only_when_enabled() {
    let src =
        "use std::sync::Mutex; async fn f() { let m = Mutex::new(1); let g = m.lock().unwrap(); }";
    assert!(flagged(src).is_empty());
    let config = Config {
        catalog: blockwatch_lint::CatalogConfig {
            enable: vec![Category::Lock],
            ..blockwatch_lint::CatalogConfig::default()
        },
        ..Config::default()
    };
    let found = file_findings_with(src, &config);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resolved, "std::sync::Mutex::lock");
    assert_eq!(found[0].category, Category::Lock);
}

#[test]
fn user_extra_entries() {
    let config = Config::from_toml_str(
        r#"extra = [
            { path = "my_crate::db::query_sync", replacement = "my_crate::db::query(..).await", why = "it runs SQL" },
            { path = "legacy::", replacement = "modern::" },
        ]"#,
        "blockwatch.toml".as_ref(),
    )
    .unwrap();
    let found = file_findings_with(
        "use my_crate::db; async fn f() { db::query_sync(1); legacy::io::read(); }",
        &config,
    );
    let got: Vec<(&str, Category, &str)> = found
        .iter()
        .map(|f| (f.resolved.as_str(), f.category, f.replacement.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "my_crate::db::query_sync",
                Category::User,
                "my_crate::db::query(..).await"
            ),
            ("legacy::io::read", Category::User, "modern::"),
        ]
    );
    assert_eq!(found[0].why, "it runs SQL");
}

// ---- contexts ---------------------------------------------------------------------

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
fn tests_are_marked() {
    let found = file_findings(
        r#"#[cfg(test)] mod tests { async fn helper() { std::thread::sleep(d); } }
        #[tokio::test] async fn t() { std::thread::sleep(d); }
        async fn prod() { std::thread::sleep(d); }"#,
    );
    let in_test: Vec<bool> = found.iter().map(|f| f.in_test).collect();
    assert_eq!(in_test, [true, true, false]);
}

// ---- resolution -------------------------------------------------------------------

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

// ---- spans and text ---------------------------------------------------------------

#[test]
fn spans_cover_the_call_itself() {
    let src = "async fn f() {\n    let out = Command::new(\"ls\")\n        .arg(\"-l\")\n        .output()\n        .unwrap();\n    std::thread::sleep(d);\n}";
    let found = file_findings(&format!("use std::process::Command;\n{src}"));
    assert_eq!(found[0].call, ".output()");
    assert_eq!((found[0].start(), found[0].end()), ((5, 10), (5, 18)));
    assert_eq!(found[1].call, "std::thread::sleep(..)");
    assert_eq!((found[1].start(), found[1].end()), ((7, 5), (7, 26)));
}

#[test]
fn spans_inside_macros_are_the_users() {
    let found = file_findings(
        "async fn f() {\n    println!(\"{}\", std::fs::read_to_string(p).unwrap());\n}",
    );
    assert_eq!((found[0].start(), found[0].end()), ((2, 20), (2, 46)));
}

#[test]
fn findings_carry_why_and_replacement() {
    let f = &file_findings("async fn slow() { std::thread::sleep(d); }")[0];
    assert_eq!(f.category, Category::Sleep);
    assert_eq!(f.replacement, "tokio::time::sleep(..).await");
    assert!(!f.why.is_empty());
    assert_eq!(
        f.message(),
        "blocking call `std::thread::sleep(..)` in async fn `slow`"
    );
}

#[test]
fn findings_come_in_source_order() {
    assert_flags(
        "use std::io::Write; async fn f(p: &str) { std::fs::File::create(p).unwrap().write_all(b\"x\").unwrap(); }",
        &["std::fs::File::create", "std::io::Write::write_all"],
    );
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

#[test]
fn std_mutex_fields_with_locks_enabled() {
    let config = Config {
        catalog: blockwatch_lint::CatalogConfig {
            enable: vec![Category::Lock],
            ..blockwatch_lint::CatalogConfig::default()
        },
        ..Config::default()
    };
    let found = file_findings_with(
        r#"use std::sync::{Arc, Mutex, RwLock};
        struct State { hits: Arc<Mutex<u64>>, names: RwLock<Vec<String>>, fast: tokio::sync::Mutex<u8> }
        impl State {
            async fn bump(&self) {
                *self.hits.lock().unwrap() += 1;
                self.names.write().unwrap().push(String::new());
                *self.fast.lock().await += 1;
            }
        }"#,
        &config,
    );
    let got: Vec<&str> = found.iter().map(|f| f.resolved.as_str()).collect();
    assert_eq!(got, ["std::sync::Mutex::lock", "std::sync::RwLock::write"]);
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

/// `::allow_blocking` names a crate, not the escape hatch: the attribute macro never
/// stripped it, and the engine once skipped the code it marked all the same.
#[test]
fn an_absolute_allow_blocking_path_is_not_the_escape_hatch() {
    assert_eq!(
        flagged(
            "async fn f() { #[::allow_blocking] std::thread::sleep(d); \
             #[::blockwatch::allow_blocking] std::fs::read(p); }"
        ),
        ["std::thread::sleep"]
    );
}
