// `#[tokio::main]` first, a clean body: compiles and runs.
#[tokio::main]
#[blockwatch::no_blocking]
async fn main() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
}
