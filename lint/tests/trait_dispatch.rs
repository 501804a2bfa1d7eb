//! Calls through a trait resolve to the set of its impls: a receiver stated as
//! `&dyn Store`, `Box<dyn Store>`, `Arc<dyn Store>`, `impl Store` (a parameter or a
//! return type) or a generic `T: Store` (inline, in `where`, with other bounds, on a
//! struct's field) blocks only when every impl visible from the caller blocks, a trait's
//! default method standing in for impls that do not override it, and `#[cfg(test)]`
//! impls counting only from test code. Each shape has look-alikes that stay unreported.

mod support;

use blockwatch_lint::Certainty;
use support::{crate_findings, workspace_of};

/// The (line, resolved, certainty) of every finding of `src` as one crate.
fn found(src: &str) -> Vec<(usize, String, Certainty)> {
    crate_findings(src)
        .into_iter()
        .map(|f| (f.line, f.resolved, f.certainty))
        .collect()
}

/// A trait `Store` with two impls that both block, two calls down in one of them.
const BOTH_BLOCK: &str = "
trait Store { fn load(&self) -> Vec<u8>; }
struct Disk; struct Net;
impl Store for Disk { fn load(&self) -> Vec<u8> { read_all() } }
impl Store for Net { fn load(&self) -> Vec<u8> { std::thread::sleep(d); Vec::new() } }
fn read_all() -> Vec<u8> { std::fs::read(\"a\").unwrap() }
";

/// `BOTH_BLOCK` with the `Net` impl that does not block.
const ONE_BLOCKS: &str = "
trait Store { fn load(&self) -> Vec<u8>; }
struct Disk; struct Net;
impl Store for Disk { fn load(&self) -> Vec<u8> { read_all() } }
impl Store for Net { fn load(&self) -> Vec<u8> { Vec::new() } }
fn read_all() -> Vec<u8> { std::fs::read(\"a\").unwrap() }
";

/// The async fns that call `load` through each stated shape, one per line from line 8.
const CALLERS: &str = "
async fn by_dyn(s: &dyn Store) { s.load(); }
async fn by_box(s: Box<dyn Store>) { s.load(); }
async fn by_arc(s: std::sync::Arc<dyn Store>) { s.load(); }
async fn by_impl(s: impl Store) { s.load(); }
async fn by_generic<T: Store>(s: &T) { s.load(); }
async fn by_where<T>(s: &T) where T: Store { s.load(); }
async fn by_more_bounds<S: Store + Send + Sync>(s: S) { s.load(); }
async fn by_return() { let s = open(); s.load(); }
fn open() -> impl Store { Disk }
";

#[test]
fn every_stated_trait_shape_reaches_the_impls_when_all_block() {
    let src = format!("{BOTH_BLOCK}{CALLERS}");
    let got = found(&src);
    let expected: Vec<(usize, String, Certainty)> = (8..=15)
        .map(|line| (line, "Disk::load".to_string(), Certainty::Transitive))
        .collect();
    assert_eq!(got, expected);
    let chain: Vec<String> = crate_findings(&src)[0]
        .chain()
        .iter()
        .map(|l| format!("{}@{}", l.callee, l.line))
        .collect();
    assert_eq!(chain, ["read_all@4", "std::fs::read@6"]);
}

#[test]
fn one_impl_that_does_not_block_clears_every_shape() {
    let src = format!("{ONE_BLOCKS}{CALLERS}");
    assert_eq!(found(&src), []);
}

#[test]
fn a_generic_field_of_a_struct_is_its_bound() {
    let src = format!(
        "{BOTH_BLOCK}
struct Service<S: Store> {{ store: S }}
impl<S: Store> Service<S> {{ async fn get(&self) {{ self.store.load(); }} }}
struct Plain<S> {{ store: S }}
impl<S> Plain<S> where S: Store {{ async fn get(&self) {{ self.store.load(); }} }}
"
    );
    assert_eq!(
        found(&src),
        [
            (9, "Disk::load".to_string(), Certainty::Transitive),
            (11, "Disk::load".to_string(), Certainty::Transitive),
        ]
    );
    let clean = format!(
        "{ONE_BLOCKS}
struct Service<S: Store> {{ store: S }}
impl<S: Store> Service<S> {{ async fn get(&self) {{ self.store.load(); }} }}
"
    );
    assert_eq!(found(&clean), []);
}

#[test]
fn a_default_method_counts_for_the_impls_that_do_not_override_it() {
    let src = "
trait Store { fn load(&self) { std::fs::read(\"a\").unwrap(); } }
struct Disk; struct Net;
impl Store for Disk {}
impl Store for Net { fn load(&self) { std::thread::sleep(d); } }
async fn run(s: &dyn Store) { s.load(); }
";
    // `Disk` runs the default, `Net` its own: both block; the chain is the first's.
    assert_eq!(
        found(src),
        [(6, "Store::load".to_string(), Certainty::Transitive)]
    );
    // The override does not block: the call does not.
    let clean = src.replace("std::thread::sleep(d);", "");
    assert_eq!(found(&clean), []);
    // The default does not block, the override does: the impl that keeps the default
    // does not block.
    let default_clean = src.replace("std::fs::read(\"a\").unwrap();", "");
    assert_eq!(found(&default_clean), []);
}

/// The only impl is a test mock that sleeps.
const ONLY_A_MOCK: &str = "
trait Clock { fn wait_tick(&self); }
#[cfg(test)]
struct Mock;
#[cfg(test)]
impl Clock for Mock { fn wait_tick(&self) { std::thread::sleep(d); } }
async fn serve(c: &dyn Clock) { c.wait_tick(); }
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn ticks() { let c: Box<dyn super::Clock> = Box::new(super::Mock); c.wait_tick(); }
}
";

#[test]
fn a_test_mock_counts_only_from_test_code() {
    let got: Vec<(usize, String, bool)> = crate_findings(ONLY_A_MOCK)
        .into_iter()
        .map(|f| (f.line, f.resolved, f.in_test))
        .collect();
    assert_eq!(got, [(11, "Mock::wait_tick".to_string(), true)]);
}

#[test]
fn a_real_impl_that_does_not_block_clears_a_blocking_mock_everywhere() {
    let src = ONLY_A_MOCK.replace(
        "trait Clock { fn wait_tick(&self); }",
        "trait Clock { fn wait_tick(&self); }\nstruct Real; impl Clock for Real { fn wait_tick(&self) {} }",
    );
    assert_eq!(found(&src), []);
}

#[test]
fn a_bound_on_another_trait_with_the_same_method_is_that_trait() {
    // `fetch_rows` is a name-only match for `Db::fetch_rows`, the only method of that
    // name with a body; the receiver is a `Cache`, which has no impl: nothing runs.
    let src = "
trait Db { fn fetch_rows(&self); }
trait Cache { fn fetch_rows(&self); }
struct Pg;
impl Db for Pg { fn fetch_rows(&self) { std::thread::sleep(d); } }
async fn by_cache<C: Cache>(c: &C) { c.fetch_rows(); }
async fn by_db<D: Db>(d: &D) { d.fetch_rows(); }
";
    assert_eq!(
        found(src),
        [(7, "Pg::fetch_rows".to_string(), Certainty::Transitive)]
    );
    // With an impl of `Cache` that does not block, still nothing through `Cache`.
    let with_cache =
        format!("{src}struct Mem; impl Cache for Mem {{ fn fetch_rows(&self) {{}} }}\n");
    assert_eq!(
        found(&with_cache),
        [(7, "Pg::fetch_rows".to_string(), Certainty::Transitive)]
    );
}

#[test]
fn an_async_trait_method_called_without_await_only_builds_a_future() {
    let src = "
trait Store { async fn load_all(&self); }
struct Disk;
impl Store for Disk { async fn load_all(&self) { std::thread::sleep(d); } }
async fn run(s: &impl Store) { let _f = s.load_all(); }
";
    // The sleep inside the async impl is reported there, not at the call.
    let got: Vec<usize> = crate_findings(src).iter().map(|f| f.line).collect();
    assert_eq!(got, [4]);
}

#[test]
fn impls_in_other_crates_of_the_workspace_count() {
    // The trait and the generic caller are in `core`; the impls in the app, which
    // depends on it: both impls block, so the call in `core` does.
    let core = "pub trait Store { fn load(&self); }\n\
                pub async fn serve<S: Store>(s: &S) { s.load(); }";
    let app = "struct Disk; impl my_core::Store for Disk { fn load(&self) { std::fs::read(\"a\").unwrap(); } }\n\
               struct Net; impl my_core::Store for Net { fn load(&self) { std::thread::sleep(d); } }";
    let files = [
        (1, "core/src/lib.rs", &[][..], core),
        (0, "app/src/main.rs", &[][..], app),
    ];
    let got: Vec<(String, usize, String)> = workspace_of(&files, &[("my_core", 1)])
        .into_iter()
        .map(|f| (f.file, f.line, f.resolved))
        .collect();
    assert_eq!(
        got,
        [("core/src/lib.rs".to_string(), 2, "Disk::load".to_string())]
    );
    let app_clean = app.replace("std::thread::sleep(d);", "");
    let files = [
        (1, "core/src/lib.rs", &[][..], core),
        (0, "app/src/main.rs", &[][..], app_clean.as_str()),
    ];
    assert_eq!(workspace_of(&files, &[("my_core", 1)]), []);
}

#[test]
fn a_trait_named_through_a_reexport_is_that_trait() {
    let store = "pub trait Store { fn load(&self); }\n\
                 pub struct Disk;\n\
                 impl Store for Disk { fn load(&self) { std::fs::read(\"a\").unwrap(); } }";
    let api = "pub use crate::store::Store as Backend;\npub use crate::store::*;";
    let main = "async fn by_alias(b: &dyn crate::api::Backend) { b.load(); }\n\
                async fn by_glob<S: crate::api::Store>(s: &S) { s.load(); }";
    let files = [
        (0, "src/store.rs", &["store"][..], store),
        (0, "src/api.rs", &["api"][..], api),
        (0, "src/main.rs", &[][..], main),
    ];
    let got: Vec<(usize, String)> = workspace_of(&files, &[])
        .into_iter()
        .map(|f| (f.line, f.resolved))
        .collect();
    assert_eq!(
        got,
        [
            (1, "store::Disk::load".to_string()),
            (2, "store::Disk::load".to_string())
        ]
    );
    // A struct of the same name as the alias is not the trait.
    let other = "pub struct Backend;\nimpl Backend { pub fn load(&self) {} }";
    let main = "async fn by_type(b: &crate::other::Backend) { b.load(); }";
    let files = [
        (0, "src/store.rs", &["store"][..], store),
        (0, "src/api.rs", &["api"][..], api),
        (0, "src/other.rs", &["other"][..], other),
        (0, "src/main.rs", &[][..], main),
    ];
    assert_eq!(workspace_of(&files, &[]), []);
}
