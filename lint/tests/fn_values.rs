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

#[test]
fn fn_values_in_arrays_and_tuples_are_followed() {
    let src = "
fn blocking_helper() { std::fs::read(\"a\"); }
fn quiet() {}
async fn f(i: usize) {
    [blocking_helper, quiet][i]();
    (blocking_helper, quiet).0();
    let nap = (quiet, std::thread::sleep).1;
    nap(d);
}";
    assert_eq!(
        workspace(src),
        [
            (
                8,
                "std::thread::sleep".to_string(),
                "std::thread::sleep".to_string()
            ),
            (
                5,
                "blocking_helper".to_string(),
                "std::fs::read".to_string()
            ),
            (
                6,
                "blocking_helper".to_string(),
                "std::fs::read".to_string()
            ),
        ]
    );
}

#[test]
fn the_quiet_element_of_a_tuple_and_arrays_of_quiet_fns_are_not_reported() {
    let src = "
fn blocking_helper() { std::fs::read(\"a\"); }
fn quiet() {}
fn also_quiet() {}
async fn f(i: usize) {
    (blocking_helper, quiet).1();
    [quiet, also_quiet][i]();
    let nap = (std::thread::sleep, quiet).1;
    nap();
}
fn sync_caller(i: usize) { [blocking_helper][i](); }";
    assert!(workspace(src).is_empty());
}

#[test]
fn fn_values_returned_by_a_fn_are_followed() {
    let src = "
fn blocking_helper() { std::fs::read(\"a\"); }
fn quiet() {}
fn pick() -> fn() { blocking_helper }
fn pick_boxed() -> Box<dyn Fn()> { Box::new(blocking_helper) }
fn pick_catalog() -> fn(D) { std::thread::sleep }
async fn f(d: D) {
    pick()();
    pick_boxed()();
    pick_catalog()(d);
}";
    assert_eq!(
        workspace(src),
        [
            (
                10,
                "std::thread::sleep".to_string(),
                "std::thread::sleep".to_string()
            ),
            (
                8,
                "blocking_helper".to_string(),
                "std::fs::read".to_string()
            ),
            (
                9,
                "blocking_helper".to_string(),
                "std::fs::read".to_string()
            ),
        ]
    );
}

#[test]
fn fns_returning_quiet_fns_or_data_are_not_reported() {
    // `make` returns a value, not a fn: calling what it returns is not calling
    // `blocking_helper` (its tail names the fn only as an argument).
    let src = "
fn blocking_helper() -> u8 { std::fs::read(\"a\"); 0 }
fn quiet() {}
fn pick() -> fn() { quiet }
fn make() -> Handler { Handler::from(0) }
async fn f() {
    pick()();
    make()();
}";
    assert!(workspace(src).is_empty());
}

#[test]
fn fn_values_in_struct_fields_with_a_known_initialiser_are_followed() {
    let src = "
fn blocking_helper() { std::fs::read(\"a\"); }
fn quiet() {}
struct Route { handler: fn(), fallback: fn() }
async fn f() {
    let r = Route { handler: blocking_helper, fallback: quiet };
    (r.handler)();
    (r.fallback)();
}";
    assert_eq!(
        workspace(src),
        [(
            7,
            "blocking_helper".to_string(),
            "std::fs::read".to_string()
        )]
    );
}

#[test]
fn struct_fields_initialised_with_quiet_fns_are_not_reported() {
    let src = "
fn blocking_helper() { std::fs::read(\"a\"); }
fn quiet() {}
struct Route { handler: fn() }
struct Other { handler: fn() }
async fn f() {
    let o = Other { handler: blocking_helper };
    let r = Route { handler: quiet };
    (r.handler)();
}
fn sync_caller() { let o = Other { handler: blocking_helper }; (o.handler)(); }";
    assert!(workspace(src).is_empty());
}
