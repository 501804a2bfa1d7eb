//! Helpers shared by the integration tests: run the built binary (under a timeout, with
//! configuration discovery bounded to the test's own input), make scratch copies of
//! fixtures, snapshot a tree, and check SARIF's required structure.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The fixture directory `cli/tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The binary's output: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// How long one run of the binary may take before the test fails. The largest input of
/// the suite (a 50 MB file) takes a few seconds; a run that waits on a FIFO never ends.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `command` to completion with piped output, killing it and failing the test if it
/// takes longer than [`CHILD_TIMEOUT`]: a regression that hangs (a FIFO opened for
/// reading) fails with the command named, instead of hanging the suite.
pub fn run_with_timeout(command: Command) -> Run {
    run_with_timeout_of(command, CHILD_TIMEOUT)
}

/// [`run_with_timeout`] with a limit of its own, for a child that is not this binary
/// (a `cargo check` that may build its dependencies first).
pub fn run_with_timeout_of(mut command: Command, limit: Duration) -> Run {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{shown}: cannot start: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{shown} did not finish in {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// The highest directory a run in `dir` may read configuration from: the fixtures
/// directory for a fixture, the scratch directory for a scratch copy. Without it the
/// scanner walks up to this repository's own `[workspace]` (or, for a scratch copy,
/// whatever workspace `$TMPDIR` sits under) and applies its settings to the test input.
pub fn config_root(dir: &Path) -> PathBuf {
    let fixtures = fixture("");
    if dir.starts_with(&fixtures) {
        return fixtures;
    }
    dir.ancestors()
        .find(|a| {
            a.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(SCRATCH_PREFIX))
        })
        .unwrap_or(dir)
        .to_path_buf()
}

/// Cargo variables that move a workspace's target directory. Inherited from the
/// environment running the tests, they would send the scanner's dependency cache (and
/// the `cargo metadata` it runs) away from the test's own workspace.
const TARGET_DIR_VARIABLES: [&str; 2] = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"];

/// `cargo-blockwatch ARGS` in `dir`, with nothing added, and no inherited variable
/// redirecting the target directory (see [`TARGET_DIR_VARIABLES`]).
pub fn command_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-blockwatch"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    for variable in TARGET_DIR_VARIABLES {
        command.env_remove(variable);
    }
    command
}

/// Runs `cargo-blockwatch ARGS` in `dir`, exactly as given (no `--config-root`).
pub fn run_unbounded_in(dir: &Path, args: &[&str]) -> Run {
    run_with_timeout(command_in(dir, args))
}

/// Runs `cargo-blockwatch ARGS` in `dir`, reading no configuration above the fixture or
/// scratch directory (see [`config_root`]).
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let root = config_root(dir);
    let root = root.to_str().expect("UTF-8 test paths");
    let mut all: Vec<&str> = Vec::new();
    let rest = match args.split_first() {
        Some((&"blockwatch", rest)) => {
            all.push("blockwatch");
            rest
        }
        _ => args,
    };
    all.extend(["--config-root", root]);
    all.extend_from_slice(rest);
    run_unbounded_in(dir, &all)
}

/// Runs `cargo-blockwatch --format json ARGS` in `dir` and parses the report.
pub fn json_in(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = run_in(dir, &all);
    let value = run.json();
    (run.code, value)
}

/// `(file, line, category, resolved)` of every finding in a JSON report.
pub fn findings(report: &Value) -> Vec<(String, u64, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["category"].as_str().unwrap_or_default().to_string(),
                f["resolved"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Writes `text` to `dir/file`, creating its parent directories.
pub fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
    fs::write(path, text).expect("write a file");
}

/// The name every scratch directory starts with.
const SCRATCH_PREFIX: &str = "blockwatch-it-";

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        Scratch::new_in(&std::env::temp_dir(), tag)
    }

    /// A scratch directory under `base` instead of the temporary directory.
    pub fn new_in(base: &Path, tag: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = base.join(format!(
            "{SCRATCH_PREFIX}{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    /// A scratch copy of a fixture.
    pub fn copy_of(name: &str) -> Scratch {
        let s = Scratch::new(name);
        copy_dir(&fixture(name), &s.0);
        s
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        restore_permissions(&self.0);
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn restore_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            continue;
        }
        let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o755));
        if meta.is_dir() {
            restore_permissions(&path);
        }
    }
}

#[cfg(not(unix))]
fn restore_permissions(_: &Path) {}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every path under `dir` with its type, size, modification time and (readable files)
/// content: two equal snapshots mean nothing was written.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            // A digest, not the bytes: trees may hold generated files of tens of MB.
            let content = if meta.is_file() {
                fs::read(&path)
                    .map(|b| {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        std::hash::Hash::hash(&b, &mut h);
                        format!("{:016x}", std::hash::Hasher::finish(&h))
                    })
                    .unwrap_or_default()
            } else {
                String::new()
            };
            out.insert(
                path.clone(),
                format!(
                    "{:?} {} {:?} {content}",
                    meta.file_type(),
                    meta.len(),
                    meta.modified().ok()
                ),
            );
            if meta.is_dir() {
                stack.push(path);
            }
        }
    }
    out
}

