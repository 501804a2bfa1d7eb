//! Support for the code that `#[no_blocking]` and `#[blockwatch::test]` generate.
//! Not a public API: names here may change in any release.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use crate::origin::Origin;
use crate::scope;
use crate::watchdog::{Core, Watchdog};
use crate::watched::Watched;

pub use tokio;

/// A static description of an instrumented code site.
#[derive(Debug)]
pub struct Site {
    /// The function's path (`module_path!()` and its name).
    pub name: &'static str,
    /// `file!()` of the function.
    pub file: &'static str,
    /// `line!()` of the function.
    pub line: u32,
    /// `column!()` of the function.
    pub column: u32,
}

/// Wraps the body of a `#[no_blocking]` async fn: a stall inside is attributed to
/// `site` (the innermost wrapper wins). Keeps the current scope.
pub fn watch_annotated<F: Future>(site: &'static Site, fut: F) -> Watched<F> {
    Watched::new(fut, Origin::site(site), scope::current())
}

/// The watchdog `#[blockwatch::test]` uses when none was started: one per process,
/// shared by all tests, never stopped.
static TEST_WATCHDOG: OnceLock<Option<Watchdog>> = OnceLock::new();

/// One `#[blockwatch::test]`: a scope of its own on the process's watchdog.
#[derive(Debug)]
pub struct TestGuard {
    site: &'static Site,
    scope: u64,
    core: Option<Arc<Core>>,
}

impl TestGuard {
    /// Makes sure a watchdog runs (the one already started, or a shared one with the
    /// defaults and environment, enabled even in release builds unless `BLOCKWATCH=0`)
    /// and opens a scope for this test.
    ///
    /// # Panics
    /// If the environment holds an invalid setting (`BLOCKWATCH_THRESHOLD_MS=abc`) or
    /// the watchdog cannot start: a test must not pass silently unwatched.
    pub fn start(site: &'static Site) -> TestGuard {
        let core = Watchdog::active_core().or_else(|| {
            let watchdog = TEST_WATCHDOG.get_or_init(|| {
                match Watchdog::builder().enabled(true).resolve_environment() {
                    Ok(builder) if !builder.is_enabled() => None,
                    Ok(builder) => match Watchdog::start_with(builder) {
                        Ok(watchdog) => Some(watchdog),
                        Err(error) => panic!("blockwatch: cannot start the test watchdog: {error}"),
                    },
                    Err(error) => panic!("blockwatch: {error}"),
                }
            });
            watchdog
                .as_ref()
                .map(|watchdog| Arc::clone(watchdog.core()))
        });
        TestGuard {
            site,
            scope: scope::new_scope(),
            core: core.filter(|core| core.is_enabled()),
        }
    }

    /// Wraps the test body so that its polls (and tasks spawned with
    /// `blockwatch::spawn` from it) belong to this test.
    pub fn watch<F: Future>(&self, fut: F) -> Watched<F> {
        Watched::new(fut, Origin::site(self.site), self.scope)
    }

    /// Panics, listing every report, if anything in this test's scope stalled.
    #[track_caller]
    pub fn finish(self) {
        let Some(core) = &self.core else {
            return;
        };
        core.flush();
        let reports = core.shared.reports_in_scope(self.scope);
        if !reports.is_empty() {
            panic!(
                "{}\n(test `{}` at {}:{})",
                crate::error::Stalls::new(reports),
                self.site.name,
                self.site.file,
                self.site.line
            );
        }
    }
}
