//! Async code full of names that look like blocking APIs but are not.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::fs::{self, File};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::{Barrier, Mutex, Notify};
use tokio::time::{sleep, timeout, Duration};

pub async fn all_async(root: PathBuf, barrier: Arc<Barrier>, notify: Arc<Notify>) -> std::io::Result<()> {
    let text = fs::read_to_string(root.join("a.txt")).await?;
    let mut f = File::open(root.join("b.txt")).await?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).await?;
    let out = Command::new("ls").arg("-l").output().await?;
    let status = Command::new("true").status().await?;
    let mut child = Command::new("sleep").arg("0").spawn()?;
    child.wait().await?;
    barrier.wait().await;
    notify.notified().await;
    sleep(Duration::from_millis(1)).await;
    timeout(Duration::from_secs(1), sleep(Duration::from_millis(1))).await.ok();
    let m = Mutex::new(HashMap::<String, u32>::new());
    m.lock().await.insert(text.clone(), 1);
    let parts = vec!["a", "b"];
    let joined = parts.join("/");
    let path = root.join(&joined);
    let handle = tokio::spawn(async move { 1 });
    let v = handle.await.unwrap();
    let h2 = tokio::task::spawn(async { 2 });
    let w = h2.await.unwrap();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let first = lines.next_line().await?;
    let start = std::time::Instant::now();
    let elapsed = start.elapsed();
    let _ = (out, status, path, v, w, first, elapsed, buf);
    Ok(())
}

pub async fn channels() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();
    tx.send(1).unwrap();
    let (stx, srx) = std::sync::mpsc::channel::<u8>();
    stx.send(2).unwrap();
    let _ = srx;
    while let Some(v) = rx.recv().await {
        let _ = v;
    }
    let (btx, mut brx) = tokio::sync::broadcast::channel::<u8>(4);
    btx.send(3).ok();
    brx.recv().await.ok();
}

pub async fn iterators(words: Vec<String>) -> String {
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    let set: std::collections::HashSet<&String> = upper.iter().collect();
    let exists = set.contains(&"A".to_string());
    let out = format!("{}{}", upper.join(" "), exists);
    out.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

fn sleep_ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

pub async fn local_helpers() {
    sleep(sleep_ms(1)).await;
    let read = |s: &str| s.len();
    let _ = read("x");
}

pub fn sync_world() {
    std::thread::sleep(std::time::Duration::from_millis(1));
    let _ = std::fs::read("x");
    let _ = std::process::Command::new("ls").output();
}
