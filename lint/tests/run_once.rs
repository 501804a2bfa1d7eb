//! Run-once initialisers (`OnceLock::get_or_init`, `LazyLock::new`, `lazy_static!`, ...):
//! a blocking call inside one is reported once, with certainty `once` and the number of
//! async paths that reach it, never once per caller; the fn around it does not block
//! its callers.

mod support;

use blockwatch_lint::{Certainty, LocatedFinding};
use support::{crate_findings, file_findings};

/// (certainty, resolved, line, reach) of each finding.
fn shape(found: &[LocatedFinding]) -> Vec<(Certainty, &str, usize, Option<usize>)> {
    found
        .iter()
        .map(|d| (d.certainty, d.resolved.as_str(), d.line, d.once_reach))
        .collect()
}

/// Three async callers reach one `get_or_init` through a helper: one finding, reach 3,
/// and no transitive finding at any caller.
#[test]
fn once_lock_initialiser_is_reported_once_with_its_reach() {
    let found = crate_findings(
        "use std::sync::OnceLock;\n\
         static CONFIG: OnceLock<String> = OnceLock::new();\n\
         fn config() -> &'static str {\n\
             CONFIG.get_or_init(|| std::fs::read_to_string(\"c.toml\").unwrap())\n\
         }\n\
         fn port() -> &'static str { config() }\n\
         async fn a() { config(); }\n\
         async fn b() { port(); }\n\
         async fn c() { port(); config(); }\n",
    );
    assert_eq!(
        shape(&found),
        [(Certainty::Once, "std::fs::read_to_string", 4, Some(4))]
    );
    assert_eq!(
        found[0].message,
        "blocking call `std::fs::read_to_string(..)` in the run-once initialiser of \
         `get_or_init` in fn `config` blocks the executor thread once, on the first of 4 \
         async paths that reach it"
    );
    assert_eq!((found[0].column, found[0].end_column), (23, 56));
    assert!(found[0].fix.is_none());
    assert_eq!(
        found[0].advice(),
        "use instead: an async initialiser, `tokio::sync::OnceCell::get_or_init(|| async { .. \
         }).await` with `tokio::fs::read_to_string(..).await` in it; or fill the value before \
         the runtime starts (in `main`) or inside `tokio::task::spawn_blocking`"
    );
}

/// The shapes of run-once initialisers, each written in a sync helper reached from one
/// async fn.
#[test]
fn every_initialiser_shape_is_once() {
    let shapes = [
        "CELL.get_or_try_init(|| std::fs::read(\"a\"))",
        "INIT.call_once(|| { std::fs::read(\"a\").unwrap(); })",
        "INIT.call_once_force(|_| { std::fs::read(\"a\").unwrap(); })",
        "{ static L: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| std::fs::read(\"a\").unwrap()); &*L }",
        "{ static L: once_cell::sync::Lazy<Vec<u8>> = once_cell::sync::Lazy::new(|| std::fs::read(\"a\").unwrap()); &*L }",
        "{ lazy_static::lazy_static! { static ref L: Vec<u8> = std::fs::read(\"a\").unwrap(); } &*L }",
        "{ thread_local! { static T: Vec<u8> = std::fs::read(\"a\").unwrap(); } }",
    ];
    for body in shapes {
        let src = format!("fn helper() {{ {body}; }}\nasync fn run() {{ helper(); }}");
        let found = crate_findings(&src);
        assert_eq!(
            shape(&found),
            [(Certainty::Once, "std::fs::read", 1, Some(1))],
            "{body}"
        );
    }
}

