// `#[no_blocking]` first, a clean body: compiles and runs, with the watchdog wrapper.
#[blockwatch::no_blocking]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), std::num::ParseIntError> {
    let n: u32 = "42".parse()?;
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    assert_eq!(n, 42);
    Ok(())
}
