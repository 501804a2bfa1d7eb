// When the crate view cannot cover an annotated item (here: a file brought in with
// `include!`, which no `mod` declaration reaches), each item is checked on its own: the
// first annotated item says so once, as a warning, and direct blocking calls are still
// errors. The helper call in `first` is not followed.

include!("support/included.rs");

fn main() {
    let _ = first();
    let _ = second();
}
