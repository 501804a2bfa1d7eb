//! Bad input is reported per file and the scan goes on; exit codes; the scanned tree is
//! never written to.

mod common;

use std::fs;
use std::path::Path;

use common::{findings, json_in, run_in, snapshot, Scratch};

fn errors(report: &serde_json::Value) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn bad_files_are_reported_with_path_and_reason_and_the_scan_goes_on() {
    let scratch = Scratch::copy_of("aliases");
    let src = scratch.path().join("src");
    fs::write(src.join("broken.rs"), "fn ok() {}\nfn broken( {\n").unwrap();
    fs::write(src.join("latin1.rs"), b"// caf\xe9\nfn f() {}\n").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop.rs", src.join("loop.rs")).unwrap();
        std::os::unix::fs::symlink("missing-target.rs", src.join("dangling.rs")).unwrap();
        std::os::unix::fs::symlink("..", src.join("cycle")).unwrap();
        // A link to a file that is scanned anyway: analysed once, under its own name.
        std::os::unix::fs::symlink("lib.rs", src.join("again.rs")).unwrap();
    }
    let before = snapshot(scratch.path());

    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "findings dominate input errors");
    assert_eq!(
        findings(&report).len(),
        1,
        "the good files are still analysed"
    );
    let errs = errors(&report);
    let has = |path: &str, needle: &str| {
        errs.iter()
            .any(|(p, m)| p == path && m.to_lowercase().contains(needle))
    };
    assert!(has("src/broken.rs", "syntax error"), "{errs:?}");
    let broken = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "src/broken.rs")
        .unwrap();
    assert_eq!(broken["line"], 2, "{broken}");
    assert!(has("src/latin1.rs", "utf-8"), "{errs:?}");
    #[cfg(unix)]
    {
        assert!(errs.iter().any(|(p, _)| p.contains("loop.rs")), "{errs:?}");
        assert!(
            errs.iter().any(|(p, _)| p.contains("dangling.rs")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|(p, m)| p.contains("cycle") && m.contains("loop")),
            "{errs:?}"
        );
    }
    assert_eq!(
        before,
        snapshot(scratch.path()),
        "the scanned tree is unchanged"
    );

    // The human format names them on stderr, rustc-style.
    let run = run_in(scratch.path(), &[]);
    assert!(run.stderr.contains("error: syntax error"), "{}", run.stderr);
    assert!(run.stderr.contains("src/broken.rs:2:"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    // Under cargo's target directory, which `nobody` (below) can reach when it can
    // run the binary there; `$TMPDIR` may be private to root.
    let scratch = Scratch::new_in(Path::new(env!("CARGO_TARGET_TMPDIR")), "unreadable");
    common::copy_dir(&common::fixture("aliases"), scratch.path());
    let secret = scratch.path().join("src/secret.rs");
    fs::write(&secret, "fn f() {}\n").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    let root = common::config_root(scratch.path());
    let mut command = common::command_in(
        scratch.path(),
        &["--config-root", root.to_str().unwrap(), "--format", "json"],
    );
    if fs::read(&secret).is_ok() {
        // Permission bits do not stop root (as CI runs): scan as `nobody` instead, for
        // whom they do. The rest of the tree is world-readable.
        use std::os::unix::process::CommandExt;
        command.uid(65534).gid(65534);
    }
    let run = common::run_with_timeout(command);
    let report = run.json();
    assert_eq!(run.code, 1, "lib.rs is still analysed: {report}");
    assert_eq!(findings(&report).len(), 1, "{report}");
    assert_eq!(
        errors(&report),
        [(
            "src/secret.rs".to_string(),
            "cannot read: Permission denied (os error 13)".to_string()
        )],
        "{report}"
    );
}

#[test]
fn input_errors_without_findings_exit_2_and_clean_code_exits_0() {
    let scratch = Scratch::new("clean");
    fs::write(
        scratch.path().join("lib.rs"),
        "pub async fn ok() { tokio::time::sleep(std::time::Duration::ZERO).await; }\n",
    )
    .unwrap();
    let run = run_in(scratch.path(), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("0 findings in 1 file scanned"),
        "{}",
        run.stdout
    );

    fs::write(scratch.path().join("broken.rs"), "fn (").unwrap();
    assert_eq!(run_in(scratch.path(), &[]).code, 2);
}

#[test]
fn missing_paths_and_usage_errors_exit_2() {
    let scratch = Scratch::new("missing");
    let run = run_in(scratch.path(), &["no/such/dir"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/dir"), "{}", run.stderr);
    assert!(run.stderr.contains("no such file"), "{}", run.stderr);

    let usage = run_in(scratch.path(), &["--format", "xml"]);
    assert_eq!(usage.code, 2);
    assert!(usage.stderr.contains("xml"), "{}", usage.stderr);
    assert!(usage.stdout.is_empty());

    let bad_config = run_in(scratch.path(), &["--config", "nope.toml"]);
    assert_eq!(bad_config.code, 2);
    assert!(
        bad_config.stderr.contains("nope.toml"),
        "{}",
        bad_config.stderr
    );
}

#[test]
fn deeply_nested_input_does_not_crash_the_scanner() {
    let scratch = Scratch::new("deep");
    let depth = 3000;
    let src = format!(
        "async fn deep(d: std::time::Duration) {{ {}std::thread::sleep(d){} }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    fs::write(scratch.path().join("deep.rs"), src).unwrap();
    let run = run_in(scratch.path(), &["--format", "json"]);
    // Parsed and analysed without a crash; the code below the engine's depth cap
    // (the sleep) is not passed as clean: the file has an input error saying so.
    let report = run.json();
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].1.contains("was not checked"), "{errs:?}");
    assert_eq!(run.code, 2, "no finding, and a file not fully checked");

    // Past the nesting limit: an input error for that file, not a crashed scanner.
    let braces = 20_000;
    let src = format!(
        "fn f() {{ let x = {}1{}; }}\n",
        "{".repeat(braces),
        "}".repeat(braces)
    );
    fs::write(scratch.path().join("deep.rs"), src).unwrap();
    let closures = format!("fn g() {{ let c = {}1; }}\n", "|| ".repeat(50_000));
    fs::write(scratch.path().join("closures.rs"), closures).unwrap();
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs.iter().all(|(_, m)| m.contains("levels deep")),
        "{errs:?}"
    );
}

#[test]
fn an_invalid_configuration_is_reported_and_the_scan_goes_on() {
    let scratch = Scratch::copy_of("aliases");
    fs::write(scratch.path().join("blockwatch.toml"), "bogus = 1\n").unwrap();
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "the finding is still reported");
    assert_eq!(findings(&report).len(), 1);
    let e = &report["errors"][0];
    assert_eq!(e["path"], "blockwatch.toml");
    assert_eq!(e["line"], 1);
    assert!(e["message"].as_str().unwrap().contains("bogus"), "{e}");
}

