//! Category `executor`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Executor,
    config: Config::default,
    positives: &[(
        "async fn f(x: X) { futures::executor::block_on(x); }",
        &["futures::executor::block_on"],
    )],
    lookalikes: &["async fn f(x: X) { x.await; }"],
};

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
