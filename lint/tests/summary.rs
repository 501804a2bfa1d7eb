//! Per-file summaries for the CLI's workspace (interprocedural) analysis.

use blockwatch_lint::{summarize_file, CallSite, Config, FileSummary, FnSummary};

fn summarize(src: &str, module_path: &[&str]) -> FileSummary {
    let file: syn::File = syn::parse_str(src).unwrap();
    let mp: Vec<String> = module_path.iter().map(|s| s.to_string()).collect();
    summarize_file(&file, "src/db.rs", &mp, false, &Config::default())
}

fn fn_named<'a>(s: &'a FileSummary, path: &[&str]) -> &'a FnSummary {
    s.fns.iter().find(|f| f.path == path).unwrap_or_else(|| {
        panic!(
            "no fn {path:?} in {:?}",
            s.fns.iter().map(|f| &f.path).collect::<Vec<_>>()
        )
    })
}

fn call<'a>(f: &'a FnSummary, text: &str) -> &'a CallSite {
    f.calls.iter().find(|c| c.call == text).unwrap_or_else(|| {
        panic!(
            "no call {text} in {:?}",
            f.calls.iter().map(|c| &c.call).collect::<Vec<_>>()
        )
    })
}

#[test]
fn summaries_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<FileSummary>();
}

#[test]
fn fn_paths_for_free_fns_methods_traits_and_inline_modules() {
    let s = summarize(
        r#"pub fn free() {}
        pub struct Store;
        impl Store { pub fn get(&self) {} pub async fn put(&self) {} }
        pub trait Cache { fn warm(&self) { std::fs::read("w"); } }
        mod inner { pub fn deep() {} }"#,
        &["db"],
    );
    let paths: Vec<Vec<String>> = s.fns.iter().map(|f| f.path.clone()).collect();
    assert_eq!(
        paths,
        [
            vec!["db", "free"],
            vec!["db", "Store", "get"],
            vec!["db", "Store", "put"],
            vec!["db", "Cache", "warm"],
            vec!["db", "inner", "deep"],
        ]
    );
    assert!(fn_named(&s, &["db", "Store", "put"]).is_async);
    assert_eq!((s.fns[0].line, s.fns[0].column), (1, 8));
}

#[test]
fn blocking_is_what_a_sync_call_runs() {
    let s = summarize(
        r#"pub fn load() -> String {
            let fut = async { std::fs::read("in-async-block") };
            std::thread::spawn(|| std::thread::sleep(d));
            let v: Vec<_> = paths.iter().map(|p| std::fs::read(p)).collect();
            std::fs::read_to_string("cfg").unwrap()
        }
        pub async fn run() { std::fs::read("direct"); }"#,
        &[],
    );
    let load = fn_named(&s, &["load"]);
    let blocking: Vec<(&str, usize)> = load
        .blocking
        .iter()
        .map(|b| (b.resolved.as_str(), b.line))
        .collect();
    assert_eq!(
        blocking,
        [("std::fs::read", 4), ("std::fs::read_to_string", 5)]
    );
    assert_eq!(
        load.blocking[1].replacement,
        "tokio::fs::read_to_string(..).await"
    );
    // The async block and the async fn are direct findings instead.
    let direct: Vec<(usize, &str)> = s
        .findings
        .iter()
        .map(|f| (f.line, f.context.as_str()))
        .collect();
    assert_eq!(direct, [(2, "async block"), (7, "async fn `run`")]);
    assert!(fn_named(&s, &["run"]).blocking.is_empty());
}

