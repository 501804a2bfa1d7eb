//! Command-line options: test handling, categories, excludes, allow entries, the cargo
//! subcommand form, and the input kinds (workspace, directory of files, single files).

mod common;

use std::fs;

use common::{findings, fixture, json_in, run_in, Scratch};

fn categories(report: &serde_json::Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.2).collect()
}

#[test]
fn test_code_is_a_separate_category_by_default_and_can_be_switched() {
    let ws = fixture("workspace");
    let (_, default) = json_in(&ws, &[]);
    let tests: Vec<_> = findings(&default)
        .into_iter()
        .filter(|f| f.2 == "test")
        .map(|f| (f.0, f.1))
        .collect();
    assert_eq!(
        tests,
        [
            ("crates/app/src/main.rs".to_string(), 13),
            ("crates/app/tests/it.rs".to_string(), 3)
        ]
    );
    assert_eq!(default["summary"]["by_category"]["test"], 2);

    let (_, included) = json_in(&ws, &["--include-tests"]);
    let inc = findings(&included);
    assert!(
        inc.iter()
            .any(|f| f.0 == "crates/app/tests/it.rs" && f.2 == "process"),
        "{inc:?}"
    );
    assert!(inc
        .iter()
        .any(|f| f.0 == "crates/app/src/main.rs" && f.1 == 13 && f.2 == "fs"));

    for flag in [&["--no-tests"][..], &["--no-category", "test"][..]] {
        let (_, skipped) = json_in(&ws, flag);
        assert!(
            !categories(&skipped).contains(&"test".to_string()),
            "{flag:?}"
        );
        assert!(findings(&skipped).iter().all(|f| !f.0.contains("tests/")));
    }
}

#[test]
fn categories_can_be_switched_off() {
    let (code, report) = json_in(&fixture("aliases"), &["--no-category", "sleep"]);
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty());
    let (_, chains) = json_in(&fixture("chains"), &["--no-category", "fs"]);
    assert_eq!(categories(&chains), ["sleep"]);
}

#[test]
fn excluded_paths_are_not_scanned() {
    let (_, report) = json_in(&fixture("workspace"), &["--exclude", "crates/app/**"]);
    assert!(findings(&report).is_empty(), "{report}");
    let (_, report) = json_in(&fixture("chains"), &["-e", "src/store.rs"]);
    let found = findings(&report);
    assert!(
        found.iter().all(|f| f.3 != "store::Store::fetch_user"),
        "{found:?}"
    );
}

#[test]
fn allow_entries_suppress_and_list_findings() {
    let (code, report) = json_in(&fixture("workspace"), &["--no-tests"]);
    assert_eq!(code, 1);
    let allowed = report["allowed"].as_array().unwrap();
    assert_eq!(allowed.len(), 1, "{report}");
    assert_eq!(allowed[0]["file"], "crates/app/src/bin/demo.rs");
    assert_eq!(allowed[0]["reason"], "the demo blocks on purpose");
    assert!(findings(&report).iter().all(|f| !f.0.ends_with("demo.rs")));
    assert_eq!(report["summary"]["allowed"], 1);

    // Through --config too; in SARIF, allowed findings carry a suppression.
    let scratch = Scratch::new("allow");
    let config = scratch.path().join("blockwatch.toml");
    fs::write(
        &config,
        "allow = [{ file = \"src/**\", path = \"std::thread::sleep\", reason = \"naps are fine here\" }]\n",
    )
    .unwrap();
    let run = run_in(
        &fixture("aliases"),
        &["--format", "sarif", "--config", config.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let doc = run.json();
    common::validate_sarif(&doc);
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(
        result["suppressions"][0]["justification"],
        "naps are fine here"
    );
    assert_eq!(result["suppressions"][0]["kind"], "external");
}

#[test]
fn runs_as_a_cargo_subcommand_and_prints_help_and_version() {
    let (code, report) = json_in(&fixture("aliases"), &[]);
    let via_cargo = run_in(&fixture("aliases"), &["blockwatch", "--format", "json"]);
    assert_eq!(via_cargo.code, code);
    assert_eq!(via_cargo.json(), report);

    let help = run_in(&fixture("aliases"), &["blockwatch", "--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("--no-tests") && help.stdout.contains("EXIT STATUS"));
    let version = run_in(&fixture("aliases"), &["-V"]);
    assert_eq!(
        version.stdout.trim(),
        format!("cargo-blockwatch {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn quiet_prints_findings_only() {
    let run = run_in(&fixture("aliases"), &["--quiet"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("warning[blockwatch/sleep]"));
    assert!(
        !run.stdout.contains("blockwatch: 1 finding"),
        "{}",
        run.stdout
    );
}

#[test]
fn directories_of_files_and_single_files_are_scanned() {
    // A directory without Cargo.toml: module paths come from `lib.rs` and the layout.
    let scratch = Scratch::new("plain");
    common::copy_dir(&fixture("aliases").join("src"), scratch.path());
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        [(
            "lib.rs".into(),
            8,
            "sleep".into(),
            "std::thread::sleep".into()
        )]
    );

    // Files given one by one, relative to the current directory.
    let (_, report) = json_in(&fixture("aliases"), &["src/waits.rs"]);
    assert!(findings(&report).is_empty());
    assert_eq!(report["summary"]["files_scanned"], 1);
    let (_, report) = json_in(&fixture("aliases"), &["src/lib.rs", "src/waits.rs"]);
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(report["summary"]["files_scanned"], 2);

    // Several crates at once: paths are relative to the current directory.
    let (_, report) = json_in(&fixture(""), &["aliases", "chains"]);
    let files: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert!(
        files.contains(&"aliases/src/lib.rs".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"chains/src/main.rs".to_string()),
        "{files:?}"
    );
}

#[test]
fn opt_in_categories_are_switched_on_from_the_command_line() {
    let scratch = Scratch::new("lock");
    fs::write(
        scratch.path().join("lib.rs"),
        "use std::sync::Mutex;\n\
         pub async fn bump(m: &Mutex<u32>) {\n    *m.lock().unwrap() += 1;\n}\n",
    )
    .unwrap();
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!((code, findings(&report).len()), (0, 0), "lock is opt-in");
    let (code, report) = json_in(scratch.path(), &["--category", "lock"]);
    assert_eq!(code, 1);
    assert_eq!(categories(&report), ["lock"]);

    // The command line wins over a configuration that switches it off.
    fs::write(
        scratch.path().join("blockwatch.toml"),
        "disable = [\"lock\"]\n",
    )
    .unwrap();
    let (_, report) = json_in(scratch.path(), &["--category", "lock"]);
    assert_eq!(categories(&report), ["lock"]);
}
