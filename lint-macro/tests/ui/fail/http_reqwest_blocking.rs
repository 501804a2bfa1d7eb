// Category `http`: the blocking reqwest client (a local stand-in, no real dependency).
mod reqwest {
    pub mod blocking {
        pub fn get(url: &str) -> Result<String, ()> {
            Ok(url.to_owned())
        }
    }
}

#[blockwatch::no_blocking]
async fn fetch() -> Result<String, ()> {
    reqwest::blocking::get("https://example.invalid/")
}

fn main() {
    let _ = fetch();
}
