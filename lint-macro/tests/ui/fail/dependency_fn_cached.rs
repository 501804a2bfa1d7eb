// A dependency fn that blocks, known from the summary cache `cargo blockwatch` left
// (tests/dependency_cache_setup.rs writes it): a finding at the call, with the chain into
// the dependency.

#[blockwatch::no_blocking]
async fn settings() -> usize {
    blockwatch_fixture_store::load_settings().len()
}

fn main() {
    let _ = settings();
}
