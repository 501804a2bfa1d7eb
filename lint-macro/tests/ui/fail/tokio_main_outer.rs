// `#[tokio::main]` first: `#[no_blocking]` sees tokio's expansion (a sync fn running the
// body as an async block) and still checks the body.
#[tokio::main]
#[blockwatch::no_blocking]
async fn main() {
    std::thread::sleep(std::time::Duration::from_millis(10));
}
