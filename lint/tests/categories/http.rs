//! Category `http`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Http,
    config: Config::default,
    positives: &[(
        "async fn f() { reqwest::blocking::get(\"http://a\"); }",
        &["reqwest::blocking::get"],
    )],
    lookalikes: &["async fn f() { reqwest::get(\"http://a\").await; }"],
};

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
