//! The workspaces of the dependency-scan benchmark: a generated one that depends on
//! popular async crates (as many of them as the local cargo registry can resolve
//! offline), and the list of source files a dependency-aware scan of a workspace reads.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::corpus::{Corpus, SourceFile};

/// The crates the generated workspace tries to depend on: (name, dependency spec as
/// TOML). Features are chosen to need no crate beyond the usual async stack.
pub const CANDIDATES: &[(&str, &str)] = &[
    ("tokio", r#"{ version = "1", features = ["full"] }"#),
    (
        "hyper",
        r#"{ version = "1", features = ["http1", "server"] }"#,
    ),
    (
        "hyper-util",
        r#"{ version = "0.1", features = ["tokio", "server", "http1"] }"#,
    ),
    (
        "axum",
        r#"{ version = "0.8", default-features = false, features = ["http1", "tokio", "matched-path"] }"#,
    ),
    ("tower", r#"{ version = "0.5", features = ["util"] }"#),
    ("futures-util", r#""0.3""#),
    ("serde_json", r#""1""#),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("tracing", r#""0.1""#),
    ("tracing-subscriber", r#""0.3""#),
    ("tokio-stream", r#""0.1""#),
    ("http-body-util", r#""0.1""#),
    ("bytes", r#""1""#),
    ("parking_lot", r#""0.12""#),
    ("rayon", r#""1""#),
    ("metrics", r#""0.24""#),
    ("reqwest", r#""0.12""#),
    (
        "sqlx",
        r#"{ version = "0.8", features = ["runtime-tokio", "sqlite"] }"#,
    ),
    ("diesel", r#"{ version = "2", features = ["sqlite"] }"#),
    ("tonic", r#""0.12""#),
];

/// The generated workspace: where it is, and which candidates it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Its directory (with `Cargo.toml`, `Cargo.lock`, `src/main.rs`).
    pub dir: PathBuf,
    /// The candidates that resolved offline, in [`CANDIDATES`] order.
    pub crates: Vec<&'static str>,
    /// The candidates that did not (not in the local registry, or needing crates that
    /// are not).
    pub missing: Vec<&'static str>,
}

fn manifest(crates: &[(&str, &str)]) -> String {
    let mut text = String::from(
        "[package]\nname = \"async-service\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\n",
    );
    for (name, spec) in crates {
        text.push_str(&format!("{name} = {spec}\n"));
    }
    text.push_str("\n[workspace]\n");
    text
}

/// The workspace's own code: a small service calling into its dependencies.
const MAIN: &str = r#"use std::time::Duration;

async fn handler(body: String) -> String {
    let parsed = body.len();
    tokio::time::sleep(Duration::from_millis(1)).await;
    format!("{parsed}")
}

async fn load_settings() -> String {
    tokio::fs::read_to_string("settings.toml").await.unwrap_or_default()
}

async fn report() {
    let settings = load_settings().await;
    tracing::info!(%settings, "loaded");
    let answer = handler(settings).await;
    std::fs::write("report.txt", answer).unwrap();
}

#[tokio::main]
async fn main() {
    report().await;
}
"#;

/// Runs `cargo generate-lockfile --offline` in `dir`: whether it resolved.
fn locks(cargo: &Path, dir: &Path) -> io::Result<bool> {
    Ok(Command::new(cargo)
        .args(["generate-lockfile", "--offline"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?
        .success())
}

/// Writes the workspace under `dir` (replacing an earlier one), adding the
/// [`CANDIDATES`] one at a time and keeping each that resolves offline with those
/// before it; the `Cargo.lock` left is that of the kept set.
///
/// # Errors
/// An I/O error writing the files or running cargo, or no candidate resolving.
pub fn generate(dir: &Path, cargo: &Path) -> io::Result<Generated> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src/main.rs"), MAIN)?;
    let mut kept: Vec<(&'static str, &'static str)> = Vec::new();
    let mut missing = Vec::new();
    for &candidate in CANDIDATES {
        let mut trial = kept.clone();
        trial.push(candidate);
        std::fs::write(dir.join("Cargo.toml"), manifest(&trial))?;
        if locks(cargo, dir)? {
            kept = trial;
        } else {
            missing.push(candidate.0);
        }
    }
    std::fs::write(dir.join("Cargo.toml"), manifest(&kept))?;
    if kept.is_empty() || !locks(cargo, dir)? {
        return Err(io::Error::other(
            "no candidate crate resolves offline from the local registry",
        ));
    }
    Ok(Generated {
        dir: dir.to_path_buf(),
        crates: kept.iter().map(|(name, _)| *name).collect(),
        missing,
    })
}

/// Whether `rel` (a path relative to the workspace, `/`-separated) lies under one of
/// `excluded` directory prefixes (`"fuzz/"`).
///
/// ```
/// use blockwatch_benches::dependency_workspace::is_excluded;
/// assert!(is_excluded("fuzz/src/a.rs", &["fuzz/"]));
/// assert!(!is_excluded("src/fuzz.rs", &["fuzz/"]));
/// ```
pub fn is_excluded(rel: &str, excluded: &[&str]) -> bool {
    excluded.iter().any(|prefix| rel.starts_with(prefix))
}

fn rust_files(dir: &Path, skip_top_tests: bool, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        let name = entry.file_name();
        if kind.is_dir() {
            if name != "target" && !(skip_top_tests && name == "tests") {
                rust_files(&path, false, out)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// What a dependency-aware scan of `dir` reads, as the scanner finds it: the
/// workspace's `.rs` files (but those under `excluded` prefixes), and every library
/// dependency's files below its root file's directory (its `tests/` left out), read
/// into memory. Also returns how many dependencies there are.
///
/// # Errors
/// `cargo metadata` failing or unreadable, or an I/O error listing a directory.
pub fn scanned_sources(dir: &Path, excluded: &[&str]) -> io::Result<(Corpus, usize)> {
    let output = blockwatch_lint::deps::metadata_command(&dir.join("Cargo.toml"), false)
        .current_dir(dir)
        .stderr(Stdio::null())
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "cargo metadata failed in {}",
            dir.display()
        )));
    }
    let graph =
        blockwatch_lint::deps::parse_metadata(&String::from_utf8_lossy(&output.stdout), None)
            .map_err(|e| io::Error::other(e.to_string()))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut own = Vec::new();
    rust_files(dir, false, &mut own)?;
    paths.extend(own.into_iter().filter(|p| {
        let rel = p
            .strip_prefix(dir)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        !is_excluded(&rel, excluded)
    }));
    for dep in &graph.dependencies {
        if let Some(base) = dep.lib_root.parent().filter(|b| b.is_dir()) {
            rust_files(base, true, &mut paths)?;
        }
    }
    paths.sort();
    paths.dedup();
    let mut corpus = Corpus::default();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let lines = text.lines().count();
                corpus.files.push(SourceFile { path, text, lines });
            }
            Err(_) => corpus.unreadable += 1,
        }
    }
    Ok((corpus, graph.dependencies.len()))
}
