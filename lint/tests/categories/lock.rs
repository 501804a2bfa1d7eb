//! Category `lock`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{CatalogConfig, Category, Config};

use super::support::{file_findings_with, flagged};
use super::{assert_clean, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Lock,
    config,
    positives: &[(
        "async fn f() { let m = std::sync::Mutex::new(1); m.lock(); }",
        &["std::sync::Mutex::lock"],
    )],
    lookalikes: &["async fn f() { let m = tokio::sync::Mutex::new(1); m.lock().await; }"],
};

fn config() -> Config {
    Config {
        catalog: CatalogConfig {
            enable: vec![Category::Lock],
            ..CatalogConfig::default()
        },
        ..Config::default()
    }
}

#[test]
fn std_locks_only_when_enabled() {
    let src =
        "use std::sync::Mutex; async fn f() { let m = Mutex::new(1); let g = m.lock().unwrap(); }";
    assert!(flagged(src).is_empty());
    let config = config();
    let found = file_findings_with(src, &config);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resolved, "std::sync::Mutex::lock");
    assert_eq!(found[0].category, Category::Lock);
}

#[test]
fn std_mutex_fields_with_locks_enabled() {
    let config = config();
    let found = file_findings_with(
        r#"use std::sync::{Arc, Mutex, RwLock};
        struct State { hits: Arc<Mutex<u64>>, names: RwLock<Vec<String>>, fast: tokio::sync::Mutex<u8> }
        impl State {
            async fn bump(&self) {
                *self.hits.lock().unwrap() += 1;
                self.names.write().unwrap().push(String::new());
                *self.fast.lock().await += 1;
            }
        }"#,
        &config,
    );
    let got: Vec<&str> = found.iter().map(|f| f.resolved.as_str()).collect();
    assert_eq!(got, ["std::sync::Mutex::lock", "std::sync::RwLock::write"]);
}

#[test]
fn std_locks_are_opt_in() {
    assert_clean("use std::sync::{Mutex, RwLock}; async fn f() { let m = Mutex::new(1); m.lock().unwrap(); let r = RwLock::new(1); r.read().unwrap(); }");
}
