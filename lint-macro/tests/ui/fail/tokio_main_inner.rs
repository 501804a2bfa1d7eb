// `#[no_blocking]` first: it sees the async fn itself.
#[blockwatch::no_blocking]
#[tokio::main]
async fn main() {
    std::thread::sleep(std::time::Duration::from_millis(10));
}
