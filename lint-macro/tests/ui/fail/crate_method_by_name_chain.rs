// A method matched by its name alone (the receiver's type is unknown): a `method-shape`
// finding, shown with its chain and advice as a transitive one is.

struct Store;

impl Store {
    fn fetch_rows_now(&self) -> Vec<u8> {
        std::fs::read("rows.bin").unwrap_or_default()
    }
}

fn open() -> Store {
    Store
}

#[blockwatch::no_blocking]
async fn rows() -> usize {
    let source = std::convert::identity(open());
    source.fetch_rows_now().len()
}

fn main() {
    let _ = rows();
}
