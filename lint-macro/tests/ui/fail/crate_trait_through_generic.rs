// A call through a generic bound runs one of the trait's impls: both block, so the call
// does.

trait Store {
    fn load_blob(&self) -> Vec<u8>;
}

struct Disk;
struct Archive;

impl Store for Disk {
    fn load_blob(&self) -> Vec<u8> {
        std::fs::read("blob.bin").unwrap_or_default()
    }
}

impl Store for Archive {
    fn load_blob(&self) -> Vec<u8> {
        std::fs::read("archive.bin").unwrap_or_default()
    }
}

#[blockwatch::no_blocking]
async fn blob<S: Store>(store: &S) -> usize {
    store.load_blob().len()
}

fn main() {
    let _ = blob(&Disk);
    let _ = Archive.load_blob();
}
