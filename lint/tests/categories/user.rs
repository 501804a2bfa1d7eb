//! Category `user`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{CatalogConfig, Category, Config, ExtraEntry};

use super::support::file_findings_with;
use super::Table;

pub(crate) const TABLE: Table = Table {
    category: Category::User,
    config,
    positives: &[(
        "async fn f() { my_crate::db::load_all(); }",
        &["my_crate::db::load_all"],
    )],
    lookalikes: &["async fn f() { my_crate::db::load_all_async().await; }"],
};

fn config() -> Config {
    Config {
        catalog: CatalogConfig {
            extra: vec![ExtraEntry {
                path: "my_crate::db::load_all".into(),
                replacement: "my_crate::db::load_all_async(..).await".into(),
                why: None,
            }],
            ..CatalogConfig::default()
        },
        ..Config::default()
    }
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
