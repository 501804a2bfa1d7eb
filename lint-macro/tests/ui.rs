//! Compile-time behaviour of the attributes: one scenario per file under `tests/ui/`, with
//! the compiler's output checked in as `.stderr` snapshots. All cases share one
//! `TestCases`, so the dependencies are built once.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
