// Unknown options are rejected with the list of valid ones.
#[blockwatch::no_blocking(loud)]
async fn a() {}

#[blockwatch::no_blocking(disable(locks))]
async fn b() {}

#[blockwatch::no_blocking(watch = "no")]
async fn c() {}

fn main() {
    let _ = (a(), b(), c());
}
