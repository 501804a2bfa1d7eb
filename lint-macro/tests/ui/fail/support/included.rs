// Included with `include!`: no `mod` declaration reaches this file, so the crate view
// does not cover it.

#[blockwatch::no_blocking]
async fn first() {
    helper();
}

#[blockwatch::no_blocking]
async fn second() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}

fn helper() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}
