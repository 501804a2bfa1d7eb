// Calls that look like blocking APIs but are not: nothing is reported, and the program runs.
use std::path::Path;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Mutex};

#[blockwatch::no_blocking]
async fn lookalikes(lock: &Mutex<u32>) -> String {
    let started = Instant::now();
    let parts = ["a", "b"].join(",");
    let path = Path::new("/tmp").join("x");
    tokio::time::sleep(Duration::from_millis(1)).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1u32).unwrap();
    let got = rx.recv().await.unwrap_or_default();
    *lock.lock().await += got;
    let slept = tokio::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(1));
        1
    })
    .await
    .unwrap();
    let read = tokio::fs::read("/definitely/not/here").await.is_err();
    let handle = tokio::spawn(async { 2 });
    let joined = handle.await.unwrap();
    let _ = started.elapsed();
    format!("{parts} {} {slept} {read} {joined}", path.display())
}

#[tokio::main]
async fn main() {
    let lock = Mutex::new(0);
    let text = lookalikes(&lock).await;
    assert_eq!(text, "a,b /tmp/x 1 true 2");
    assert_eq!(*lock.lock().await, 1);
}
