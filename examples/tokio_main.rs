//! The watchdog in one line: `#[blockwatch::main]` in place of `#[tokio::main]`.
//!
//! The attribute starts the watchdog before the runtime and watches the main future
//! under the fn's name. Here the main future starts a service and calls
//! `load_settings`, a sync helper that blocks its worker for 300 ms, as a read from a
//! slow disk or a sync HTTP client would: the watchdog reports it while it blocks, and
//! prints its summary when `main` returns.
//!
//! Run it with `cargo run --example tokio_main`.

use std::time::Duration;

/// A sync helper that blocks, as `std::fs::read_to_string` on a slow disk would.
#[inline(never)]
fn load_settings() -> String {
    std::thread::sleep(Duration::from_millis(300));
    "listen = 127.0.0.1:8080".to_owned()
}

#[blockwatch::main] // was: #[tokio::main]
async fn main() {
    let settings = load_settings();
    println!("settings: {settings}");
}
