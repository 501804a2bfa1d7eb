//! Tests that follow the catalog: one file per category (`<category>.rs`), each with a
//! table of code that blocks in that category (with the exact APIs it must report) and
//! look-alike code that must not be reported, then the tests of that category that need
//! more than a table row. A new category fails `every_category_has_a_table` until its
//! file is written; a new catalog entry gets its positive and look-alike in its
//! category's table.

#[path = "../support/mod.rs"]
mod support;

mod db;
mod dns;
mod executor;
mod fs;
mod http;
mod lock;
mod net;
mod process;
mod sleep;
mod stdio;
mod sync;
mod thread;
mod tokio_blocking;
mod user;

use blockwatch_lint::{check_file, Category, Config};
use support::{assert_clean, assert_flags};

/// The cases of one category.
pub(crate) struct Table {
    category: Category,
    /// The configuration the cases run with: opt-in and user categories need their own.
    config: fn() -> Config,
    /// (source, the resolved APIs reported, in order).
    positives: &'static [(&'static str, &'static [&'static str])],
    /// Sources with nothing to report.
    lookalikes: &'static [&'static str],
}

/// Every category's table, in [`Category::ALL`] order.
const TABLES: &[&Table] = &[
    &sleep::TABLE,
    &fs::TABLE,
    &stdio::TABLE,
    &net::TABLE,
    &dns::TABLE,
    &process::TABLE,
    &thread::TABLE,
    &sync::TABLE,
    &executor::TABLE,
    &tokio_blocking::TABLE,
    &http::TABLE,
    &db::TABLE,
    &lock::TABLE,
    &user::TABLE,
];

fn findings(src: &str, config: &Config) -> Vec<(String, Category)> {
    let file: syn::File =
        syn::parse_str(src).unwrap_or_else(|e| panic!("test source does not parse: {e}\n{src}"));
    check_file(&file, config)
        .into_iter()
        .map(|f| (f.resolved, f.category))
        .collect()
}

#[test]
fn every_category_has_a_table() {
    let listed: Vec<Category> = TABLES.iter().map(|t| t.category).collect();
    assert_eq!(listed, Category::ALL, "one table per category, in order");
    for table in TABLES {
        assert!(
            !table.positives.is_empty() && !table.lookalikes.is_empty(),
            "category `{}` has no positive and look-alike cases in lint/tests/categories/",
            table.category
        );
    }
}

#[test]
fn positives_report_exactly_their_apis_in_their_category() {
    for table in TABLES {
        let config = (table.config)();
        for (src, expected) in table.positives {
            let want: Vec<(String, Category)> = expected
                .iter()
                .map(|api| (api.to_string(), table.category))
                .collect();
            assert_eq!(findings(src, &config), want, "{src}");
        }
    }
}

#[test]
fn lookalikes_report_nothing() {
    for table in TABLES {
        let config = (table.config)();
        for src in table.lookalikes {
            assert_eq!(findings(src, &config), [], "{src}");
        }
    }
}
