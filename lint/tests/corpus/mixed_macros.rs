//! Macros everywhere: logging, assertions, select!, join!.
use std::fs;
use std::time::Duration;

use tokio::sync::oneshot;

pub async fn logged(path: &str) {
    tracing::info!(bytes = fs::metadata(path).map(|m| m.len()).unwrap_or(0), "file size"); // expect: std::fs::metadata
    log::debug!("contents: {}", fs::read_to_string(path).unwrap_or_default()); // expect: std::fs::read_to_string
    let msg = format!("{:?}", tokio::fs::metadata(path).await.ok());
    println!("{msg}");
    assert!(fs::exists(path).unwrap_or(false)); // expect: std::fs::exists
}

pub async fn race(rx: oneshot::Receiver<u8>, mut ticks: tokio::sync::mpsc::Receiver<()>) {
    tokio::select! {
        v = rx => {
            println!("{v:?}");
            std::thread::sleep(Duration::from_millis(1)); // expect: std::thread::sleep
        }
        Some(()) = ticks.recv() => {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
}

pub async fn both() {
    let (a, b) = tokio::join!(
        async { fs::read("a") }, // expect: std::fs::read
        tokio::fs::read("b"),
    );
    let _ = (a, b);
}

pub async fn generated() {
    let _tokens = quote::quote! { std::fs::read("x") };
    let _name = stringify!(std::thread::sleep);
    my_retry!(3, std::fs::remove_file("lock")); // expect: std::fs::remove_file
}

pub async fn escape_hatch() {
    #[blockwatch::allow_blocking(reason = "one-time startup read, before serving")]
    let cfg = fs::read_to_string("app.toml").unwrap_or_default();
    let _ = cfg;
}

pub async fn vec_of_reads() -> Vec<std::io::Result<Vec<u8>>> {
    vec![fs::read("a"), fs::read("b")] // expect: std::fs::read, std::fs::read
}
