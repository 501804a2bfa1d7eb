// A crate type whose `Drop` blocks, its name in no catalog, bound by `let _g = ..` in an
// annotated async fn with nothing else that blocks: the item's tokens hold no name that
// can start a finding, and the crate view still reports the drop.

struct Guard;

impl Guard {
    fn new() -> Guard {
        Guard
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[blockwatch::no_blocking]
async fn guarded() {
    let _g = Guard::new();
}

fn main() {
    let _ = guarded();
}
