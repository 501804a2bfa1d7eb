//! cargo blockwatch.
fn main() {}
