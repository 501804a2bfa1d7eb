// Category `tokio-blocking`: tokio's `blocking_*` methods panic inside a runtime.
#[blockwatch::no_blocking]
async fn consume(mut rx: tokio::sync::mpsc::Receiver<u32>) -> Option<u32> {
    rx.blocking_recv()
}

fn main() {
    let _ = consume;
}
