//! Support for the code that `#[no_blocking]`, `#[blockwatch::main]` and
//! `#[blockwatch::test]` generate.
//! Not a public API: names here may change in any release.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use crate::coverage;
use crate::origin::Origin;
use crate::scope::{self, NO_SCOPE};
use crate::watchdog::{Core, Watchdog};
use crate::watched::Watched;

/// The site of a `#[no_blocking]` async fn, named for what the attribute does with it:
/// `Watch(module_path!(), "f", file, line, column).output::<R, _>(body)`.
pub use crate::origin::FnSite as Watch;
use crate::origin::FnSite;
pub use crate::origin::Site;
pub use tokio;

/// A `#[no_blocking]` async fn's body, watched in debug builds: a stall inside is
/// attributed to the fn's site (the innermost wrapper wins), and the current scope is
/// kept. In release builds (of this crate, as for the watchdog's `enabled` default) these
/// methods hand back the body itself: no watchdog code.
///
/// The choice is made here, once, rather than by a `cfg` pair in every annotated fn: the
/// pair cost the compiler more than the rest of the wrapper's call (BENCHMARKS.md,
/// "Session 12"). The methods take the site as `&'static self`: the attribute writes
/// `Watch(..).output::<R, _>(..)`, and the compiler promotes the site to a constant.
///
/// ```
/// use blockwatch_watchdog::__private::Watch;
/// // The output is fixed before the block is checked, so `?` knows what to convert into.
/// let load = Watch("app", "load", "src/lib.rs", 3, 10)
///     .output::<Result<u32, Box<dyn std::error::Error>>, _>(async move {
///         Ok("1".parse::<u32>()? + 1)
///     });
/// # drop(load);
/// ```
#[cfg(debug_assertions)]
impl FnSite {
    /// The body `fut`, watched; its output fixed to the fn's return type `T` before the
    /// block is checked (the compiler reads the bound when it checks an `async` block
    /// passed here), so `?` and `return` in it convert as in the fn as written.
    pub fn output<T, F: Future<Output = T>>(&'static self, fut: F) -> Watched<F> {
        Watched::new(fut, Origin::fn_site(self), scope::current())
    }

    /// [`FnSite::output`] for a return type a type argument cannot state (`impl Trait`, `!`).
    pub fn future<F: Future>(&'static self, fut: F) -> Watched<F> {
        Watched::new(fut, Origin::fn_site(self), scope::current())
    }
}

/// A release build's `#[no_blocking]` async fn: the body as it is (see the debug build's
/// methods above).
#[cfg(not(debug_assertions))]
impl FnSite {
    /// The body `fut` itself, its output fixed to `T` as in a debug build.
    #[inline(always)]
    pub fn output<T, F: Future<Output = T>>(&'static self, fut: F) -> F {
        fut
    }

    /// The body `fut` itself.
    #[inline(always)]
    pub fn future<F: Future>(&'static self, fut: F) -> F {
        fut
    }
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
            let watchdog =
                TEST_WATCHDOG.get_or_init(|| match Watchdog::builder().enabled(true).resolve() {
                    Ok(settings) if !settings.enabled => None,
                    Ok(settings) => match Watchdog::start_with(settings) {
                        Ok(watchdog) => Some(watchdog),
                        Err(error) => panic!("blockwatch: cannot start the test watchdog: {error}"),
                    },
                    Err(error) => panic!("blockwatch: {error}"),
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

    /// Builds the test's runtime: its threads belong to this test, and with
    /// `--cfg tokio_unstable` every task of it is watched.
    ///
    /// # Panics
    /// If tokio cannot build the runtime.
    pub fn runtime(&self, builder: &mut tokio::runtime::Builder) -> tokio::runtime::Runtime {
        coverage::build(builder, self.scope)
    }

    /// Runs the test body on `runtime`, watched, in this test's scope.
    pub fn block_on<F: Future>(&self, runtime: &tokio::runtime::Runtime, body: F) -> F::Output {
        coverage::block_on(runtime, self.scope, Origin::site(self.site), body)
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
                "{}\n(test `{}` at {}:{}; watched: {})",
                crate::error::Stalls::new(reports),
                self.site.name,
                self.site.file,
                self.site.line,
                coverage::description()
            );
        }
    }
}

/// `#[blockwatch::main]`: the watchdog, started before the runtime and stopped (with its
/// summary) after it.
#[derive(Debug)]
pub struct MainGuard {
    site: &'static Site,
    /// Held for its `Drop`: stops the watchdog and emits the summary.
    _watchdog: Option<Watchdog>,
}

impl MainGuard {
    /// Starts the watchdog with the defaults and the environment (`BLOCKWATCH`,
    /// `BLOCKWATCH_THRESHOLD_MS`, `BLOCKWATCH_REPORT`). A watchdog that cannot start
    /// (an invalid setting, a signal in use) is said on stderr and the program runs
    /// unwatched: a diagnostic tool must not stop the service it watches.
    pub fn start(site: &'static Site) -> MainGuard {
        let watchdog = match Watchdog::builder().start() {
            Ok(watchdog) => Some(watchdog),
            Err(crate::StartError::AlreadyRunning) => None,
            Err(error) => {
                eprintln!(
                    "blockwatch: cannot start the watchdog of `{}`: {error}; running unwatched",
                    site.name
                );
                None
            }
        };
        MainGuard {
            site,
            _watchdog: watchdog,
        }
    }

    /// Builds the runtime, with every task watched under `--cfg tokio_unstable`.
    ///
    /// # Panics
    /// If tokio cannot build the runtime, as `#[tokio::main]` does.
    pub fn runtime(&self, builder: &mut tokio::runtime::Builder) -> tokio::runtime::Runtime {
        coverage::build(builder, NO_SCOPE)
    }

    /// Runs the main future on `runtime`, watched under the fn's name.
    pub fn block_on<F: Future>(&self, runtime: &tokio::runtime::Runtime, body: F) -> F::Output {
        coverage::block_on(runtime, scope::current(), Origin::site(self.site), body)
    }
}
