// `sleep` is imported outside the item, where the attribute cannot see: the finding says
// what it could be, because the call is not awaited.
use std::thread::sleep;
use std::time::Duration;

#[blockwatch::no_blocking]
async fn poll_again() {
    sleep(Duration::from_millis(100));
}

fn main() {
    let _ = poll_again();
}
