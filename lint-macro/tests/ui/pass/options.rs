// `disable`, `exempt` and `watch = false` remove findings and the wrapper.
const MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");

#[blockwatch::no_blocking(disable(fs))]
async fn config_size() -> usize {
    std::fs::read(MANIFEST).map(|b| b.len()).unwrap_or_default()
}

#[blockwatch::no_blocking(exempt(std::fs::metadata), watch = false)]
async fn exists() -> bool {
    std::fs::metadata(MANIFEST).is_ok()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert!(config_size().await > 0);
    assert!(exists().await);
}
