// A method-shaped finding in a multi-line builder chain: the error points at `.output()`,
// not at the start of the chain.
use std::process::Command;

#[blockwatch::no_blocking]
async fn git_version() -> bool {
    Command::new("git")
        .arg("--version")
        .env("LC_ALL", "C")
        .output()
        .is_ok()
}

fn main() {
    let _ = git_version();
}
