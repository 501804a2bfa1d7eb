// `#[blockwatch::main]` keeps tokio's options and stacks with `#[no_blocking]` in both
// orders; the fns it makes are plain sync fns that run their own runtime.
#[blockwatch::main(flavor = "current_thread")]
#[blockwatch::no_blocking]
async fn main_then_check() -> Result<u32, std::num::ParseIntError> {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    let value: u32 = "41".parse()?;
    Ok(value + 1)
}

#[blockwatch::no_blocking]
#[blockwatch::main(worker_threads = 1)]
async fn check_then_main() -> usize {
    tokio::runtime::Handle::current().metrics().num_workers()
}

fn main() {
    assert_eq!(main_then_check(), Ok(42));
    assert_eq!(check_then_main(), 1);
}
