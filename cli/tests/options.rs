//! Command-line options: test handling, categories, excludes, allow entries, the cargo
//! subcommand form, and the input kinds (workspace, directory of files, single files).

mod common;

use std::fs;

use common::{findings, fixture, json_in, run_in, run_unbounded_in, Scratch};

fn categories(report: &serde_json::Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.2).collect()
}

/// `(file, line, category, resolved)`, written briefly.
fn finding(file: &str, line: u64, category: &str, resolved: &str) -> (String, u64, String, String) {
    (file.into(), line, category.into(), resolved.into())
}

fn files_scanned(report: &serde_json::Value) -> u64 {
    report["summary"]["files_scanned"]
        .as_u64()
        .expect("summary.files_scanned is a number")
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

    assert_eq!(files_scanned(&default), 5);

    let (_, included) = json_in(&ws, &["--include-tests"]);
    assert_eq!(
        findings(&included),
        [
            finding("crates/app/src/main.rs", 5, "fs", "my_core::store::open_db"),
            finding(
                "crates/app/src/main.rs",
                13,
                "fs",
                "std::fs::read_to_string"
            ),
            finding(
                "crates/app/tests/it.rs",
                3,
                "process",
                "std::process::Command::output"
            ),
        ]
    );
    assert_eq!(files_scanned(&included), 5);

    // Skipping tests drops the test findings and does not read `tests/` at all.
    for flag in [&["--no-tests"][..], &["--no-category", "test"][..]] {
        let (_, skipped) = json_in(&ws, flag);
        assert_eq!(
            findings(&skipped),
            [finding(
                "crates/app/src/main.rs",
                5,
                "fs",
                "my_core::store::open_db"
            )],
            "{flag:?}"
        );
        assert_eq!(files_scanned(&skipped), 4, "{flag:?}");
    }
}

#[test]
fn categories_can_be_switched_off() {
    let (code, report) = json_in(&fixture("aliases"), &["--no-category", "sleep"]);
    assert_eq!(code, 0);
    assert_eq!(findings(&report), []);
    assert_eq!(files_scanned(&report), 2, "switched off, still scanned");
    let (_, chains) = json_in(&fixture("chains"), &["--no-category", "fs"]);
    assert_eq!(
        findings(&chains),
        [finding(
            "src/main.rs",
            14,
            "sleep",
            "store::Store::fetch_user"
        )]
    );
    assert_eq!(files_scanned(&chains), 4);
}

#[test]
fn excluded_paths_are_not_scanned() {
    let (_, report) = json_in(&fixture("workspace"), &["--exclude", "crates/app/**"]);
    assert_eq!(findings(&report), [], "{report}");
    assert_eq!(report["allowed"], serde_json::json!([]), "{report}");
    assert_eq!(files_scanned(&report), 2, "only crates/core is read");
    // Without store.rs, the call into it is unresolved and not reported.
    let (_, report) = json_in(&fixture("chains"), &["-e", "src/store.rs"]);
    assert_eq!(
        findings(&report),
        [
            finding("src/main.rs", 12, "fs", "config::load_settings"),
            finding("src/main.rs", 17, "fs", "platform::read_uptime"),
        ]
    );
    assert_eq!(files_scanned(&report), 3);
}

