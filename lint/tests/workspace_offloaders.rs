//! Offloaders the workspace defines: a fn that hands its closure or fn parameter to an
//! offloader (directly, or through another such fn, in another file or crate) is an
//! offloader itself, so the closures given to it are not async context.

mod support;

use std::collections::HashMap;

use blockwatch_lint::{
    deps::DependencyUnits, summarize_file, workspace_findings,
    workspace_findings_with_dependencies, Config, CrateFile, FileSummary,
};
use support::crate_findings;

/// Summarizes `src` as file `rel` of module `module` ("" for the crate root).
fn file(rel: &str, module: &str, src: &str) -> FileSummary {
    let parsed: syn::File = syn::parse_str(src).unwrap();
    let module: Vec<String> = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    summarize_file(&parsed, rel, &module, false, &Config::default())
}

/// The `(file, line, resolved)` of each finding of a one-crate workspace of `files`.
fn found(files: &[&FileSummary]) -> Vec<(String, usize, String)> {
    let placed: Vec<CrateFile> = files
        .iter()
        .map(|summary| CrateFile { unit: 0, summary })
        .collect();
    workspace_findings(&placed, &HashMap::new())
        .into_iter()
        .map(|d| (d.file, d.line, d.resolved))
        .collect()
}

const CALLER: &str = "async fn handler() {\n\
    util::run_blocking_task(|| std::fs::read(\"a\").unwrap());\n\
    util::in_pool(move || load());\n\
    util::retrying(|| std::thread::sleep(d));\n\
}\n\
fn load() -> Vec<u8> { std::fs::read(\"b\").unwrap() }";

/// Wrappers in another file: an async one over `spawn_blocking` (the closure called
/// inside the offloaded closure), a sync one over `thread::spawn`, and a wrapper of a
/// wrapper; the closures given to them are neither direct nor transitive findings.
#[test]
fn closures_given_to_offloaders_of_another_file_are_not_async_context() {
    let util = file(
        "src/util.rs",
        "util",
        "pub async fn run_blocking_task<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(f: F) -> T {\n\
             tokio::task::spawn_blocking(move || f()).await.unwrap()\n\
         }\n\
         pub fn in_pool<F: FnOnce() + Send + 'static>(job: F) { std::thread::spawn(job); }\n\
         pub async fn retrying<F: Fn() + Send + Sync + 'static>(op: F) { run_blocking_task(op).await }\n",
    );
    let main = file("src/main.rs", "", CALLER);
    assert_eq!(found(&[&util, &main]), []);
}

/// Look-alikes: a fn that calls its closure on the spot, or hands something else to an
/// offloader, is not an offloader; the closures given to it are async context.
#[test]
fn fns_that_run_their_closure_in_place_are_not_offloaders() {
    let util = file(
        "src/util.rs",
        "util",
        "pub async fn run_blocking_task<F: FnOnce() -> T, T>(f: F) -> T { f() }\n\
         pub fn in_pool<F: FnOnce()>(job: F) { std::thread::spawn(|| 1); job() }\n\
         pub async fn retrying<F: Fn()>(op: F) { for _ in 0..3 { op() } }\n",
    );
    let main = file("src/main.rs", "", CALLER);
    let got = found(&[&util, &main]);
    let resolved: Vec<&str> = got.iter().map(|(_, _, r)| r.as_str()).collect();
    assert_eq!(
        resolved,
        ["std::fs::read", "std::thread::sleep", "load"],
        "{got:?}"
    );
}

/// In one file the walk already knows a direct wrapper; the graph adds a wrapper of it.
#[test]
fn a_wrapper_of_a_wrapper_in_the_same_file_offloads() {
    let src = "fn later<F: FnOnce() + Send + 'static>(f: F) { std::thread::spawn(f); }\n\
               fn background<F: FnOnce() + Send + 'static>(job: F) { later(job) }\n\
               async fn handler() { background(|| std::thread::sleep(d)); }";
    assert_eq!(crate_findings(src), []);
    let not = "fn later<F: FnOnce()>(f: F) { f() }\n\
               fn background<F: FnOnce()>(job: F) { later(job) }\n\
               async fn handler() { background(|| std::thread::sleep(d)); }";
    let resolved: Vec<String> = crate_findings(not)
        .into_iter()
        .map(|d| d.resolved)
        .collect();
    assert_eq!(resolved, ["std::thread::sleep"]);
}

