//! An axum-style web service with a mix of correct and blocking handlers.
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Mutex, RwLock};
use tokio::time::sleep;

pub struct AppState {
    cache: RwLock<HashMap<String, String>>,
    root: PathBuf,
    tx: mpsc::Sender<String>,
    jobs: Mutex<Vec<u64>>,
}

pub async fn index(state: Arc<AppState>) -> String {
    let started = Instant::now();
    let cached = state.cache.read().await.get("index").cloned();
    if let Some(page) = cached {
        return page;
    }
    let page = fs::read_to_string(state.root.join("index.html")).unwrap_or_default(); // expect: std::fs::read_to_string
    state.cache.write().await.insert("index".into(), page.clone());
    tracing::debug!(elapsed = ?started.elapsed(), "rendered index");
    page
}

pub async fn upload(state: Arc<AppState>, name: String, body: Vec<u8>) -> Result<(), String> {
    let dest = state.root.join("uploads").join(&name);
    tokio::fs::write(&dest, &body).await.map_err(|e| e.to_string())?;
    state.tx.send(name.clone()).await.map_err(|e| e.to_string())?;
    let names: Vec<String> = vec![name, "x".into()];
    let joined = names.join(",");
    tracing::info!(%joined, "stored upload");
    Ok(())
}

pub async fn thumbnails(state: Arc<AppState>, name: String) -> Vec<u8> {
    let src = state.root.join(&name);
    tokio::task::spawn_blocking(move || {
        let bytes = fs::read(&src).unwrap_or_default();
        std::thread::sleep(Duration::from_millis(5));
        bytes
    })
    .await
    .unwrap_or_default()
}

pub async fn stats(state: Arc<AppState>) -> usize {
    let dir = state.root.clone();
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap() { // expect: std::fs::read_dir
        let _ = entry;
        count += 1;
    }
    if Path::new("/etc/maintenance").exists() { // expect: std::path::Path::exists
        sleep(Duration::from_secs(1)).await;
    }
    count
}

pub async fn retry_later(state: Arc<AppState>) {
    let mut jobs = state.jobs.lock().await;
    jobs.push(1);
    drop(jobs);
    std::thread::sleep(Duration::from_millis(100)); // expect: std::thread::sleep
}

pub fn load_config_sync(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn index_renders() {
        let dir = std::env::temp_dir();
        fs::write(dir.join("index.html"), "hi").unwrap(); // expect: std::fs::write
        assert_eq!(load_config_sync(&dir.join("index.html")), "hi");
    }
}
