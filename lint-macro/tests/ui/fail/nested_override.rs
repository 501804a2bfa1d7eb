// A method's own `#[no_blocking(..)]` takes over from the impl's: `warm_up` exempts its
// sleep, so only `poll_status` is reported, once.
struct Client;

#[blockwatch::no_blocking]
impl Client {
    #[blockwatch::no_blocking(exempt(std::thread::sleep))]
    async fn warm_up(&self) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }

    async fn poll_status(&self) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn main() {
    let _ = (Client.warm_up(), Client.poll_status());
}
