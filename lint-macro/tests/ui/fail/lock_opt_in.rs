// Category `lock` is opt-in: `enable(lock)` reports `std::sync::Mutex::lock` in async code.
use std::sync::Mutex;

#[blockwatch::no_blocking(enable(lock))]
async fn bump(counter: &Mutex<u32>) {
    let mut guard = counter.lock().unwrap();
    *guard += 1;
}

fn main() {
    let counter = Mutex::new(0);
    let _ = bump(&counter);
}
