//! Errors: starting a watchdog, and stalls found by a check.

use std::fmt;

use crate::report::StallReport;

/// Why a watchdog could not start.
///
/// ```
/// use blockwatch_watchdog::{StartError, Watchdog};
/// match Watchdog::builder().start() {
///     Ok(_watchdog) => {}
///     Err(StartError::AlreadyRunning) => eprintln!("one watchdog per process"),
///     Err(other) => eprintln!("{other}"),
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// Another watchdog is running in this process. There is one watchdog thread per
    /// process: keep the first handle, or drop it before starting a new one.
    AlreadyRunning,
    /// The stack-capture signal cannot be used. Pick another with
    /// `Builder::stack_signal`, or turn stacks off with `Builder::capture_stacks(false)`.
    SignalInUse {
        /// The signal number.
        signal: i32,
        /// What is in the way.
        reason: String,
    },
    /// A setting (from the builder or the environment) has a value that cannot work.
    InvalidSetting {
        /// The setting or environment variable.
        name: &'static str,
        /// The value given.
        value: String,
    },
    /// The JSON-lines report file could not be opened.
    ReportFile(std::io::Error),
    /// The watchdog's threads could not be spawned.
    Spawn(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::AlreadyRunning => f.write_str(
                "a blockwatch watchdog is already running in this process (one per process)",
            ),
            StartError::SignalInUse { signal, reason } => write!(
                f,
                "cannot capture stacks with signal {signal}: {reason}; choose another with \
                 `stack_signal` or disable stacks with `capture_stacks(false)`"
            ),
            StartError::InvalidSetting { name, value } => {
                write!(f, "invalid value for {name}: {value:?}")
            }
            StartError::ReportFile(error) => write!(f, "cannot open the report file: {error}"),
            StartError::Spawn(error) => write!(f, "cannot spawn the watchdog thread: {error}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::ReportFile(error) | StartError::Spawn(error) => Some(error),
            _ => None,
        }
    }
}

/// Stalls found by [`Watchdog::check`](crate::Watchdog::check).
///
/// ```
/// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
/// if let Err(stalls) = watchdog.check() {
///     for report in stalls.reports() {
///         eprintln!("{report}");
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Stalls {
    reports: Vec<StallReport>,
}

impl Stalls {
    pub(crate) fn new(reports: Vec<StallReport>) -> Stalls {
        Stalls { reports }
    }

    /// Every report, live and final, in the order they were made.
    pub fn reports(&self) -> &[StallReport] {
        &self.reports
    }
}

impl fmt::Display for Stalls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "blockwatch: {} report(s) of tasks blocking an executor thread:",
            self.reports.len()
        )?;
        for report in &self.reports {
            write!(f, "\n- {report}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Stalls {}
