// The escape hatch on a statement and on an expression, with and without a reason; and the
// attribute on an item outside `#[no_blocking]`, where rustc expands it itself.
const MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");

#[blockwatch::no_blocking]
async fn startup() -> usize {
    #[blockwatch::allow_blocking(reason = "runs once before serving")]
    let manifest = std::fs::read_to_string(MANIFEST).unwrap_or_default();
    #[blockwatch::allow_blocking]
    std::thread::sleep(std::time::Duration::from_millis(1));
    let size = byte_len(
        #[blockwatch::allow_blocking(reason = "tiny file")]
        std::fs::read(MANIFEST),
    );
    manifest.len() + size
}

fn byte_len(bytes: std::io::Result<Vec<u8>>) -> usize {
    bytes.map(|b| b.len()).unwrap_or_default()
}

#[blockwatch::allow_blocking(reason = "a sync helper, called from spawn_blocking")]
fn helper() -> u32 {
    7
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert!(startup().await > 0);
    assert_eq!(helper(), 7);
}
