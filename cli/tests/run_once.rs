//! `once` findings as the formats show them: the certainty and the reach count.

mod common;

use common::{json_in, run_in, write, Scratch};

const LIB: &str = "use std::sync::OnceLock;\n\
static CONFIG: OnceLock<String> = OnceLock::new();\n\
pub fn config() -> &'static str {\n\
    CONFIG.get_or_init(|| std::fs::read_to_string(\"c.toml\").unwrap_or_default())\n\
}\n\
pub async fn a() { config(); }\n\
pub async fn b() { config(); }\n";

fn project() -> Scratch {
    let s = Scratch::new("run-once");
    write(
        s.path(),
        "Cargo.toml",
        "[package]\nname = \"once\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(s.path(), "src/lib.rs", LIB);
    s
}

#[test]
fn json_and_sarif_show_the_once_certainty_and_its_reach() {
    let s = project();
    let (code, report) = json_in(s.path(), &[]);
    assert_eq!(code, 1);
    let all = report["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{report}");
    let f = &all[0];
    assert_eq!(f["certainty"], "once");
    assert_eq!(f["once_reach"], 2);
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(23))
    );
    assert_eq!(f["resolved"], "std::fs::read_to_string");

    let run = run_in(s.path(), &["--format", "sarif"]);
    let sarif = run.json();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["certainty"], "once");
    assert_eq!(result["properties"]["onceReach"], 2);
    assert_eq!(result["level"], "warning");

    let human = run_in(s.path(), &["--format", "human"]);
    assert!(
        human
            .stdout
            .contains("blocks the executor thread once, on the first of 2 async paths"),
        "{}",
        human.stdout
    );
}