/// A method of a workspace type (in another file) that hands its job to a thread
/// pool, called on a value of that type; a same-named method of a type that runs the
/// job in place is not an offloader.
#[test]
fn offloading_methods_resolve_by_receiver_type() {
    let pool = file(
        "src/pool.rs",
        "pool",
        "pub struct Pool { inner: rayon::ThreadPool }\n\
         impl Pool { pub fn submit<F: FnOnce() + Send + 'static>(&self, job: F) { self.inner.spawn(job) } }\n\
         pub struct Inline;\n\
         impl Inline { pub fn submit<F: FnOnce()>(&self, job: F) { job() } }",
    );
    let main = file(
        "src/main.rs",
        "",
        "mod pool;\n\
         async fn handler(p: &pool::Pool, i: &pool::Inline) {\n\
             p.submit(|| std::thread::sleep(d));\n\
             i.submit(|| std::thread::sleep(d));\n\
         }",
    );
    assert_eq!(
        found(&[&pool, &main]),
        [(
            "src/main.rs".to_string(),
            4,
            "std::thread::sleep".to_string()
        )]
    );
}

/// A fn passed as a value to a workspace offloader runs off the executor too.
#[test]
fn fn_paths_given_to_offloaders_are_offloaded() {
    let util = file(
        "src/util.rs",
        "util",
        "pub fn in_pool<F: FnOnce() + Send + 'static>(job: F) { std::thread::spawn(job); }",
    );
    let main = file(
        "src/main.rs",
        "",
        "fn warm() { std::fs::read(\"cache\").unwrap(); }\n\
         async fn handler() { util::in_pool(std::thread::park); warm(); }",
    );
    assert_eq!(
        found(&[&util, &main]),
        [("src/main.rs".to_string(), 2, "warm".to_string())]
    );
}

/// An offloader of a dependency, reached by the name the workspace uses for it.
#[test]
fn offloaders_of_dependencies_are_inferred_the_same_way() {
    let dep = file(
        "/reg/pool-1.0.0/src/lib.rs",
        "",
        "pub fn execute<F: FnOnce() + Send + 'static>(f: F) { inner::go(f) }\n\
         mod inner { pub fn go<F: FnOnce() + Send + 'static>(g: F) { std::thread::spawn(g); } }",
    );
    let app = file(
        "src/main.rs",
        "",
        "async fn handler() { pool::execute(|| std::thread::sleep(d)); }",
    );
    let mut deps = DependencyUnits::default();
    deps.add_dependency(1, "pool 1.0.0");
    deps.add_extern(0, "pool", 1);
    let placed = [
        CrateFile {
            unit: 0,
            summary: &app,
        },
        CrateFile {
            unit: 1,
            summary: &dep,
        },
    ];
    let got = workspace_findings_with_dependencies(&placed, &HashMap::new(), &deps);
    assert_eq!(got, []);
}

/// Only the closure runs off the executor: the other arguments are evaluated by the
/// caller, in async context.
#[test]
fn other_arguments_of_an_offloader_stay_async_context() {
    let util = file(
        "src/util.rs",
        "util",
        "pub fn in_pool<F: FnOnce() + Send + 'static>(job: F, _n: usize) { std::thread::spawn(job); }",
    );
    let main = file(
        "src/main.rs",
        "",
        "async fn handler() {\n    util::in_pool(|| std::thread::sleep(d), std::fs::read(\"n\").unwrap().len());\n}",
    );
    assert_eq!(
        found(&[&util, &main]),
        [("src/main.rs".to_string(), 2, "std::fs::read".to_string())]
    );
}
