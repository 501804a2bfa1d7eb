// Category `fs`, in an async method; the attribute is on the method inside the impl.
struct Store;

impl Store {
    #[blockwatch::no_blocking]
    async fn load(&self) -> String {
        std::fs::read_to_string("settings.toml").unwrap_or_default()
    }
}

fn main() {
    let _ = Store.load();
}
