//! Calls through function values bound to a local: a catalog fn is reported at the
//! call, a workspace fn is followed by the call graph. Look-alikes: closures, values
//! of non-fn paths, fns that do not block, calls in sync code.

mod support;

fn direct(src: &str) -> Vec<(usize, String)> {
    support::file_findings(src)
        .into_iter()
        .map(|f| (f.start().0, f.resolved))
        .collect()
}

fn workspace(src: &str) -> Vec<(usize, String, String)> {
    support::crate_findings(src)
        .into_iter()
        .map(|f| {
            let api = f.blocking_api().to_string();
            (f.line, f.resolved, api)
        })
        .collect()
}

#[test]
fn a_catalog_fn_bound_to_a_local_is_reported_where_it_is_called() {
    let src = "
async fn f(d: D) {
    let nap = std::thread::sleep;
    nap(d);
}
use std::fs;
async fn g() {
    let load = fs::read_to_string;
    load(\"a\");
}";
    assert_eq!(
        direct(src),
        [
            (4, "std::thread::sleep".to_string()),
            (9, "std::fs::read_to_string".to_string())
        ]
    );
}

#[test]
fn a_workspace_fn_bound_to_a_local_is_followed() {
    let src = "
fn blocking_helper() { std::fs::read(\"a\"); }
async fn f() {
    let f: fn() = blocking_helper;
    f();
}";
    assert_eq!(
        workspace(src),
        [(
            5,
            "blocking_helper".to_string(),
            "std::fs::read".to_string()
        )]
    );
}

#[test]
fn closures_non_fn_values_and_quiet_fns_are_not_reported() {
    let src = "
async fn f(d: D) {
    let nap = |d| tokio::time::sleep(d);
    nap(d).await;
    let cmd = std::process::Command::new;
    let x = cmd(\"ls\");
}";
    assert!(direct(src).is_empty());
    let quiet = "
fn quiet() {}
async fn f() { let q = quiet; q(); }
fn sync_caller(d: D) { let nap = std::thread::sleep; nap(d); }";
    assert!(workspace(quiet).is_empty());
}