fn require<'a>(v: &'a Value, key: &str, what: &str) -> &'a Value {
    let found = &v[key];
    assert!(
        !found.is_null(),
        "SARIF: {what} lacks required `{key}`: {v}"
    );
    found
}

fn require_str<'a>(v: &'a Value, key: &str, what: &str) -> &'a str {
    require(v, key, what)
        .as_str()
        .unwrap_or_else(|| panic!("SARIF: {what}.{key} must be a string"))
}

fn require_positive(v: &Value, key: &str, what: &str) -> u64 {
    let n = require(v, key, what)
        .as_u64()
        .unwrap_or_else(|| panic!("SARIF: {what}.{key} must be an integer"));
    assert!(n >= 1, "SARIF: {what}.{key} must be >= 1");
    n
}

/// Checks what SARIF 2.1.0 requires and what GitHub code scanning needs: `$schema`,
/// `version`, runs[].tool.driver.{name, informationUri, version, rules[]}, results with
/// ruleId/ruleIndex that agree, a level, message.text, physical locations with a
/// relative uri and %SRCROOT%, 1-based regions, and partialFingerprints.
pub fn validate_sarif(doc: &Value) {
    assert!(
        require_str(doc, "$schema", "log").contains("sarif-2.1.0"),
        "SARIF: $schema must name 2.1.0"
    );
    assert_eq!(require_str(doc, "version", "log"), "2.1.0");
    let runs = require(doc, "runs", "log")
        .as_array()
        .expect("runs is an array");
    assert!(!runs.is_empty(), "SARIF: at least one run");
    for run in runs {
        let driver = require(require(run, "tool", "run"), "driver", "tool");
        assert!(!require_str(driver, "name", "driver").is_empty());
        let uri = require_str(driver, "informationUri", "driver");
        assert!(
            uri.starts_with("https://") || uri.starts_with("http://"),
            "informationUri {uri}"
        );
        assert!(!require_str(driver, "version", "driver").is_empty());
        let rules = require(driver, "rules", "driver")
            .as_array()
            .expect("rules is an array");
        let mut ids = Vec::new();
        for rule in rules {
            let id = require_str(rule, "id", "rule");
            assert!(id.starts_with("blockwatch/"), "rule id {id}");
            ids.push(id.to_string());
            assert!(!require_str(
                require(rule, "shortDescription", "rule"),
                "text",
                "shortDescription"
            )
            .is_empty());
            assert!(!require_str(
                require(rule, "fullDescription", "rule"),
                "text",
                "fullDescription"
            )
            .is_empty());
            assert!(!require_str(require(rule, "help", "rule"), "text", "help").is_empty());
        }
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "SARIF: rule ids are unique");
        for result in require(run, "results", "run")
            .as_array()
            .expect("results is an array")
        {
            let rule_id = require_str(result, "ruleId", "result");
            let index = require(result, "ruleIndex", "result")
                .as_u64()
                .expect("ruleIndex") as usize;
            assert_eq!(
                ids.get(index).map(String::as_str),
                Some(rule_id),
                "ruleIndex points at ruleId"
            );
            let level = require_str(result, "level", "result");
            assert!(
                ["none", "note", "warning", "error"].contains(&level),
                "level {level}"
            );
            assert!(
                !require_str(require(result, "message", "result"), "text", "message").is_empty()
            );
            let locations = require(result, "locations", "result")
                .as_array()
                .expect("locations");
            assert!(!locations.is_empty());
            for location in locations {
                let physical = require(location, "physicalLocation", "location");
                let artifact = require(physical, "artifactLocation", "physicalLocation");
                let uri = require_str(artifact, "uri", "artifactLocation");
                assert!(
                    !uri.starts_with('/') && !uri.contains('\\'),
                    "relative uri: {uri}"
                );
                assert_eq!(
                    require_str(artifact, "uriBaseId", "artifactLocation"),
                    "%SRCROOT%"
                );
                let region = require(physical, "region", "physicalLocation");
                let start = require_positive(region, "startLine", "region");
                require_positive(region, "startColumn", "region");
                let end = require_positive(region, "endLine", "region");
                require_positive(region, "endColumn", "region");
                assert!(end >= start, "endLine >= startLine");
            }
            let fingerprints = require(result, "partialFingerprints", "result")
                .as_object()
                .expect("partialFingerprints is an object");
            assert!(!fingerprints.is_empty());
        }
    }
}