/// Tests run as root, where permissions do not stop a read: the unreadable entries here
/// are ones no permission bit makes readable. A FIFO named `*.rs` (reading it would wait
/// forever for a writer), a directory named `*.rs` (walked as a directory), and on Linux
/// a link to `/proc/self/mem`, which even root cannot read from offset 0 (EIO).
#[cfg(unix)]
#[test]
fn special_files_named_rs_are_reported_without_blocking_the_scan() {
    let scratch = Scratch::copy_of("aliases");
    let src = scratch.path().join("src");
    let fifo = src.join("pipe.rs");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    fs::create_dir(src.join("folder.rs")).unwrap();
    let before = snapshot(scratch.path());

    // The walk meets the FIFO; a directory given as a file path is named as such.
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "the good files are still analysed: {report}");
    assert_eq!(findings(&report).len(), 1);
    let errs = errors(&report);
    assert!(
        errs.iter()
            .any(|(p, m)| p == "src/pipe.rs" && m.contains("not a regular file (a FIFO)")),
        "{errs:?}"
    );
    let (code, report) = json_in(scratch.path(), &["src/pipe.rs", "src/lib.rs"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(errors(&report).len(), 1, "{report}");
    assert_eq!(before, snapshot(scratch.path()), "nothing written");
}

/// A socket and a device named `*.rs` are never opened: both are reported by kind.
#[cfg(unix)]
#[test]
fn sockets_and_devices_named_rs_are_reported_by_kind() {
    let scratch = Scratch::copy_of("aliases");
    let src = scratch.path().join("src");
    let _socket = std::os::unix::net::UnixListener::bind(src.join("sock.rs")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", src.join("zero.rs")).unwrap();
    let before = snapshot(scratch.path());
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(code, 1, "the good files are still analysed: {report}");
    assert_eq!(findings(&report).len(), 1);
    let mut errs = errors(&report);
    errs.sort();
    assert_eq!(
        errs,
        [
            (
                "src/sock.rs".to_string(),
                "not a regular file (a socket): not read".to_string()
            ),
            (
                "src/zero.rs".to_string(),
                "not a regular file (a device): not read".to_string()
            ),
        ]
    );
    assert_eq!(before, snapshot(scratch.path()), "nothing written");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_even_root_cannot_read_is_reported_with_the_os_reason() {
    let scratch = Scratch::copy_of("aliases");
    std::os::unix::fs::symlink("/proc/self/mem", scratch.path().join("src/mem.rs")).unwrap();
    let before = snapshot(scratch.path());
    let (code, report) = json_in(scratch.path(), &[]);
    assert_eq!(before, snapshot(scratch.path()), "nothing written");
    assert_eq!(code, 1, "the other files are analysed: {report}");
    assert_eq!(findings(&report).len(), 1);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "src/mem.rs");
    assert!(errs[0].1.starts_with("cannot read: "), "{errs:?}");
    assert!(errs[0].1.contains("os error"), "{errs:?}");
}

#[test]
fn a_file_past_the_size_limit_is_an_input_error_and_the_scan_goes_on() {
    let scratch = Scratch::new("huge");
    let dir = scratch.path();
    fs::write(
        dir.join("lib.rs"),
        "pub async fn late() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n",
    )
    .unwrap();
    // 50 MB of generated, valid code: far past the 16 MiB a single file may have.
    let unit = "pub async fn f(d: std::time::Duration) { tokio::time::sleep(d).await; }\n";
    let mut text = String::with_capacity(50_000_000 + unit.len());
    let mut i = 0usize;
    while text.len() < 50_000_000 {
        text.push_str(&unit.replacen("fn f", &format!("fn f{i}"), 1));
        i += 1;
    }
    fs::write(dir.join("generated.rs"), &text).unwrap();
    drop(text);
    let before = snapshot(dir);

    let (code, report) = json_in(dir, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(findings(&report).len(), 1, "lib.rs is still analysed");
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "generated.rs");
    assert!(errs[0].1.contains("MiB limit"), "{errs:?}");
    assert_eq!(before, snapshot(dir), "nothing written");
}
