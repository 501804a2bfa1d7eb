// `warn` reports findings as warnings; `deny(warnings)` (like `-D warnings` in CI) makes
// them errors, which is how this snapshot shows the warning text.
#![deny(warnings)]

#[blockwatch::no_blocking(warn)]
async fn slow() -> u32 {
    std::thread::sleep(std::time::Duration::from_secs(3));
    42
}

fn main() {
    let _ = slow();
}
