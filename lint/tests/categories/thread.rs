//! Category `thread`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Thread,
    config: Config::default,
    positives: &[(
        "async fn f() { std::thread::spawn(|| 1).join(); }",
        &["std::thread::JoinHandle::join"],
    )],
    lookalikes: &["async fn f(h: H) { h.await; }"],
};

#[test]
fn thread_join() {
    assert_flags(
        "async fn f() { let h = std::thread::spawn(|| 1); h.join().unwrap(); }",
        &["std::thread::JoinHandle::join"],
    );
}
