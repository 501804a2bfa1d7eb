//! Category `net`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Net,
    config: Config::default,
    positives: &[(
        "async fn f() { std::net::TcpStream::connect(\"a:1\"); }",
        &["std::net::TcpStream::connect"],
    )],
    lookalikes: &["async fn f() { tokio::net::TcpStream::connect(\"a:1\").await; }"],
};

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
