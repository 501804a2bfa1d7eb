//! The watchdog on an axum service: one attribute and one layer.
//!
//! `#[blockwatch::main]` in place of `#[tokio::main]` starts the watchdog before the
//! runtime; `WatchLayer` watches each request's future (axum spawns the connection
//! tasks itself, which nothing else watches on stable Rust) and names it by method and
//! route. The `/invoice/{id}` handler calls a sync helper that blocks its worker for
//! 300 ms; the watchdog reports it while the request is still blocked.
//!
//! Run it with `cargo run --example axum_server`: it serves on 127.0.0.1, sends itself
//! one request, as `curl` would, and exits.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use axum::extract::Path;
use axum::routing::get;
use axum::Router;
use blockwatch::WatchLayer;

/// A sync helper that blocks, as a PDF renderer or a sync database client would.
#[inline(never)]
fn render_invoice(id: u32) -> String {
    std::thread::sleep(Duration::from_millis(300));
    format!("invoice {id}: 3 items, 42.00 EUR")
}

async fn invoice(Path(id): Path<u32>) -> String {
    render_invoice(id)
}

/// One HTTP/1.1 GET over a plain socket.
fn fetch(address: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned())
}

#[blockwatch::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/invoice/{id}", get(invoice))
        .layer(WatchLayer::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let body = tokio::task::spawn_blocking(move || fetch(address, "/invoice/7")).await??;
    println!("GET /invoice/7 -> {body}");
    Ok(())
}
