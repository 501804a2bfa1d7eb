//! The attribute follows calls into the crate: `handle()` looks clean, but the sync
//! helper it calls reads a file, and `#[no_blocking]` reports the call with the chain
//! down to the blocking API.
//!
//! ```text
//! cargo run --example helper_chain
//! ```

mod settings {
    /// Reads the greeting from disk: fine in sync code, a stall on an executor thread.
    pub fn greeting() -> String {
        std::fs::read_to_string("greeting.txt").unwrap_or_else(|_| "hello".to_string())
    }
}

/// `warn` makes the finding a warning (the default would fail the build); clippy runs
/// of the repository's lint gate accept the deliberate finding.
#[blockwatch::no_blocking(warn, watch = false)]
#[cfg_attr(clippy, allow(deprecated))]
async fn handle() -> String {
    let greeting = settings::greeting();
    format!("{greeting}, world")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("{}", handle().await);
}
