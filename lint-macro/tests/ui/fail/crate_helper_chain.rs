// A chain of three helpers down to `std::thread::sleep`: every step is in the note.

fn retry() {
    backoff();
}

fn backoff() {
    pause();
}

fn pause() {
    std::thread::sleep(std::time::Duration::from_millis(50));
}

#[blockwatch::no_blocking]
async fn reconnect() {
    retry();
}

fn main() {
    let _ = reconnect();
}
