// The escape hatch covers its own statement or expression, nothing after it.
#[blockwatch::no_blocking]
async fn startup() -> usize {
    #[blockwatch::allow_blocking(reason = "read once before serving")]
    let config = std::fs::read_to_string("app.toml").unwrap_or_default();
    let cache = std::fs::read_to_string("cache.toml").unwrap_or_default();
    config.len() + cache.len()
}

fn main() {
    let _ = startup();
}
