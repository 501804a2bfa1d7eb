//! One table per catalog category: code that blocks in that category (with the exact
//! APIs it must report) and look-alike code that must not be reported. A new category
//! fails `every_category_has_a_table` until its table is written; a new catalog entry
//! gets its positive and look-alike in its category's table.

use blockwatch_lint::{check_file, CatalogConfig, Category, Config, ExtraEntry};

/// The cases of one category.
struct Table {
    category: Category,
    /// (source, the resolved APIs reported, in order).
    positives: &'static [(&'static str, &'static [&'static str])],
    /// Sources with nothing to report.
    lookalikes: &'static [&'static str],
}

const TABLES: &[Table] = &[
    Table {
        category: Category::Sleep,
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
    },
    Table {
        category: Category::Fs,
        positives: &[
            (
                "async fn f() { std::fs::read_to_string(\"a\"); }",
                &["std::fs::read_to_string"],
            ),
            (
                "use std::fs::File; async fn f() { File::open(\"a\"); }",
                &["std::fs::File::open"],
            ),
        ],
        lookalikes: &[
            "async fn f() { tokio::fs::read_to_string(\"a\").await; }",
            "async fn f() { tokio::task::spawn_blocking(|| std::fs::read(\"a\")).await; }",
        ],
    },
    Table {
        category: Category::Stdio,
        positives: &[
            (
                "async fn f(s: &mut String) { std::io::stdin().read_line(s); }",
                &["std::io::Stdin::read_line"],
            ),
            (
                "use std::io::Write; async fn f(b: &[u8]) { std::io::stdout().write_all(b); }",
                &["std::io::Stdout::write_all"],
            ),
            (
                "use std::io::{self, Write}; async fn f() { io::stderr().flush(); }",
                &["std::io::Stdout::flush"],
            ),
            (
                "async fn f() { let out = std::io::stdout(); let _g = out.lock(); }",
                &["std::io::Stdout::lock"],
            ),
            (
                "async fn f(r: R, w: W) { std::io::copy(&mut r, &mut w); }",
                &["std::io::copy"],
            ),
        ],
        lookalikes: &[
            "async fn f(r: R, s: &mut String) { r.read_line(s).await; }",
            "async fn f(b: &[u8]) { tokio::io::stdout().write_all(b).await; }",
            "async fn f(w: W, b: &[u8]) { w.write_all(b); w.flush(); }",
            "async fn f(m: M) { let _g = m.lock(); }",
            "async fn f(r: R, w: W) { tokio::io::copy(&mut r, &mut w).await; }",
        ],
    },
    Table {
        category: Category::Net,
        positives: &[(
            "async fn f() { std::net::TcpStream::connect(\"a:1\"); }",
            &["std::net::TcpStream::connect"],
        )],
        lookalikes: &["async fn f() { tokio::net::TcpStream::connect(\"a:1\").await; }"],
    },
    Table {
        category: Category::Dns,
        positives: &[(
            "async fn f(a: A) { a.to_socket_addrs(); }",
            &["std::net::ToSocketAddrs::to_socket_addrs"],
        )],
        lookalikes: &["async fn f() { tokio::net::lookup_host(\"a:1\").await; }"],
    },
    Table {
        category: Category::Process,
        positives: &[(
            "async fn f() { std::process::Command::new(\"ls\").output(); }",
            &["std::process::Command::output"],
        )],
        lookalikes: &["async fn f() { tokio::process::Command::new(\"ls\").output().await; }"],
    },
    Table {
        category: Category::Thread,
        positives: &[(
            "async fn f() { std::thread::spawn(|| 1).join(); }",
            &["std::thread::JoinHandle::join"],
        )],
        lookalikes: &["async fn f(h: H) { h.await; }"],
    },
    Table {
        category: Category::Sync,
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
    },
    Table {
        category: Category::Executor,
        positives: &[(
            "async fn f(x: X) { futures::executor::block_on(x); }",
            &["futures::executor::block_on"],
        )],
        lookalikes: &["async fn f(x: X) { x.await; }"],
    },
    Table {
        category: Category::TokioBlocking,
        positives: &[(
            "async fn f(mut rx: R) { rx.blocking_recv(); }",
            &["tokio::sync::mpsc::Receiver::blocking_recv"],
        )],
        lookalikes: &[
            "fn f(mut rx: R) { rx.blocking_recv(); }",
            "async fn f(mut rx: R) { rx.recv().await; }",
        ],
    },
    Table {
        category: Category::Http,
        positives: &[(
            "async fn f() { reqwest::blocking::get(\"http://a\"); }",
            &["reqwest::blocking::get"],
        )],
        lookalikes: &["async fn f() { reqwest::get(\"http://a\").await; }"],
    },
    Table {
        category: Category::Db,
        positives: &[
            (
                "async fn f() { rusqlite::Connection::open(\"a.db\"); }",
                &["rusqlite::Connection::open"],
            ),
            (
                "type DbPool = r2d2::Pool<M>; \
                 async fn index(pool: actix_web::web::Data<DbPool>) { pool.get(); }",
                &["r2d2::Pool::get"],
            ),
            (
                "use diesel::r2d2::Pool; struct S { pool: std::sync::Arc<Pool<M>> } \
                 impl S { async fn f(&self) { let pool = self.pool.clone(); pool.get(); } }",
                &["r2d2::Pool::get"],
            ),
        ],
        lookalikes: &[
            "async fn f() { tokio_postgres::connect(\"a\", t).await; }",
            "async fn f(pool: deadpool_postgres::Pool) { pool.get().await; }",
            "async fn f(m: std::collections::HashMap<u8, u8>) { m.get(&1); }",
            "type DbPool = bb8::Pool<M>; async fn f(pool: DbPool) { pool.get(); }",
        ],
    },
    Table {
        category: Category::Lock,
        positives: &[(
            "async fn f() { let m = std::sync::Mutex::new(1); m.lock(); }",
            &["std::sync::Mutex::lock"],
        )],
        lookalikes: &["async fn f() { let m = tokio::sync::Mutex::new(1); m.lock().await; }"],
    },
    Table {
        category: Category::User,
        positives: &[(
            "async fn f() { my_crate::db::load_all(); }",
            &["my_crate::db::load_all"],
        )],
        lookalikes: &["async fn f() { my_crate::db::load_all_async().await; }"],
    },
];

/// The configuration a category's cases run with: opt-in and user categories need it.
fn config_for(category: Category) -> Config {
    match category {
        Category::Lock => Config {
            catalog: CatalogConfig {
                enable: vec![Category::Lock],
                ..CatalogConfig::default()
            },
            ..Config::default()
        },
        Category::User => Config {
            catalog: CatalogConfig {
                extra: vec![ExtraEntry {
                    path: "my_crate::db::load_all".into(),
                    replacement: "my_crate::db::load_all_async(..).await".into(),
                    why: None,
                }],
                ..CatalogConfig::default()
            },
            ..Config::default()
        },
        _ => Config::default(),
    }
}

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
    for &c in Category::ALL {
        let table = TABLES.iter().find(|t| t.category == c);
        assert!(
            table.is_some_and(|t| !t.positives.is_empty() && !t.lookalikes.is_empty()),
            "category `{c}` has no positive and look-alike cases in lint/tests/categories.rs"
        );
    }
}

#[test]
fn positives_report_exactly_their_apis_in_their_category() {
    for table in TABLES {
        let config = config_for(table.category);
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
        let config = config_for(table.category);
        for src in table.lookalikes {
            assert_eq!(findings(src, &config), [], "{src}");
        }
    }
}
