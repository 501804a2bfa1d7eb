// Category `sleep`, resolved through a `use` inside the fn.
#[blockwatch::no_blocking]
async fn retry_later() {
    use std::thread;
    thread::sleep(std::time::Duration::from_millis(250));
}

fn main() {
    let _ = retry_later();
}
