// Category `thread`, in an async fn of an inline module.
#[blockwatch::no_blocking]
mod workers {
    pub async fn run() -> u32 {
        let handle = std::thread::spawn(|| 1 + 1);
        handle.join().unwrap()
    }
}

fn main() {
    let _ = workers::run();
}
