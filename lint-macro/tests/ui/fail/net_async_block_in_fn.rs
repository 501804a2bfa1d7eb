// Category `net`, in an async block of a plain fn.
use std::future::Future;

#[blockwatch::no_blocking]
fn connect() -> impl Future<Output = bool> {
    async { std::net::TcpStream::connect("127.0.0.1:8080").is_ok() }
}

fn main() {
    let _ = connect();
}
