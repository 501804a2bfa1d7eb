//! Category `sleep`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Sleep,
    config: Config::default,
    positives: &[
        (
            "async fn f(d: D) { std::thread::sleep(d); }",
            &["std::thread::sleep"],
        ),
        (
            "use std::thread; async fn f() { thread::park(); }",
            &["std::thread::park"],
        ),
    ],
    lookalikes: &[
        "async fn f(d: D) { tokio::time::sleep(d).await; }",
        "use tokio::time::sleep; async fn f(d: D) { sleep(d).await; }",
        "fn f(d: D) { std::thread::sleep(d); }",
    ],
};

#[test]
fn sleep_and_park() {
    assert_flags(
        "async fn f(d: Duration) { std::thread::sleep(d); std::thread::park(); std::thread::park_timeout(d); }",
        &["std::thread::sleep", "std::thread::park", "std::thread::park_timeout"],
    );
}
