//! Category `sync`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Sync,
    config: Config::default,
    positives: &[
        (
            "async fn f() { let (tx, rx) = std::sync::mpsc::channel::<u8>(); rx.recv(); }",
            &["std::sync::mpsc::Receiver::recv"],
        ),
        (
            "async fn f(c: &parking_lot::Condvar, g: G, d: D) { c.wait_for(g, d); }",
            &["parking_lot::Condvar::wait_for"],
        ),
        (
            "use parking_lot::Condvar; struct R { cv: Condvar } \
                 impl R { async fn f(&self, g: G, t: T) { self.cv.wait_until(g, t); } }",
            &["parking_lot::Condvar::wait_until"],
        ),
    ],
    lookalikes: &[
        "async fn f(mut rx: R) { rx.recv().await; }",
        "async fn f(n: N, g: G, d: D) { n.wait_for(g, d); }",
        "async fn f(c: &std::sync::Condvar, g: G, d: D) { c.wait_for(g, d); }",
    ],
};

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
