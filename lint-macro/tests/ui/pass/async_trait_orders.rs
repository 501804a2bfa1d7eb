// Both orders with `#[async_trait]`, clean bodies: compiles and runs.
const MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");

#[async_trait::async_trait]
trait Source {
    async fn read(&self) -> usize;
}

struct First;
struct Second;

#[blockwatch::no_blocking]
#[async_trait::async_trait]
impl Source for First {
    async fn read(&self) -> usize {
        tokio::fs::read(MANIFEST)
            .await
            .map(|b| b.len())
            .unwrap_or_default()
    }
}

#[async_trait::async_trait]
#[blockwatch::no_blocking]
impl Source for Second {
    async fn read(&self) -> usize {
        tokio::task::yield_now().await;
        2
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert!(First.read().await > 0);
    assert_eq!(Second.read().await, 2);
}
