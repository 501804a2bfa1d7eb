// Category `dns`, in an async closure.
#[blockwatch::no_blocking]
fn resolver() {
    let resolve = async |host: String| {
        use std::net::ToSocketAddrs;
        (host.as_str(), 443).to_socket_addrs().is_ok()
    };
    let _ = resolve(String::from("example.invalid"));
}

fn main() {
    resolver();
}
