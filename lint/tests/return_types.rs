//! Receiver types read from declared return types: a method of a type of the checked code
//! (`self.pool().get()` where `fn pool(&self) -> &Pool`), through `?`, `.unwrap()`, `&`,
//! tuples and `match` arms; and, across files, the return type of a workspace fn or
//! associated fn (`Db::connect(..).await?.query()`). Look-alikes: the same shapes whose
//! declared type is another one.

mod support;

use std::collections::HashMap;

use blockwatch_lint::{summarize_file, workspace_findings, Config, CrateFile, FileSummary};
use support::{crate_findings, flagged};

/// The (line, resolved) of the call-graph findings of a one-file crate.
fn graph(src: &str) -> Vec<(usize, String)> {
    crate_findings(src)
        .into_iter()
        .map(|f| (f.line, f.resolved))
        .collect()
}

/// Two types with a `checkout` method; only `Pool`'s blocks.
const POOLS: &str = "
struct Pool; struct Cache; struct App;
impl Pool { fn checkout(&self) { std::thread::sleep(d) } fn open() -> Result<Pool, E> { todo() } }
impl Cache { fn checkout(&self) {} fn open() -> Result<Cache, E> { todo() } }
";

#[test]
fn a_method_return_type_types_the_next_receiver() {
    let src = format!(
        "{POOLS}impl App {{
    fn pool(&self) -> &Pool {{ todo() }}
    async fn run(&self) {{
        self.pool().checkout();
    }}
}}"
    );
    assert_eq!(graph(&src), [(8, "Pool::checkout".to_string())]);
}

#[test]
fn a_method_returning_the_clean_type_is_not_reported() {
    let src = format!(
        "{POOLS}impl App {{
    fn cache(&self) -> &Cache {{ todo() }}
    async fn run(&self) {{
        self.cache().checkout();
    }}
}}"
    );
    assert!(graph(&src).is_empty());
}

#[test]
fn associated_fn_returns_pass_through_try_and_unwrap() {
    let src = format!(
        "{POOLS}async fn run() -> Result<(), E> {{
    Pool::open()?.checkout();
    let p = Pool::open().unwrap();
    (&p).checkout();
    Cache::open()?.checkout();
    Cache::open().expect(\"cache\").checkout();
    Ok(())
}}"
    );
    assert_eq!(
        graph(&src),
        [
            (6, "Pool::checkout".to_string()),
            (8, "Pool::checkout".to_string())
        ]
    );
}

#[test]
fn a_tuple_taken_apart_by_a_match_keeps_its_types() {
    // As openvas-scanner's `stop_scan`: the `Child` comes out of an `Option<(Child, u32)>`.
    let src = "
use std::process::Child;
struct Scanner;
impl Scanner {
    fn remove_running(&self, id: &str) -> Option<(Child, u32)> { None }
    async fn stop_scan(&self, id: &str) {
        let (mut scan, _db) = match self.remove_running(id) {
            Some(scan) => (scan.0, scan.1),
            None => return,
        };
        scan.wait();
    }
}";
    assert_eq!(flagged(src), ["std::process::Child::wait"]);
}

#[test]
fn a_tuple_of_an_async_child_is_not_reported() {
    let src = "
use tokio::process::Child;
struct Scanner;
impl Scanner {
    fn remove_running(&self, id: &str) -> Option<(Child, u32)> { None }
    async fn stop_scan(&self, id: &str) {
        let (mut scan, _db) = match self.remove_running(id) {
            Some(scan) => (scan.0, scan.1),
            None => return,
        };
        scan.wait().await;
        if let Some((mut other, _)) = self.remove_running(id) {
            other.wait().await;
        }
    }
}";
    assert!(flagged(src).is_empty());
}

fn summarize(path: &str, module: &[&str], src: &str) -> FileSummary {
    let file: syn::File = syn::parse_str(src).unwrap();
    let mp: Vec<String> = module.iter().map(|s| s.to_string()).collect();
    summarize_file(&file, path, &mp, false, &Config::default())
}

/// The (file, line, resolved) of the findings of one crate made of `files`.
fn workspace(files: &[(&str, &[&str], &str)]) -> Vec<(String, usize, String)> {
    let summaries: Vec<FileSummary> = files
        .iter()
        .map(|(path, module, src)| summarize(path, module, src))
        .collect();
    let placed: Vec<CrateFile<'_>> = summaries
        .iter()
        .map(|summary| CrateFile { unit: 0, summary })
        .collect();
    workspace_findings(&placed, &HashMap::new())
        .into_iter()
        .map(|f| (f.file, f.line, f.resolved))
        .collect()
}

/// As rust-ibapi's `connect_with_options`: the connection's type is the return type of
/// an associated fn declared in another file, and a type of another module has a
/// same-named method that does not block.
const ASYNC_CONNECTION: &str = "
pub struct AsyncConnection;
impl AsyncConnection {
    pub async fn connect(a: &str) -> Result<Self, Error> { todo() }
    pub fn open(a: &str) -> Self { todo() }
    pub fn connection_metadata(&self) -> u32 { futures::executor::block_on(lock()) }
}";
const SYNC_CONNECTION: &str = "
pub struct Connection;
impl Connection {
    pub fn open(a: &str) -> Self { todo() }
    pub fn connection_metadata(&self) -> u32 { 0 }
}";

#[test]
fn return_types_declared_in_another_file_type_the_receiver() {
    let client = "use crate::connection::r#async::AsyncConnection;
async fn connect(a: &str) -> Result<(), Error> {
    let connection = AsyncConnection::connect(a).await?;
    let meta = connection.connection_metadata();
    AsyncConnection::open(a).connection_metadata();
    Ok(())
}";
    let found = workspace(&[
        (
            "src/connection/async.rs",
            &["connection", "async"],
            ASYNC_CONNECTION,
        ),
        (
            "src/connection/sync.rs",
            &["connection", "sync"],
            SYNC_CONNECTION,
        ),
        ("src/client.rs", &["client"], client),
    ]);
    let expected = "connection::async::AsyncConnection::connection_metadata";
    assert_eq!(
        found,
        [
            ("src/client.rs".to_string(), 4, expected.to_string()),
            ("src/client.rs".to_string(), 5, expected.to_string()),
        ]
    );
}

#[test]
fn return_types_of_the_clean_type_in_another_file_are_not_reported() {
    let client = "use crate::connection::sync::Connection;
async fn connect(a: &str) {
    let connection = Connection::open(a);
    connection.connection_metadata();
    Connection::open(a).connection_metadata();
}";
    let found = workspace(&[
        (
            "src/connection/async.rs",
            &["connection", "async"],
            ASYNC_CONNECTION,
        ),
        (
            "src/connection/sync.rs",
            &["connection", "sync"],
            SYNC_CONNECTION,
        ),
        ("src/client.rs", &["client"], client),
    ]);
    assert!(found.is_empty(), "{found:?}");
}
