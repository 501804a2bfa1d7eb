//! What the scanner reports, independent of the output format.

use blockwatch_lint::Finding;

/// One blocking call in async context, located in a scanned file: the engine's finding
/// type, which every renderer reads.
pub(crate) type Diagnostic = Finding;

/// A finding suppressed by an `allow` entry of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Allowed {
    /// The suppressed finding.
    pub(crate) diagnostic: Diagnostic,
    /// The reason given in the `allow` entry.
    pub(crate) reason: String,
}

/// Input that could not be scanned: the scan goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError {
    /// The path, as given or relative to the scanned root.
    pub(crate) path: String,
    /// 1-based line, for syntax errors.
    pub(crate) line: Option<usize>,
    /// 1-based column, for syntax errors.
    pub(crate) column: Option<usize>,
    /// What went wrong.
    pub(crate) message: String,
}

impl InputError {
    /// An error about a whole path.
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// `path:line:col: message`, or `path: message`.
    pub(crate) fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// The result of a scan, ready to be rendered.
#[derive(Debug, Clone, Default)]
pub(crate) struct Report {
    /// The findings, sorted by file, line and column.
    pub(crate) findings: Vec<Diagnostic>,
    /// Findings suppressed by `allow` entries.
    pub(crate) allowed: Vec<Allowed>,
    /// Inputs that could not be scanned.
    pub(crate) errors: Vec<InputError>,
    /// How many source files were analysed.
    pub(crate) files_scanned: usize,
    /// Whether test-code findings are reported under the category `test`.
    pub(crate) separate_tests: bool,
    /// How many dependency crates were analysed.
    pub(crate) dependencies: usize,
    /// How many of them were read from the cache.
    pub(crate) dependencies_cached: usize,
    /// How many of them the workspace's code does not reach, left unread because every
    /// one it reaches was cached.
    pub(crate) dependencies_not_reached: usize,
    /// Dependencies (or their files) that could not be analysed: said, but they do not
    /// change the exit code, which reflects the workspace's own input only.
    pub(crate) notes: Vec<InputError>,
}

impl Report {
    /// The category name a finding is reported under: its API's category, or `test`
    /// for test code when test findings are reported separately.
    pub(crate) fn category_name(&self, d: &Diagnostic) -> &'static str {
        if self.separate_tests && d.in_test {
            crate::args::TEST_CATEGORY
        } else {
            d.category.name()
        }
    }

    /// The process exit code: 1 if there is any finding; otherwise 2 if any input could
    /// not be scanned; otherwise 0.
    pub(crate) fn exit_code(&self) -> u8 {
        if !self.findings.is_empty() {
            1
        } else if !self.errors.is_empty() {
            2
        } else {
            0
        }
    }
}
