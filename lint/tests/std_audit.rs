//! The catalog rows added by the audit of std's blocking surface (`lint/CATALOG_AUDIT.md`):
//! for each, code that blocks (with the exact API reported) and a look-alike that does
//! not. `write!`/`writeln!` into a blocking writer are reported at the macro call.

mod support;

use blockwatch_lint::{Category, Certainty};
use support::file_findings;

/// (source, the resolved APIs reported, in order).
const POSITIVES: &[(&str, &[&str])] = &[
    (
        "use std::io::Write; async fn f() { writeln!(std::io::stdout(), \"hi\").unwrap(); }",
        &["std::io::Stdout::write_fmt"],
    ),
    (
        "use std::io::{self, Write}; async fn f() { write!(io::stderr(), \"x\").ok(); }",
        &["std::io::Stdout::write_fmt"],
    ),
    (
        "use std::io::Write; async fn f() { let mut out = std::io::stdout().lock(); writeln!(out, \"a\").ok(); }",
        &["std::io::Stdout::lock", "std::io::Stdout::write_fmt"],
    ),
    (
        "use std::io::Write; async fn f() { let mut log = std::fs::File::create(\"l\").unwrap(); writeln!(log, \"a\").ok(); }",
        &["std::fs::File::create", "std::io::Write::write_fmt"],
    ),
    (
        "async fn f(file: std::fs::File) { file.sync_all().unwrap(); file.sync_data().unwrap(); file.set_len(0).unwrap(); }",
        &["std::fs::File::sync_all", "std::fs::File::sync_data", "std::fs::File::set_len"],
    ),
    (
        "async fn f(file: &std::fs::File) { file.lock().unwrap(); file.lock_shared().unwrap(); }",
        &["std::fs::File::lock", "std::fs::File::lock_shared"],
    ),
    (
        "use std::io::Read; async fn f(b: &mut [u8]) { std::io::stdin().read(b).unwrap(); std::io::stdin().read_exact(b).unwrap(); }",
        &["std::io::Stdin::read", "std::io::Stdin::read_exact"],
    ),
    (
        "async fn f(s: std::net::UdpSocket, b: &[u8], m: &mut [u8]) { s.send(b).unwrap(); s.peek(m).unwrap(); s.peek_from(m).unwrap(); }",
        &["std::net::UdpSocket::send", "std::net::UdpSocket::peek", "std::net::UdpSocket::peek_from"],
    ),
    (
        "use std::io::Write; async fn f(s: std::net::TcpStream, m: &mut [u8]) { s.peek(m).unwrap(); writeln!(s, \"GET /\").ok(); }",
        &["std::net::TcpStream::peek", "std::io::Write::write_fmt"],
    ),
    (
        "use std::os::unix::net::{UnixDatagram, UnixListener}; async fn f(m: &mut [u8]) {\n\
             let l = UnixListener::bind(\"a\");\n\
             let d = UnixDatagram::bind(\"b\").unwrap();\n\
             d.recv(m).unwrap(); d.recv_from(m).unwrap(); d.send(m).unwrap(); d.send_to(m, \"c\").unwrap();\n\
         }",
        &[
            "std::os::unix::net::UnixListener::bind",
            "std::os::unix::net::UnixDatagram::bind",
            "std::os::unix::net::UnixDatagram::recv",
            "std::os::unix::net::UnixDatagram::recv_from",
            "std::os::unix::net::UnixDatagram::send",
            "std::os::unix::net::UnixDatagram::send_to",
        ],
    ),
    (
        "async fn f(d: u32) { std::thread::park_timeout_ms(d); }",
        &["std::thread::park_timeout_ms"],
    ),
    (
        "async fn f(cell: &std::sync::OnceLock<u8>) { cell.wait(); }",
        &["std::sync::OnceLock::wait"],
    ),
];

/// Look-alikes: the async counterparts, in-memory writers, non-blocking methods of the
/// same types, and the same calls in sync code.
const LOOKALIKES: &[&str] = &[
    "use std::fmt::Write; async fn f(s: &mut String) { writeln!(s, \"hi\").unwrap(); }",
    "use std::io::Write; async fn f(buf: &mut Vec<u8>) { write!(buf, \"x\").unwrap(); }",
    "async fn f() { let s = format!(\"{}\", 1); println!(\"{s}\"); }",
    "use std::io::Write; fn f() { writeln!(std::io::stdout(), \"hi\").unwrap(); }",
    "async fn f(file: &tokio::fs::File) { file.sync_all().await.unwrap(); }",
    "async fn f(m: &std::sync::Mutex<u8>) { m.try_lock().ok(); }",
    "async fn f(file: &std::fs::File) { file.try_lock().ok(); }",
    "async fn f(s: tokio::net::UdpSocket, b: &[u8]) { s.send(b).await.unwrap(); }",
    "async fn f(tx: std::sync::mpsc::Sender<u8>) { tx.send(1).unwrap(); }",
    "async fn f(cell: &std::sync::OnceLock<u8>) { cell.get(); }",
    "async fn f(b: &std::sync::Barrier) { b.is_leader(); }",
    "async fn f(d: u32) { tokio::time::sleep(std::time::Duration::from_millis(d.into())).await; }",
    "async fn f() { std::env::var(\"HOME\").ok(); std::env::current_dir().ok(); }",
];

#[test]
fn audited_std_apis_are_reported() {
    for (src, want) in POSITIVES {
        let found = file_findings(src);
        let got: Vec<&str> = found.iter().map(|f| f.resolved.as_str()).collect();
        assert_eq!(&got, want, "{src}");
    }
}

#[test]
fn audited_look_alikes_are_not_reported() {
    for src in LOOKALIKES {
        let got: Vec<String> = file_findings(src).into_iter().map(|f| f.resolved).collect();
        assert!(got.is_empty(), "{src}: {got:?}");
    }
}

/// `writeln!` is reported at the whole macro call, as a stdio method shape, without a fix
/// (the macro cannot be awaited as written).
#[test]
fn writeln_to_stdout_is_reported_at_the_macro() {
    let found = file_findings(
        "use std::io::Write;\nasync fn f() {\n    writeln!(std::io::stdout(), \"hi\").unwrap();\n}",
    );
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(
        (f.call.as_str(), f.category),
        ("writeln!(..)", Category::Stdio)
    );
    assert_eq!(f.certainty, Certainty::MethodShape);
    assert_eq!((f.start(), f.end()), ((3, 5), (3, 38)));
    assert!(f.fix.is_none());
}
