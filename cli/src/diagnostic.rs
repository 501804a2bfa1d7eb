//! What the scanner reports, independent of the output format.

use blockwatch_lint::{Category, Certainty, ChainLink, LocatedFinding, LocatedFix};

/// One blocking call in async context, located in a scanned file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// File, relative to the scanned root (with `/` separators).
    pub(crate) file: String,
    /// 1-based line of the start of the call.
    pub(crate) line: usize,
    /// 1-based column (in characters) of the start of the call.
    pub(crate) column: usize,
    /// 1-based line of the end of the call.
    pub(crate) end_line: usize,
    /// 1-based column just past the end of the call.
    pub(crate) end_column: usize,
    /// The call as written, shortened: `std::thread::sleep(..)`, `.output()`.
    pub(crate) call: String,
    /// The blocking API it resolved to, or (transitive) the workspace fn called.
    pub(crate) resolved: String,
    /// How the match was made.
    pub(crate) certainty: Certainty,
    /// The category of the blocking API.
    pub(crate) category: Category,
    /// True in test code.
    pub(crate) in_test: bool,
    /// Why the call blocks.
    pub(crate) why: String,
    /// The async replacement.
    pub(crate) replacement: String,
    /// The async context: "async fn `main`", "async block", ...
    pub(crate) context: String,
    /// For transitive findings: the calls from here down to the blocking API.
    pub(crate) chain: Vec<ChainLink>,
    /// The primary message.
    pub(crate) message: String,
    /// The engine's fix for the call, if it has one (direct findings only).
    pub(crate) fix: Option<LocatedFix>,
}

impl Diagnostic {
    /// The API the finding is about in the end: the blocking API at the end of a chain,
    /// or the resolved call itself.
    pub(crate) fn blocking_api(&self) -> &str {
        self.chain
            .last()
            .map(|l| l.callee.as_str())
            .unwrap_or(&self.resolved)
    }
}

impl Diagnostic {
    /// What to do about it, as one clause: "use instead: `tokio::fs::read(p).await`",
    /// or for a transitive finding the replacement's own advice.
    pub(crate) fn advice(&self) -> String {
        match &self.fix {
            // The engine's fix written out with the call's arguments, as the attribute's
            // help line shows it; the generic `spawn_blocking` wrapper is worse advice
            // than the catalog's replacement.
            Some(fix) if fix.rewrite != blockwatch_lint::fix::Rewrite::SpawnBlocking => {
                format!("use instead: {}", fix.code)
            }
            _ if self.certainty == Certainty::Transitive => self.replacement.clone(),
            _ => format!("use instead: {}", self.replacement),
        }
    }

    /// The message without the chain (which the human format prints as a note).
    pub(crate) fn headline(&self) -> String {
        if self.chain.is_empty() || self.certainty != Certainty::Transitive {
            self.message.clone()
        } else {
            format!(
                "`{}` blocks the executor thread in {}",
                self.call, self.context
            )
        }
    }
}

impl From<LocatedFinding> for Diagnostic {
    fn from(f: LocatedFinding) -> Self {
        Diagnostic {
            file: f.file,
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            call: f.call,
            resolved: f.resolved,
            certainty: f.certainty,
            category: f.category,
            in_test: f.in_test,
            why: f.why,
            replacement: f.replacement,
            context: f.context,
            chain: f.chain,
            message: f.message,
            fix: f.fix,
        }
    }
}

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
