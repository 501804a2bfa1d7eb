//! Runs this test binary's `#[ignore]`d tests in a child process with the watchdog's
//! variables removed: `#[blockwatch::test]` reads `BLOCKWATCH`,
//! `BLOCKWATCH_THRESHOLD_MS` and `BLOCKWATCH_REPORT` when it starts its watchdog, so a
//! test that expects a verdict (a stall that fails the test, a clean run that passes)
//! must not inherit them from the shell that runs the suite.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the child may run before it is killed and the test fails.
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs every ignored test of this binary in a child without `BLOCKWATCH*` variables,
/// and asserts that exactly `expected` ran, each passing (a `#[should_panic]` test
/// passes by panicking as it says).
#[allow(dead_code)] // each including test binary uses one of the two
pub fn run_ignored_tests(expected: &[&str]) {
    run_ignored_tests_with(expected, &[]);
}

/// [`run_ignored_tests`] with `variables` set in the child after the `BLOCKWATCH*`
/// variables are removed (`("BLOCKWATCH", "1")` switches the watchdog on in any build).
pub fn run_ignored_tests_with(expected: &[&str], variables: &[(&str, &str)]) {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args(["--ignored", "--test-threads=2"])
        .env_remove("BLOCKWATCH")
        .env_remove("BLOCKWATCH_THRESHOLD_MS")
        .env_remove("BLOCKWATCH_REPORT");
    for (name, value) in variables {
        command.env(name, value);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let start = Instant::now();
    while child.try_wait().expect("wait for the child").is_none() {
        if start.elapsed() > CHILD_TIMEOUT {
            let _ = child.kill();
            panic!("the child test run did not finish in {CHILD_TIMEOUT:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("child output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for name in expected {
        let line = format!("test {name} - should panic ... ok");
        let plain = format!("test {name} ... ok");
        assert!(
            stdout.contains(&line) || stdout.contains(&plain),
            "{name} did not pass:\n{stdout}"
        );
    }
    let summary = format!(
        "test result: ok. {} passed; 0 failed; 0 ignored;",
        expected.len()
    );
    assert!(stdout.contains(&summary), "expected `{summary}`:\n{stdout}");
}
