//! blockwatch: find code that blocks an async executor.
//!
//! Two halves share one goal:
//! - [`no_blocking`]: an attribute that rejects known blocking calls inside async code
//!   at compile time, naming the async replacement.
//! - [`Watchdog`]: a runtime watchdog thread that reports, while it happens, a task that
//!   holds a worker thread too long, with the stack of the blocking code. [`main`] (in
//!   place of `#[tokio::main]`) and [`test`] turn it on in one line; with feature `tower`,
//!   `WatchLayer` covers the handlers of axum, tonic and hyper-util services.
//!
//! ```
//! #[blockwatch::no_blocking]
//! async fn fetch() -> u32 {
//!     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
//!     42
//! }
//! ```
#![warn(missing_docs)]

pub use blockwatch_macros::{allow_blocking, main, no_blocking, test};
pub use blockwatch_watchdog::*;
