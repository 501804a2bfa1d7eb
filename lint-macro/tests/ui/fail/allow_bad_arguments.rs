// The escape hatch takes only `reason = "..."`.
#[blockwatch::no_blocking]
async fn startup() {
    #[blockwatch::allow_blocking(because = "runs once")]
    let _ = std::fs::read_to_string("Cargo.toml");
}

#[blockwatch::allow_blocking(reason = "")]
fn outside() {}

fn main() {
    let _ = startup();
    outside();
}
