// The seed's spinner program: `slow()` blocks the executor with `std::thread::sleep`,
// so the spinner never turns. Under `#[no_blocking]` it does not compile.
use std::time::Duration;

#[blockwatch::no_blocking]
async fn slow() -> u32 {
    std::thread::sleep(Duration::from_secs(3));
    42
}

fn main() {
    let _ = slow();
}
