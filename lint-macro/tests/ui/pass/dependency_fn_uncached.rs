// A dependency fn that blocks, but no summary of it is cached: the attribute never runs
// cargo or reads dependencies itself, so it knows nothing to report (`cargo blockwatch`
// does).

#[blockwatch::no_blocking]
async fn settings() -> usize {
    blockwatch_fixture_uncached::load_settings().len()
}

fn main() {
    let _ = settings();
}