#[test]
fn allow_entries_suppress_and_list_findings() {
    let (code, report) = json_in(&fixture("workspace"), &["--no-tests"]);
    assert_eq!(code, 1);
    let allowed = report["allowed"].as_array().unwrap();
    assert_eq!(allowed.len(), 1, "{report}");
    assert_eq!(allowed[0]["file"], "crates/app/src/bin/demo.rs");
    assert_eq!(allowed[0]["reason"], "the demo blocks on purpose");
    assert_eq!(
        findings(&report),
        [finding(
            "crates/app/src/main.rs",
            5,
            "fs",
            "my_core::store::open_db"
        )]
    );
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
    let full = run_in(&fixture("aliases"), &[]);
    let run = run_in(&fixture("aliases"), &["--quiet"]);
    assert_eq!((full.code, run.code), (1, 1));
    // The same diagnostics, without the summary line.
    let summary = "blockwatch: 1 finding in 2 files scanned (sleep: 1)\n";
    assert!(full.stdout.ends_with(summary), "{}", full.stdout);
    assert_eq!(
        run.stdout,
        full.stdout.trim_end_matches(summary),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("warning[blockwatch/sleep]").count(), 1);

    // Allowed findings are listed in the full output and hidden by -q.
    let ws = fixture("workspace");
    let full = run_in(&ws, &["--no-tests"]);
    assert!(
        full.stdout.contains("crates/app/src/bin/demo.rs"),
        "{}",
        full.stdout
    );
    assert!(full
        .stdout
        .contains("allowed by configuration: the demo blocks on purpose"));
    let quiet = run_in(&ws, &["--no-tests", "-q"]);
    assert_eq!(quiet.code, 1);
    assert!(!quiet.stdout.contains("demo.rs"), "{}", quiet.stdout);
    assert_eq!(
        quiet.stdout.matches("warning[").count(),
        1,
        "{}",
        quiet.stdout
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
    assert_eq!(findings(&report), []);
    assert_eq!(files_scanned(&report), 1);
    let (_, report) = json_in(&fixture("aliases"), &["src/lib.rs", "src/waits.rs"]);
    assert_eq!(
        findings(&report),
        [finding("src/lib.rs", 8, "sleep", "std::thread::sleep")]
    );
    assert_eq!(files_scanned(&report), 2);

    // Several crates at once: paths are relative to the current directory.
    let (_, report) = json_in(&fixture(""), &["aliases", "chains"]);
    assert_eq!(
        findings(&report),
        [
            finding("aliases/src/lib.rs", 8, "sleep", "std::thread::sleep"),
            finding("chains/src/main.rs", 12, "fs", "config::load_settings"),
            finding(
                "chains/src/main.rs",
                14,
                "sleep",
                "store::Store::fetch_user"
            ),
            finding("chains/src/main.rs", 17, "fs", "platform::read_uptime"),
        ]
    );
    assert_eq!(files_scanned(&report), 6);
}

#[test]
fn config_root_keeps_an_enclosing_workspace_out() {
    // A crate unpacked under someone else's workspace, whose settings switch `sleep` off.
    let scratch = Scratch::new("foreign");
    fs::write(
        scratch.path().join("Cargo.toml"),
        "[workspace]\n[workspace.metadata.blockwatch]\ndisable = [\"sleep\"]\n",
    )
    .unwrap();
    let krate = scratch.path().join("vendor/aliases");
    common::copy_dir(&fixture("aliases"), &krate);

    // By default the walk up stops at the first `[workspace]`: the foreign one applies.
    let walked = run_unbounded_in(&krate, &["--format", "json"]);
    assert_eq!((walked.code, findings(&walked.json())), (0, vec![]));

    // A ceiling that is not a directory is a usage error, named.
    let missing = run_unbounded_in(&krate, &["--config-root", "no/such/dir"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("--config-root no/such/dir: not a directory"),
        "{}",
        missing.stderr
    );

    // Bounded at the crate (absolute or relative), it does not.
    let vendor = scratch.path().join("vendor");
    for root in [krate.to_str().unwrap(), ".", vendor.to_str().unwrap()] {
        let bounded = run_unbounded_in(&krate, &["--config-root", root, "--format", "json"]);
        assert_eq!(bounded.code, 1, "--config-root {root}: {}", bounded.stderr);
        assert_eq!(
            findings(&bounded.json()),
            [finding("src/lib.rs", 8, "sleep", "std::thread::sleep")],
            "--config-root {root}"
        );
    }
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

#[test]
fn allow_entries_match_a_chain_by_its_end_and_globs_relative_to_a_member() {
    // A call that reaches a blocking API through the workspace's own fns is allowed by
    // naming that API.
    let scratch = Scratch::new("allow-chain");
    let config = scratch.path().join("blockwatch.toml");
    fs::write(
        &config,
        "allow = [{ file = \"src/main.rs\", path = \"std::fs::read_to_string\", reason = \"read at startup\" }]\n",
    )
    .unwrap();
    let (code, report) = json_in(&fixture("chains"), &["--config", config.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        [finding(
            "src/main.rs",
            14,
            "sleep",
            "store::Store::fetch_user"
        )],
        "both fs calls end in std::fs::read_to_string"
    );
    let allowed: Vec<(&str, u64, &str)> = report["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["file"].as_str().unwrap(),
                a["line"].as_u64().unwrap(),
                a["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        allowed,
        [
            ("src/main.rs", 12, "read at startup"),
            ("src/main.rs", 17, "read at startup")
        ]
    );

    // In a member's own blockwatch.toml, the glob is relative to the member.
    let ws = Scratch::copy_of("workspace");
    fs::write(
        ws.path().join("crates/app/blockwatch.toml"),
        "allow = [{ file = \"src/main.rs\", reason = \"the member's own entry\" }]\n",
    )
    .unwrap();
    let (code, report) = json_in(ws.path(), &["--no-tests"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report), []);
    let mut reasons: Vec<(&str, &str)> = report["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["file"].as_str().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            ("crates/app/src/bin/demo.rs", "the demo blocks on purpose"),
            ("crates/app/src/main.rs", "the member's own entry"),
        ]
    );
}
