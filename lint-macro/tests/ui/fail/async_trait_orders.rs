// Both orders with `#[async_trait]`: before it (async methods) and after it (methods
// returning `Box::pin(async move { .. })`).
#[async_trait::async_trait]
trait Source {
    async fn read(&self) -> Vec<u8>;
}

struct First;
struct Second;

#[blockwatch::no_blocking]
#[async_trait::async_trait]
impl Source for First {
    async fn read(&self) -> Vec<u8> {
        std::fs::read("first.bin").unwrap_or_default()
    }
}

#[async_trait::async_trait]
#[blockwatch::no_blocking]
impl Source for Second {
    async fn read(&self) -> Vec<u8> {
        std::fs::read("second.bin").unwrap_or_default()
    }
}

fn main() {
    let _ = (First.read(), Second.read());
}
