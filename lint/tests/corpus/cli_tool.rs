//! A CLI tool built on tokio: config loading, a progress bar, subprocesses, prompts.
use std::env;
use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::signal;
use tokio::sync::watch;

#[derive(Debug, Default)]
struct Settings {
    verbose: bool,
    jobs: usize,
    cache: PathBuf,
}

fn settings_path() -> PathBuf {
    env::var_os("TOOL_CONFIG").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("tool.toml"))
}

fn parse_settings(text: &str) -> Result<Settings> {
    let mut s = Settings::default();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("jobs=") {
            s.jobs = v.trim().parse().context("jobs")?;
        }
        s.verbose |= line.trim() == "verbose";
    }
    Ok(s)
}

async fn load_settings() -> Result<Settings> {
    let path = settings_path();
    if !path.exists() { // expect: std::path::Path::exists
        return Ok(Settings::default());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display())); // expect: std::fs::read_to_string
    parse_settings(&text?)
}

async fn load_settings_right() -> Result<Settings> {
    let path = settings_path();
    match tokio::fs::read_to_string(&path).await {
        Ok(text) => parse_settings(&text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(e.into()),
    }
}

async fn progress(mut done: watch::Receiver<bool>) {
    let frames = ['|', '/', '-', '\\'];
    let mut i = 0;
    loop {
        print!("\r{}", frames[i % frames.len()]);
        io::stdout().flush().ok(); // expect: std::io::Stdout::flush
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = done.changed() => break,
        }
        i += 1;
    }
}

async fn run_git(args: &[&str]) -> Result<ExitStatus> {
    let status = Command::new("git").args(args).status()?; // expect: std::process::Command::status
    if !status.success() {
        bail!("git {:?} failed", args);
    }
    let out = tokio::process::Command::new("git").args(args).output().await?;
    let _ = out;
    Ok(status)
}

async fn confirm(question: &str) -> bool {
    print!("{question} [y/N] ");
    io::stdout().flush().ok(); // expect: std::io::Stdout::flush
    let answer = tokio::task::spawn_blocking(|| {
        let mut s = String::new();
        io::stdin().read_line(&mut s).ok();
        s
    })
    .await
    .unwrap_or_default();
    answer.trim().eq_ignore_ascii_case("y")
}

async fn confirm_blocking(question: &str) -> bool {
    print!("{question} [y/N] ");
    let mut s = String::new();
    io::stdin().read_line(&mut s).ok(); // expect: std::io::Stdin::read_line
    s.trim() == "y"
}

#[tokio::main]
async fn main() -> Result<()> {
    let settings = load_settings().await?;
    let other = load_settings_right().await?;
    let (tx, rx) = watch::channel(false);
    let spinner = tokio::spawn(progress(rx));
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    std::thread::spawn(move || {
        while !stop2.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    run_git(&["fetch"]).await?;
    if confirm("continue?").await && confirm_blocking("really?").await {
        std::fs::create_dir_all(&settings.cache)?; // expect: std::fs::create_dir_all
    }
    tx.send(true).ok();
    spinner.await?;
    stop.store(true, Ordering::Relaxed);
    signal::ctrl_c().await?;
    let _ = other;
    Ok(())
}
