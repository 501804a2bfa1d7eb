//! The watchdog builder: thresholds, sinks, stack capture, allow-list, environment.
//! `start()` resolves it (environment applied, values checked) into the plain
//! [`Settings`] the watchdog runs with.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::StartError;
use crate::report::StallReport;
use crate::settings::{Callback, Console, Settings};
use crate::watchdog::Watchdog;

/// A poll holding its thread longer than this is a stall, unless configured otherwise.
pub const DEFAULT_THRESHOLD: Duration = Duration::from_millis(100);

/// How often the watchdog advances its clock and scans the threads.
pub const DEFAULT_SCAN_INTERVAL: Duration = Duration::from_millis(2);

/// The longest scan interval accepted: coarser scans make reports late and durations vague.
pub const MAX_SCAN_INTERVAL: Duration = Duration::from_millis(10);

/// How long the watchdog waits for a stuck thread to hand over its stack.
pub const DEFAULT_CAPTURE_TIMEOUT: Duration = Duration::from_millis(100);

/// How many reports [`Watchdog::reports`] keeps; later ones are counted as dropped.
pub const DEFAULT_MAX_REPORTS: usize = 10_000;

/// Environment variable: `1` enables the watchdog in any build, `0` disables it in any build.
pub const ENV_ENABLE: &str = "BLOCKWATCH";
/// Environment variable: the threshold in milliseconds, overriding the builder.
pub const ENV_THRESHOLD_MS: &str = "BLOCKWATCH_THRESHOLD_MS";
/// Environment variable: a path; every report is appended to it as one JSON line.
pub const ENV_REPORT: &str = "BLOCKWATCH_REPORT";

/// Configures and starts a [`Watchdog`].
///
/// ```
/// use std::time::Duration;
/// use blockwatch_watchdog::Watchdog;
///
/// let watchdog = Watchdog::builder()
///     .threshold(Duration::from_millis(50))
///     .on_stall(|report| eprintln!("{report}"))
///     .start()
///     .expect("watchdog");
/// drop(watchdog); // stops the thread and emits the summary
/// ```
#[derive(Clone)]
pub struct Builder {
    pub(crate) threshold: Duration,
    pub(crate) scan_interval: Duration,
    pub(crate) capture_timeout: Duration,
    pub(crate) enabled: Option<bool>,
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

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("threshold", &self.threshold)
            .field("scan_interval", &self.scan_interval)
            .field("enabled", &self.enabled)
            .field("console", &self.console)
            .field("json_path", &self.json_path)
            .field("capture_stacks", &self.capture_stacks)
            .field("stack_signal", &self.stack_signal)
            .field("allow", &self.allow)
            .finish_non_exhaustive()
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            threshold: DEFAULT_THRESHOLD,
            scan_interval: DEFAULT_SCAN_INTERVAL,
            capture_timeout: DEFAULT_CAPTURE_TIMEOUT,
            enabled: None,
            callback: None,
            console: Console::Auto,
            tracing: true,
            json_path: None,
            capture_stacks: true,
            stack_signal: None,
            allow: Vec::new(),
            max_reports: DEFAULT_MAX_REPORTS,
            summary_on_drop: true,
        }
    }
}

impl Builder {
    /// A builder with the defaults.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Builder::new();
    /// ```
    pub fn new() -> Builder {
        Builder::default()
    }

    /// A poll longer than this is a stall ([`DEFAULT_THRESHOLD`] by default;
    /// `BLOCKWATCH_THRESHOLD_MS` overrides it). Thresholds above 2^29 ms (6.2 days) act
    /// as 2^29 ms: the poll path dates polls with a truncated clock.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder()
    ///     .threshold(std::time::Duration::from_millis(20));
    /// ```
    pub fn threshold(mut self, threshold: Duration) -> Builder {
        self.threshold = threshold;
        self
    }

    /// How often to scan while a poll nears its threshold or a stall is being followed (at
    /// most [`MAX_SCAN_INTERVAL`]; [`DEFAULT_SCAN_INTERVAL`] by default). While every
    /// thread is idle or polls far from the threshold, the watchdog scans up to four times
    /// less often (never more than a tenth of the threshold apart).
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder()
    ///     .scan_interval(std::time::Duration::from_millis(5));
    /// ```
    pub fn scan_interval(mut self, interval: Duration) -> Builder {
        self.scan_interval = interval;
        self
    }

    /// How long to wait for a stuck thread's stack before reporting without it.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder()
    ///     .capture_timeout(std::time::Duration::from_millis(50));
    /// ```
    pub fn capture_timeout(mut self, timeout: Duration) -> Builder {
        self.capture_timeout = timeout;
        self
    }

