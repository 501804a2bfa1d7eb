// Category `db`: the synchronous postgres client (a local stand-in, no real dependency).
mod postgres {
    pub struct Client;

    impl Client {
        pub fn connect(_params: &str) -> Result<Client, ()> {
            Ok(Client)
        }
    }
}

#[blockwatch::no_blocking]
async fn users() -> bool {
    postgres::Client::connect("host=localhost user=app").is_ok()
}

fn main() {
    let _ = users();
}