/// Written in async code, the initialiser is reported by the engine itself (also by the
/// attribute), as one path; tokio's `OnceCell` with an async closure is the same.
#[test]
fn initialiser_in_async_code_is_one_path() {
    for body in [
        "CELL.get_or_init(|| std::fs::read(\"a\").unwrap());",
        "CELL.get_or_init(|| async { std::fs::read(\"a\").unwrap() }).await;",
    ] {
        let src = format!("async fn run() {{\n    {body}\n}}");
        let found = file_findings(&src);
        let got: Vec<(Certainty, &str, Option<usize>)> = found
            .iter()
            .map(|f| (f.certainty, f.resolved.as_str(), f.once_reach))
            .collect();
        assert_eq!(got, [(Certainty::Once, "std::fs::read", Some(1))], "{body}");
        assert!(found[0].fix.is_none());
        assert_eq!(
            found[0].context,
            "the run-once initialiser of `get_or_init` in async fn `run`"
        );
        assert_eq!(shape(&crate_findings(&src)).len(), 1, "{body}");
    }
}

/// An initialiser that calls a blocking workspace fn: reported at that call, with the
/// chain, once.
#[test]
fn initialiser_calling_a_blocking_helper_has_a_chain() {
    let found = crate_findings(
        "fn load() -> String { std::fs::read_to_string(\"a\").unwrap() }\n\
         fn config() -> &'static String { CELL.get_or_init(|| load()) }\n\
         async fn a() { config(); }\n\
         async fn b() { config(); }\n",
    );
    assert_eq!(shape(&found), [(Certainty::Once, "load", 2, Some(2))]);
    assert_eq!(found[0].blocking_api(), "std::fs::read_to_string");
    assert_eq!(
        found[0].message,
        "blocking call `load()` in the run-once initialiser of `get_or_init` in fn `config` \
         blocks the executor thread once, on the first of 2 async paths that reach it: \
         calls `std::fs::read_to_string` at src/lib.rs:1"
    );
    assert_eq!(
        found[0].headline(),
        "blocking call `load()` in the run-once initialiser of `get_or_init` in fn `config` \
         blocks the executor thread once, on the first of 2 async paths that reach it"
    );
}

/// Look-alikes: nothing reported.
#[test]
fn look_alikes_are_not_reported() {
    let sources = [
        // Reached only from sync code (filled in `main` before the runtime starts).
        "fn config() -> &'static str { CELL.get_or_init(|| std::fs::read_to_string(\"a\").unwrap()) }\n\
         fn main() { config(); }",
        // Offloaded callers do not count as async paths.
        "fn config() -> &'static str { CELL.get_or_init(|| std::fs::read_to_string(\"a\").unwrap()) }\n\
         async fn run() { tokio::task::spawn_blocking(|| config()).await; }",
        // A closure that is not an initialiser is ordinary code of its fn.
        "fn helper() -> u8 { OPT.unwrap_or_else(|| 1) }\nasync fn run() { helper(); }",
        // A non-blocking initialiser.
        "fn config() -> &'static str { CELL.get_or_init(|| String::from(\"a\")) }\n\
         async fn run() { config(); }",
        // A module-level static: its initialiser is not in any fn that async code calls.
        "static L: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| std::fs::read(\"a\").unwrap());\n\
         async fn run() { let _ = L.len(); }",
    ];
    for src in sources {
        assert_eq!(shape(&crate_findings(src)), [], "{src}");
    }
}

/// The same blocking call outside an initialiser is per call: every async caller gets
/// a transitive finding, and a direct one in async code stays `resolved`.
#[test]
fn outside_an_initialiser_blocking_is_per_call() {
    let found = crate_findings(
        "fn config() -> String { std::fs::read_to_string(\"a\").unwrap() }\n\
         async fn a() { config(); }\nasync fn b() { config(); }",
    );
    let certainties: Vec<Certainty> = found.iter().map(|d| d.certainty).collect();
    assert_eq!(certainties, [Certainty::Transitive, Certainty::Transitive]);
    let direct = file_findings("async fn a() { CELL.get(); std::fs::read(\"a\"); }");
    assert_eq!(direct[0].certainty, Certainty::Resolved);
}

/// Test-only async paths make a test-code finding.
#[test]
fn reached_only_from_tests_is_test_code() {
    let found = crate_findings(
        "fn config() -> &'static str { CELL.get_or_init(|| std::fs::read_to_string(\"a\").unwrap()) }\n\
         #[tokio::test] async fn t() { config(); }",
    );
    assert_eq!(found.len(), 1);
    assert!(found[0].in_test);
}
