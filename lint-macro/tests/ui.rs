//! Compile-time behaviour of the attributes: one scenario per file under `tests/ui/`, with
//! the compiler's output checked in as `.stderr` snapshots. All cases share one
//! `TestCases`, so the dependencies are built once.

mod dependency_cache_setup;

#[test]
fn ui() {
    // trybuild's project for this package: `<target>/tests/trybuild/<package name>`.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        std::path::PathBuf::from,
    );
    let project = target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"));
    dependency_cache_setup::write(&blockwatch_lint::workspace::normalize(&project));
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
