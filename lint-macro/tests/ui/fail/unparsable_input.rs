// Input syn cannot read comes back unchanged: rustc's own error shows.
#[blockwatch::no_blocking]
async fn broken(x: ) {}

fn main() {}
