// Category `sync`, in `tokio::spawn(async move { .. })` inside a plain fn.
use std::sync::{Arc, Barrier};

#[blockwatch::no_blocking]
fn start(barrier: Arc<Barrier>) {
    tokio::spawn(async move {
        barrier.wait();
    });
}

fn main() {
    let _ = start;
}
