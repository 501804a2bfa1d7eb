// The attribute has no meaning on a struct.
#[blockwatch::no_blocking]
struct Settings {
    path: String,
}

fn main() {}
