//! The settings a watchdog runs with: what `Builder::start` resolves the builder into,
//! with the environment applied and every value checked. The watchdog, its scanner and
//! its sinks read this plain value and never the builder.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::report::StallReport;

/// The `on_stall` callback.
pub(crate) type Callback = Arc<dyn Fn(&StallReport) + Send + Sync>;

/// Where human-readable reports go, besides `tracing`.
///
/// ```
/// use blockwatch_watchdog::{Console, Watchdog};
/// let builder = Watchdog::builder().console(Console::Always);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Console {
    /// Print to stderr whenever the current `tracing` subscriber would not record the
    /// event (target `blockwatch`, at its level), so a program with no subscriber, or
    /// one filtered at ERROR, still sees its reports and summary.
    #[default]
    Auto,
    /// Always print to stderr.
    Always,
    /// Never print to stderr.
    Never,
}

/// A resolved [`Builder`](crate::Builder).
pub(crate) struct Settings {
    pub(crate) threshold: Duration,
    pub(crate) scan_interval: Duration,
    pub(crate) capture_timeout: Duration,
    pub(crate) enabled: bool,
    pub(crate) callback: Option<Callback>,
    pub(crate) console: Console,
    pub(crate) tracing: bool,
    pub(crate) json_path: Option<PathBuf>,
    pub(crate) capture_stacks: bool,
    pub(crate) stack_signal: Option<i32>,
    pub(crate) allow: Vec<String>,
    pub(crate) max_reports: usize,
    pub(crate) summary_on_drop: bool,
}
