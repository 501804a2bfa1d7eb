//! Items under a `cfg` that never holds are not compiled, so not checked; items under a
//! cfg that may hold (a feature, a platform, `not(any())`) are.

mod support;

use support::flagged as apis;

#[test]
fn items_under_a_never_true_cfg_are_skipped() {
    let src = r#"
#[cfg(any())]
async fn commented_out() { std::thread::sleep(d); }
#[cfg(all(unix, any()))]
mod gone { async fn f() { std::fs::read("a"); } }
struct S;
impl S {
    #[cfg(not(all()))]
    async fn m(&self) { std::fs::read("b"); }
}
#[cfg(any())]
impl S { async fn n(&self) { std::fs::read("c"); } }
"#;
    assert!(apis(src).is_empty());
}

#[test]
fn items_under_a_cfg_that_may_hold_are_checked() {
    let src = r#"
#[cfg(feature = "slow")]
async fn a() { std::thread::sleep(d); }
#[cfg(not(any()))]
async fn b() { std::fs::read("a"); }
#[cfg(any(unix, any()))]
mod m { async fn c() { std::fs::write("a", b""); } }
#[cfg_attr(any(), allow(unused))]
async fn d() { std::fs::remove_file("a"); }
"#;
    assert_eq!(
        apis(src),
        [
            "std::thread::sleep",
            "std::fs::read",
            "std::fs::write",
            "std::fs::remove_file"
        ]
    );
}
