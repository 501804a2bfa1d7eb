// Category `process`, in the `poll` fn of a hand-written future.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

struct Probe;

#[blockwatch::no_blocking]
impl Future for Probe {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<bool> {
        let status = std::process::Command::new("true").status();
        Poll::Ready(status.is_ok())
    }
}

fn main() {
    let _ = Probe;
}