    /// Turns the watchdog on or off. By default it runs in builds with debug assertions
    /// and not in release builds. `BLOCKWATCH=1` or `BLOCKWATCH=0` in the environment
    /// overrides both the default and this setting.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().enabled(false).start().unwrap();
    /// assert!(!watchdog.is_enabled());
    /// ```
    pub fn enabled(mut self, enabled: bool) -> Builder {
        self.enabled = Some(enabled);
        self
    }

    /// Calls `callback` with every report (live and final), on the watchdog's reporter
    /// thread. A panic in the callback is caught and ignored.
    ///
    /// Reports come at once, also while debug info is still loading (the first
    /// stalls of a fresh debug process): such a report has raw frames
    /// ([`StallReport::symbolized`] false), and the callback is called once more for the
    /// same stall with the symbolized stack ([`StallReport::update`] true). Count
    /// stalls on reports that are not updates.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder().on_stall(|report| {
    ///     if !report.update {
    ///         eprintln!("stall: {}", report.task);
    ///     }
    /// });
    /// ```
    pub fn on_stall<F>(mut self, callback: F) -> Builder
    where
        F: Fn(&StallReport) + Send + Sync + 'static,
    {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// Where human-readable reports are printed (see [`Console`]).
    ///
    /// ```
    /// use blockwatch_watchdog::{Console, Watchdog};
    /// let builder = Watchdog::builder().console(Console::Never);
    /// ```
    pub fn console(mut self, console: Console) -> Builder {
        self.console = console;
        self
    }

    /// Whether reports are emitted as `tracing` events (target `blockwatch`, level WARN).
    /// On by default.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder().tracing(false);
    /// ```
    pub fn tracing(mut self, enabled: bool) -> Builder {
        self.tracing = enabled;
        self
    }

    /// Appends every report, and the summary, to `path` as JSON lines (also set by
    /// `BLOCKWATCH_REPORT=path`).
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder()
    ///     .json_report(std::env::temp_dir().join("blockwatch.jsonl"));
    /// ```
    pub fn json_report(mut self, path: impl Into<PathBuf>) -> Builder {
        self.json_path = Some(path.into());
        self
    }

    /// Whether to capture the stack of blocked threads (Linux x86_64/aarch64). On by default.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder().capture_stacks(false);
    /// ```
    pub fn capture_stacks(mut self, capture: bool) -> Builder {
        self.capture_stacks = capture;
        self
    }

    /// The signal used to interrupt a blocked thread for its stack. The default is a
    /// real-time signal applications rarely use (`SIGRTMAX - 3`). A signal that already
    /// has a handler is refused, never taken over.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder().stack_signal(40);
    /// ```
    pub fn stack_signal(mut self, signal: i32) -> Builder {
        self.stack_signal = Some(signal);
        self
    }

    /// Never reports stalls of sites matching `pattern`: a task or function name
    /// (exact, or a `::`-suffix of it such as `"load_config"`), a file (`"src/db.rs"`,
    /// matching by suffix), or a file and line (`"src/db.rs:42"`). Allowed stalls are
    /// counted in the summary.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder()
    ///     .allow("startup::load_config")
    ///     .allow("src/migrations.rs");
    /// ```
    pub fn allow(mut self, pattern: impl Into<String>) -> Builder {
        self.allow.push(pattern.into());
        self
    }

    /// How many reports [`Watchdog::reports`] keeps ([`DEFAULT_MAX_REPORTS`]).
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder().max_reports(100);
    /// ```
    pub fn max_reports(mut self, max: usize) -> Builder {
        self.max_reports = max;
        self
    }

    /// Whether dropping the watchdog emits the summary (to the console and `tracing`,
    /// and the JSON file). On by default.
    ///
    /// ```
    /// let builder = blockwatch_watchdog::Watchdog::builder().summary_on_drop(false);
    /// ```
    pub fn summary_on_drop(mut self, emit: bool) -> Builder {
        self.summary_on_drop = emit;
        self
    }

    /// Starts the watchdog thread (or, when disabled, returns an inert handle).
    ///
    /// # Errors
    /// [`StartError::AlreadyRunning`] if another watchdog runs in this process; see
    /// [`StartError`] for the others.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().start()?;
    /// # Ok::<(), blockwatch_watchdog::StartError>(())
    /// ```
    pub fn start(self) -> Result<Watchdog, StartError> {
        Watchdog::start_with(self.resolve()?)
    }

    /// Applies the environment variables over the builder's settings, validates, and
    /// returns the settings the watchdog runs with.
    pub(crate) fn resolve(self) -> Result<Settings, StartError> {
        self.resolve_with(env_var)
    }

    /// [`Builder::resolve_environment`] with the variables read through `lookup`.
    fn resolve_with(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, StartError> {
        if let Some(value) = lookup(ENV_ENABLE) {
            self.enabled = Some(parse_switch(ENV_ENABLE, &value)?);
        }
        if let Some(value) = lookup(ENV_THRESHOLD_MS) {
            let millis: u64 = value
                .trim()
                .parse()
                .map_err(|_| StartError::InvalidSetting {
                    name: ENV_THRESHOLD_MS,
                    value: value.clone(),
                })?;
            self.threshold = Duration::from_millis(millis);
        }
        if let Some(value) = lookup(ENV_REPORT) {
            self.json_path = Some(PathBuf::from(value));
        }
        if self.threshold < Duration::from_millis(1) {
            return Err(StartError::InvalidSetting {
                name: "threshold",
                value: format!("{:?}", self.threshold),
            });
        }
        if self.scan_interval.is_zero() || self.scan_interval > MAX_SCAN_INTERVAL {
            return Err(StartError::InvalidSetting {
                name: "scan_interval",
                value: format!("{:?}", self.scan_interval),
            });
        }
        Ok(Settings {
            threshold: self.threshold,
            scan_interval: self.scan_interval,
            capture_timeout: self.capture_timeout,
            enabled: self.enabled.unwrap_or(cfg!(debug_assertions)),
            callback: self.callback,
            console: self.console,
            tracing: self.tracing,
            json_path: self.json_path,
            capture_stacks: self.capture_stacks,
            stack_signal: self.stack_signal,
            allow: self.allow,
            max_reports: self.max_reports,
            summary_on_drop: self.summary_on_drop,
        })
    }
}

impl Watchdog {
    /// A builder with the defaults.
    ///
    /// ```
    /// let watchdog = blockwatch_watchdog::Watchdog::builder().start();
    /// ```
    pub fn builder() -> Builder {
        Builder::new()
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

fn parse_switch(name: &'static str, value: &str) -> Result<bool, StartError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(StartError::InvalidSetting {
            name,
            value: value.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_parse_both_ways_and_reject_noise() {
        assert!(parse_switch(ENV_ENABLE, " ON ").unwrap());
        assert!(!parse_switch(ENV_ENABLE, "0").unwrap());
        assert!(matches!(
            parse_switch(ENV_ENABLE, "maybe"),
            Err(StartError::InvalidSetting {
                name: "BLOCKWATCH",
                ..
            })
        ));
    }

    fn environment(
        pairs: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_environment_overrides_the_builder() {
        let off = Builder::new().enabled(true);
        let off = off.resolve_with(environment(&[(ENV_ENABLE, "0")])).unwrap();
        assert!(!off.enabled, "BLOCKWATCH=0 wins over enabled(true)");

        let on = Builder::new().enabled(false);
        let on = on.resolve_with(environment(&[(ENV_ENABLE, "1")])).unwrap();
        assert!(on.enabled, "BLOCKWATCH=1 wins over enabled(false)");

        let tuned = Builder::new().threshold(Duration::from_secs(1));
        let tuned = tuned
            .resolve_with(environment(&[
                (ENV_THRESHOLD_MS, "250"),
                (ENV_REPORT, "/tmp/stalls.jsonl"),
            ]))
            .unwrap();
        assert_eq!(tuned.threshold, Duration::from_millis(250));
        assert_eq!(tuned.json_path, Some(PathBuf::from("/tmp/stalls.jsonl")));

        let default = Builder::new().resolve_with(environment(&[])).unwrap();
        assert_eq!(default.enabled, cfg!(debug_assertions));
        assert_eq!(default.threshold, DEFAULT_THRESHOLD);
    }

    #[test]
    fn a_bad_threshold_in_the_environment_is_an_error() {
        let result = Builder::new().resolve_with(environment(&[(ENV_THRESHOLD_MS, "fast")]));
        assert!(matches!(
            result,
            Err(StartError::InvalidSetting {
                name: ENV_THRESHOLD_MS,
                ..
            })
        ));
    }

    #[test]
    fn bad_intervals_and_thresholds_are_errors() {
        let too_coarse = Builder::new().scan_interval(Duration::from_millis(50));
        assert!(matches!(
            too_coarse.resolve_with(environment(&[])),
            Err(StartError::InvalidSetting {
                name: "scan_interval",
                ..
            })
        ));
        let zero = Builder::new().threshold(Duration::ZERO);
        assert!(matches!(
            zero.resolve_with(environment(&[])),
            Err(StartError::InvalidSetting {
                name: "threshold",
                ..
            })
        ));
    }
}
