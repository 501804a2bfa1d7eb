//! What a finding says and where: spans of the call, messages, why and replacement, order.

mod support;

use blockwatch_lint::Category;
use support::{assert_flags, file_findings};

#[test]
fn spans_cover_the_call_itself() {
    let src = "async fn f() {\n    let out = Command::new(\"ls\")\n        .arg(\"-l\")\n        .output()\n        .unwrap();\n    std::thread::sleep(d);\n}";
    let found = file_findings(&format!("use std::process::Command;\n{src}"));
    assert_eq!(found[0].call, ".output()");
    assert_eq!((found[0].start(), found[0].end()), ((5, 10), (5, 18)));
    assert_eq!(found[1].call, "std::thread::sleep(..)");
    assert_eq!((found[1].start(), found[1].end()), ((7, 5), (7, 26)));
}

#[test]
fn spans_inside_macros_are_the_users() {
    let found = file_findings(
        "async fn f() {\n    println!(\"{}\", std::fs::read_to_string(p).unwrap());\n}",
    );
    assert_eq!((found[0].start(), found[0].end()), ((2, 20), (2, 46)));
}

#[test]
fn findings_carry_why_and_replacement() {
    let f = &file_findings("async fn slow() { std::thread::sleep(d); }")[0];
    assert_eq!(f.category, Category::Sleep);
    assert_eq!(f.replacement, "tokio::time::sleep(..).await");
    assert!(!f.why.is_empty());
    assert_eq!(
        f.message(),
        "blocking call `std::thread::sleep(..)` in async fn `slow`"
    );
}

#[test]
fn findings_come_in_source_order() {
    assert_flags(
        "use std::io::Write; async fn f(p: &str) { std::fs::File::create(p).unwrap().write_all(b\"x\").unwrap(); }",
        &["std::fs::File::create", "std::io::Write::write_all"],
    );
}
