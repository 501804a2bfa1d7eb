// The attribute sees the whole crate: a sync helper in another module that reads a file
// blocks, so calling it from annotated async code is an error at the call, with the chain.

mod db {
    pub fn load_users() -> Vec<u8> {
        std::fs::read("users.db").unwrap_or_default()
    }
}

#[blockwatch::no_blocking]
async fn list_users() -> usize {
    db::load_users().len()
}

fn main() {
    let _ = list_users();
}
