// `#[blockwatch::main]` takes tokio's runtime options, checked where they are written.
// On a bad option the fn is still emitted (with the default options), so the error is
// the only one: no "`main` function not found", no "`main` cannot be async".
#[blockwatch::main(threads = 2)]
async fn main() {}

#[blockwatch::main(flavor = "current_thread", worker_threads = 2)]
async fn threads_on_current_thread() -> u32 {
    1
}

#[blockwatch::main(flavor = "local")]
async fn unknown_flavor() {}

#[blockwatch::main]
fn not_async() {}

// The fns above stay callable as the sync fns the attribute makes of them.
fn uses() {
    let _: u32 = threads_on_current_thread();
    let () = unknown_flavor();
    not_async();
}
