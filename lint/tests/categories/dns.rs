//! Category `dns`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Dns,
    config: Config::default,
    positives: &[(
        "async fn f(a: A) { a.to_socket_addrs(); }",
        &["std::net::ToSocketAddrs::to_socket_addrs"],
    )],
    lookalikes: &["async fn f() { tokio::net::lookup_host(\"a:1\").await; }"],
};

#[test]
fn dns() {
    assert_flags(
        "use std::net::ToSocketAddrs; async fn f() { let a = \"example.com:80\".to_socket_addrs(); }",
        &["std::net::ToSocketAddrs::to_socket_addrs"],
    );
}
