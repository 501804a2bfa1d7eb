//! Executors that run a future to completion on the thread that calls them: the body of
//! an `async` block handed to one runs where the call runs, not on an executor worker.

/// Names of fns and methods that poll the future given to them on the calling thread
/// until it completes (`futures::executor::block_on`, tokio's `Runtime::block_on` and
/// `Handle::block_on`, `pollster::block_on`, ...).
///
/// ```
/// assert!(blockwatch_lint::catalog::CALLER_THREAD_EXECUTORS.contains(&"block_on"));
/// ```
pub const CALLER_THREAD_EXECUTORS: &[&str] = &["block_on"];
