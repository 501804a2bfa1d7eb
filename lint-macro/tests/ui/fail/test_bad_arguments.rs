// `#[blockwatch::test]` takes tokio's runtime options, checked where they are written.
#[blockwatch::test(threads = 2)]
async fn unknown_option() {}

#[blockwatch::test(worker_threads = 2)]
async fn threads_without_multi_thread() {}

#[blockwatch::test]
fn not_async() {}

// On a bad option the test fn is still emitted, as a sync fn with the default options:
// nothing else is reported about it.
fn uses() {
    let () = unknown_option();
    let () = threads_without_multi_thread();
}

fn main() {}