#[test]
fn call_candidates_follow_resolution() {
    let s = summarize(
        r#"use crate::config::load_settings;
        use super::util;
        use other_crate::client::connect;
        pub struct Store;
        impl Store {
            fn helper() {}
            pub async fn get(&self) {
                load_settings();
                util::retry(1);
                self::local();
                Self::helper();
                connect().await;
                unknown_fn();
                nested::thing();
                self.cache.refresh();
                tokio::spawn(async { crate::metrics::record() });
                tokio::task::spawn_blocking(|| crate::metrics::flush());
                std::mem::drop(1);
            }
        }
        fn local() {}"#,
        &["app", "db"],
    );
    let get = fn_named(&s, &["app", "db", "Store", "get"]);
    let cands = |text: &str| call(get, text).candidates.clone();
    assert_eq!(cands("load_settings()"), [vec!["config", "load_settings"]]);
    assert_eq!(cands("util::retry(..)"), [vec!["app", "util", "retry"]]);
    assert_eq!(cands("self::local()"), [vec!["app", "db", "local"]]);
    assert_eq!(
        cands("Self::helper()"),
        [vec!["app", "db", "Store", "helper"]]
    );
    assert_eq!(
        cands("connect()"),
        [vec!["other_crate", "client", "connect"]]
    );
    assert_eq!(cands("unknown_fn()"), [vec!["app", "db", "unknown_fn"]]);
    assert_eq!(
        cands("nested::thing()"),
        [
            vec!["app", "db", "nested", "thing"],
            vec!["nested", "thing"]
        ]
    );
    let refresh = call(get, ".refresh()");
    assert_eq!(refresh.method.as_deref(), Some("refresh"));
    assert!(refresh.candidates.is_empty());
    assert!(refresh.in_async && !refresh.awaited && !refresh.offloaded);
    assert!(call(get, "connect()").awaited);
    let record = call(get, "crate::metrics::record()");
    assert_eq!(record.context, "async block");
    let flush = call(get, "crate::metrics::flush()");
    assert!(flush.offloaded && !flush.in_async);
    // Exactly these calls: `std::mem::drop(1)` is never a workspace fn.
    let texts: Vec<&str> = get.calls.iter().map(|c| c.call.as_str()).collect();
    assert_eq!(
        texts,
        [
            "load_settings()",
            "util::retry(..)",
            "self::local()",
            "Self::helper()",
            "connect()",
            "unknown_fn()",
            "nested::thing()",
            ".refresh()",
            "tokio::spawn(..)",
            "crate::metrics::record()",
            "tokio::task::spawn_blocking(..)",
            "crate::metrics::flush()",
        ]
    );
    let lc = call(get, "load_settings()");
    assert_eq!(
        (lc.line, lc.column, lc.end_line, lc.end_column),
        (8, 17, 8, 32)
    );
}

#[test]
fn test_files_and_test_fns_are_marked() {
    let file: syn::File =
        syn::parse_str("async fn a() { std::thread::sleep(d); } fn b() {}").unwrap();
    let s = summarize_file(&file, "tests/it.rs", &[], true, &Config::default());
    let marks: Vec<bool> = s.findings.iter().map(|f| f.in_test).collect();
    assert_eq!(marks, [true], "the one finding, in a tests/ file");
    let marks: Vec<(&str, bool)> = s
        .fns
        .iter()
        .map(|f| (f.path.last().unwrap().as_str(), f.in_test))
        .collect();
    assert_eq!(marks, [("a", true), ("b", true)]);
    let s = summarize("#[test] fn t() {} fn prod() {}", &[]);
    let marks: Vec<(&str, bool)> = s
        .fns
        .iter()
        .map(|f| (f.path.last().unwrap().as_str(), f.in_test))
        .collect();
    assert_eq!(marks, [("t", true), ("prod", false)]);
}

#[test]
fn located_findings_carry_everything() {
    let s = summarize("async fn slow() {\n    std::thread::sleep(d);\n}", &[]);
    let f = &s.findings[0];
    assert_eq!(s.file, "src/db.rs");
    assert_eq!(f.file, "src/db.rs");
    assert_eq!((f.line, f.column, f.end_line, f.end_column), (2, 5, 2, 26));
    assert_eq!(
        f.message(),
        "blocking call `std::thread::sleep(..)` in async fn `slow`"
    );
    assert_eq!(f.resolved, "std::thread::sleep");
}
