//! The escape hatch `#[allow_blocking]`: what it skips, and paths that are not it.

mod support;

use support::{assert_clean, flagged, item_findings};

/// `::allow_blocking` names a crate, not the escape hatch: the attribute macro never
/// stripped it, and the engine once skipped the code it marked all the same.
#[test]
fn an_absolute_allow_blocking_path_is_not_the_escape_hatch() {
    assert_eq!(
        flagged(
            "async fn f() { #[::allow_blocking] std::thread::sleep(d); \
             #[::blockwatch::allow_blocking] std::fs::read(p); }"
        ),
        ["std::thread::sleep"]
    );
}

#[test]
fn escape_hatch_skips_everything_inside() {
    assert_clean(
        r#"async fn f() {
            #[allow_blocking]
            std::thread::sleep(d);
            #[blockwatch::allow_blocking(reason = "startup only")]
            let cfg = std::fs::read_to_string("c").unwrap();
            #[allow_blocking]
            {
                std::fs::read("x");
            }
        }
        #[blockwatch::allow_blocking(reason = "demo")]
        async fn demo() { std::thread::sleep(d); }
        #[allow_blocking]
        impl S { async fn m(&self) { std::thread::sleep(d); } }"#,
    );
    assert!(item_findings("#[allow_blocking] async fn g() { std::thread::sleep(d); }").is_empty());
}

#[test]
fn escape_hatch_on_match_arms() {
    let got = flagged(
        r#"async fn f(x: u8) {
            match x {
                #[allow_blocking]
                0 => std::thread::sleep(d),
                _ => std::fs::remove_file("y").unwrap(),
            }
        }"#,
    );
    assert_eq!(got, ["std::fs::remove_file"]);
}
