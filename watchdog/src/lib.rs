//! The runtime watchdog of blockwatch: live reports of tasks that hold an executor
//! thread too long, with the stack of the blocking code.
//!
//! A [`Watchdog`] runs one OS thread. It owns a coarse clock, and every few milliseconds
//! (more often as a poll nears the threshold) scans one slot per thread that polls
//! instrumented futures. A poll busy
//! longer than the threshold is reported while it is still running (with the stack of
//! the blocking code, captured by signalling the thread on Linux), and once more when it
//! returns, with its final duration.
//!
//! Instrumentation, all feeding the same slots:
//! - [`spawn`], [`spawn_named`] and [`WatchExt::watched`]: a future wrapper that works on
//!   stable tokio and any executor;
//! - `#[blockwatch::no_blocking]` wraps the async fns it checks;
//! - with `--cfg tokio_unstable`, [`instrument`] installs tokio's task poll hooks
//!   and covers every task of a runtime (without the cfg it warns once and does
//!   nothing);
//! - `#[blockwatch::main]` and `#[blockwatch::test]` (in the `blockwatch` facade) start
//!   the watchdog, watch the main future and build the runtime through [`instrument`].
//!
//! Blocking that is meant goes through [`block_in_place`], or on the builder's
//! [`allow`](Builder::allow) list.
//!
//! Reports go to `tracing` (target `blockwatch`, WARN), to stderr when the current
//! subscriber would not record them, to a JSON-lines file (`BLOCKWATCH_REPORT=path`), to
//! a callback, to [`Watchdog::reports`], and (feature `metrics`) to the `metrics`
//! facade. While debug info is still loading, every sink gets a stall at once with raw
//! frames (object and offset), and an update with the symbolized stack after
//! ([`StallReport::update`]); [`Watchdog::reports`] keeps each report once, with its
//! names. Dropping the
//! watchdog emits a [`Summary`]; a watchdog that watched nothing says so, once.
//!
//! Frameworks (feature `tower`): `WatchLayer` watches each request of a tower service,
//! named by method and route (axum's matched route with feature `axum`).
//!
//! Stacks: interrupted system calls keep their meaning (`SA_RESTART`;
//! `std::thread::sleep` sleeps its full time), but a raw `libc::nanosleep` returns
//! `EINTR` when the watchdog takes a stack, as with any signal. For readable stacks in
//! optimized builds, set `debug = "line-tables-only"` in the profile.
//!
//! ```
//! use std::time::Duration;
//! use blockwatch_watchdog::Watchdog;
//!
//! let watchdog = Watchdog::builder()
//!     .threshold(Duration::from_millis(50))
//!     .enabled(true)
//!     .console(blockwatch_watchdog::Console::Never)
//!     .start()
//!     .unwrap();
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! runtime.block_on(async {
//!     blockwatch_watchdog::spawn(async {
//!         std::thread::sleep(Duration::from_millis(200)); // blocks the only worker
//!     })
//!     .await
//!     .unwrap();
//! });
//! // A stall, unless `BLOCKWATCH=0` in the environment switched the watchdog off.
//! assert_eq!(watchdog.check().is_err(), watchdog.is_enabled());
//! ```
#![warn(missing_docs)]

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
mod allow;
mod blame;
// The handler side of the buffer is unused where stacks are not supported.
#[cfg_attr(
    not(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )),
    allow(dead_code)
)]
mod capture_buffer;
mod clock;
mod config;
mod coverage;
mod error;
mod exempt;
// Without tokio's hooks only its tests and the slot release use the hooked poll path.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
mod hook_poll;
mod hooks;
#[cfg(feature = "tower")]
mod layer;
mod local;
#[cfg(feature = "metrics")]
mod metrics;
mod notice;
mod origin;
mod poll_count;
mod poll_guard;
mod poll_words;
mod report;
mod reporter;
mod scanner;
mod scans;
mod scope;
mod settings;
mod shared;
mod sinks;
mod slot;
mod source_root;
mod stack;
mod state_word;
mod summary;
mod task_id;
mod thread_identity;
mod watchdog;
mod watched;

pub use config::{
    Builder, DEFAULT_CAPTURE_TIMEOUT, DEFAULT_MAX_REPORTS, DEFAULT_SCAN_INTERVAL,
    DEFAULT_THRESHOLD, ENV_ENABLE, ENV_REPORT, ENV_THRESHOLD_MS, MAX_SCAN_INTERVAL,
};
pub use error::{Stalls, StartError};
pub use exempt::block_in_place;
pub use hooks::instrument;
#[cfg(feature = "tower")]
pub use layer::{WatchLayer, WatchService, MAX_RAW_PATHS};
#[cfg(feature = "metrics")]
pub use metrics::{BLOCKED_SECONDS, STALLS_TOTAL};
pub use report::{Frame, StallReport};
pub use settings::Console;
pub use summary::{SiteSummary, Summary};
pub use watchdog::Watchdog;
pub use watched::{spawn, spawn_named, WatchExt, Watched};
