//! `block_in_place`: blocking that is meant, and told to the runtime.

/// Runs blocking `f` through `tokio::task::block_in_place`, and tells the watchdog not
/// to report it: the runtime moves its other tasks to another worker meanwhile, but the
/// poll does not return, so without this the watchdog would see a stall. Exempt polls
/// are counted in the summary.
///
/// Like tokio's, it panics on a current-thread runtime.
///
/// ```
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() {
/// let text = blockwatch_watchdog::block_in_place(|| std::fs::read_to_string("Cargo.toml"));
/// # }
/// ```
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    let _exempt = crate::poll_guard::ExemptGuard::enter();
    tokio::task::block_in_place(f)
}
