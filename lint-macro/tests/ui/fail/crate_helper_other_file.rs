// A helper in another file of the crate: the chain names the file and line of the
// blocking call.

#[path = "support/config.rs"]
mod config;

#[blockwatch::no_blocking]
async fn startup() -> usize {
    config::settings().len()
}

fn main() {
    let _ = startup();
}
