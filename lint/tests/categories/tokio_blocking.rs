//! Category `tokio_blocking`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::TokioBlocking,
    config: Config::default,
    positives: &[(
        "async fn f(mut rx: R) { rx.blocking_recv(); }",
        &["tokio::sync::mpsc::Receiver::blocking_recv"],
    )],
    lookalikes: &[
        "fn f(mut rx: R) { rx.blocking_recv(); }",
        "async fn f(mut rx: R) { rx.recv().await; }",
    ],
};

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
