// A method reached through `self`: the annotated method is checked with the rest of its
// impl in view.

struct Cache;

impl Cache {
    fn reload_from_disk(&self) -> Vec<u8> {
        std::fs::read("cache.bin").unwrap_or_default()
    }

    #[blockwatch::no_blocking]
    async fn refresh(&self) -> usize {
        self.reload_from_disk().len()
    }
}

fn main() {
    let _ = Cache.refresh();
}
