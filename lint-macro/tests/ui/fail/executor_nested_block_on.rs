// Category `executor`: a nested `block_on` inside async code.
#[blockwatch::no_blocking]
async fn nested() -> u32 {
    tokio::runtime::Handle::current().block_on(async { 1 })
}

fn main() {
    let _ = nested();
}
