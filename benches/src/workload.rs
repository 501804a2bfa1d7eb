//! The poll-path workloads and the ways their tasks are instrumented.
//!
//! A [`Mode`] says how tasks are spawned: plain tokio, the blockwatch future wrapper,
//! tokio's poll hooks installed by `blockwatch::instrument` (only in a `tokio_unstable`
//! build), or tokio-metrics' `TaskMonitor`. The workloads spawn every task, including
//! their root task, through a [`Spawner`] of that mode.

use std::future::Future;
use std::hint::black_box;
use std::io;

use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;
use tokio_metrics::TaskMonitor;

/// How the tasks of a workload are instrumented.
///
/// ```
/// use blockwatch_benches::workload::Mode;
/// assert_eq!(Mode::Wrapper.name(), "blockwatch wrapper");
/// assert!(Mode::available().contains(&Mode::Plain));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `tokio::spawn`, nothing else: the baseline.
    Plain,
    /// `blockwatch::spawn`: the future wrapper, with a watchdog running.
    Wrapper,
    /// `tokio::spawn` on a runtime built through `blockwatch::instrument` (poll hooks),
    /// with a watchdog running. Only in builds with `--cfg tokio_unstable`.
    Hooks,
    /// `tokio::spawn(monitor.instrument(..))` with one shared tokio-metrics `TaskMonitor`.
    TaskMonitor,
    /// Control: `tokio::spawn` again, as a second baseline. Its ratio to [`Mode::Plain`]
    /// shows how far from 1.0 the bench lands when nothing differs.
    PlainAgain,
    /// Control: `tokio::spawn` with a watchdog running that watches nothing: the cost of
    /// the watchdog's own threads, without any poll path.
    WatchdogThreadOnly,
    /// Control: `tokio::spawn` of the future inside a layer as large as the blockwatch
    /// wrapper's (24 bytes) that reads its fields on every poll and writes nothing: the
    /// cost of a larger task and one more `poll` layer, without the slot writes.
    PaddedLayer,
}

impl Mode {
    /// The modes this build can run, baseline first: the hooks need `tokio_unstable`.
    ///
    /// ```
    /// let modes = blockwatch_benches::workload::Mode::available();
    /// assert_eq!(modes[0], blockwatch_benches::workload::Mode::Plain);
    /// ```
    pub fn available() -> Vec<Mode> {
        if cfg!(tokio_unstable) {
            vec![Mode::Plain, Mode::Hooks, Mode::Wrapper, Mode::TaskMonitor]
        } else {
            vec![Mode::Plain, Mode::Wrapper, Mode::TaskMonitor]
        }
    }

    /// The name printed in result tables.
    ///
    /// ```
    /// assert_eq!(blockwatch_benches::workload::Mode::Plain.name(), "plain tokio");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Mode::Plain => "plain tokio",
            Mode::Wrapper => "blockwatch wrapper",
            Mode::Hooks => "blockwatch hooks",
            Mode::TaskMonitor => "tokio-metrics TaskMonitor",
            Mode::PlainAgain => "control: plain tokio again",
            Mode::WatchdogThreadOnly => "control: plain tokio + watchdog thread",
            Mode::PaddedLayer => "control: plain tokio, wrapper-sized layer",
        }
    }

    /// Whether the mode runs with a watchdog thread.
    ///
    /// ```
    /// use blockwatch_benches::workload::Mode;
    /// assert!(Mode::Hooks.needs_watchdog());
    /// assert!(!Mode::TaskMonitor.needs_watchdog());
    /// ```
    pub fn needs_watchdog(self) -> bool {
        matches!(self, Mode::Wrapper | Mode::Hooks | Mode::WatchdogThreadOnly)
    }
}

/// The tokio runtime flavors measured.
///
/// ```
/// use blockwatch_benches::workload::Flavor;
/// assert_eq!(Flavor::MultiThread.name(), "multi-thread (2 workers)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The multi-thread scheduler with 2 worker threads.
    MultiThread,
    /// The current-thread scheduler.
    CurrentThread,
}

impl Flavor {
    /// The name printed in result tables.
    ///
    /// ```
    /// assert_eq!(blockwatch_benches::workload::Flavor::CurrentThread.name(), "current-thread");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Flavor::MultiThread => "multi-thread (2 workers)",
            Flavor::CurrentThread => "current-thread",
        }
    }
}

/// Builds a runtime of `flavor` for `mode`, with the poll hooks installed for
/// [`Mode::Hooks`].
///
/// # Errors
/// The runtime builder's I/O error, or [`io::ErrorKind::Unsupported`] for
/// [`Mode::Hooks`] in a build without `tokio_unstable`.
///
/// ```
/// use blockwatch_benches::workload::{runtime, Flavor, Mode};
/// let rt = runtime(Flavor::CurrentThread, Mode::Plain).unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub fn runtime(flavor: Flavor, mode: Mode) -> io::Result<Runtime> {
    let mut builder = match flavor {
        Flavor::MultiThread => {
            let mut builder = Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
        Flavor::CurrentThread => Builder::new_current_thread(),
    };
    builder.enable_all();
    if mode == Mode::Hooks {
        install_hooks(&mut builder)?;
    }
    builder.build()
}

#[cfg(tokio_unstable)]
fn install_hooks(builder: &mut Builder) -> io::Result<()> {
    blockwatch::instrument(builder);
    Ok(())
}

#[cfg(not(tokio_unstable))]
fn install_hooks(_builder: &mut Builder) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "the poll hooks need a build with RUSTFLAGS=\"--cfg tokio_unstable\"",
    ))
}

/// Spawns tasks the way a [`Mode`] says. Cheap to clone.
///
/// ```
/// use blockwatch_benches::workload::{runtime, Flavor, Mode, Spawner};
/// let spawner = Spawner::new(Mode::TaskMonitor);
/// let rt = runtime(Flavor::CurrentThread, Mode::TaskMonitor).unwrap();
/// let seven = rt.block_on(async { spawner.spawn(async { 7 }).await.unwrap() });
/// assert_eq!(seven, 7);
/// assert_eq!(spawner.monitor().cumulative().instrumented_count, 1);
/// ```
#[derive(Clone, Debug)]
pub struct Spawner {
    mode: Mode,
    monitor: TaskMonitor,
}

impl Spawner {
    /// A spawner for `mode` (with a fresh `TaskMonitor`, used only by [`Mode::TaskMonitor`]).
    pub fn new(mode: Mode) -> Spawner {
        Spawner {
            mode,
            monitor: TaskMonitor::new(),
        }
    }

    /// The monitor that [`Mode::TaskMonitor`] instruments tasks with.
    pub fn monitor(&self) -> &TaskMonitor {
        &self.monitor
    }

    /// Spawns `future` on the current runtime, instrumented as the mode says.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self.mode {
            Mode::Plain | Mode::Hooks | Mode::PlainAgain | Mode::WatchdogThreadOnly => {
                tokio::spawn(future)
            }
            Mode::Wrapper => blockwatch::spawn(future),
            Mode::TaskMonitor => tokio::spawn(self.monitor.instrument(future)),
            Mode::PaddedLayer => tokio::spawn(PaddedLayer {
                inner: future,
                fields: [1, 2, 3],
            }),
        }
    }
}

/// The [`Mode::PaddedLayer`] layer: the wrapper's size and shape, none of its work.
struct PaddedLayer<F> {
    inner: F,
    fields: [u64; 3],
}

impl<F: Future> Future for PaddedLayer<F> {
    type Output = F::Output;

    #[inline]
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned (never moved out; no `Drop` impl).
        let this = unsafe { self.get_unchecked_mut() };
        black_box(&this.fields);
        // SAFETY: see above.
        unsafe { std::pin::Pin::new_unchecked(&mut this.inner) }.poll(cx)
    }
}

/// A yield-heavy workload: `tasks` tasks, each awaiting `yield_now()` `yields` times.
///
/// ```
/// use blockwatch_benches::workload::YieldHeavy;
/// let work = YieldHeavy { tasks: 10, yields: 99 };
/// assert_eq!(work.task_polls(), 1_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YieldHeavy {
    /// How many tasks run at once.
    pub tasks: usize,
    /// How many times each task yields.
    pub yields: usize,
}

impl YieldHeavy {
    /// The task polls the workload makes (each yield is one poll, plus the last).
    pub fn task_polls(&self) -> u64 {
        (self.tasks as u64) * (self.yields as u64 + 1)
    }

    /// Runs the workload: a root task spawns every task, then awaits them all.
    /// Returns a checksum so the work cannot be optimized away.
    ///
    /// ```
    /// use blockwatch_benches::workload::{runtime, Flavor, Mode, Spawner, YieldHeavy};
    /// let rt = runtime(Flavor::MultiThread, Mode::Plain).unwrap();
    /// let work = YieldHeavy { tasks: 4, yields: 3 };
    /// assert_eq!(rt.block_on(work.run(Spawner::new(Mode::Plain))), 0 + 1 + 2 + 3);
    /// ```
    pub async fn run(self, spawner: Spawner) -> u64 {
        let root = spawner.clone();
        let task = root.spawn(async move {
            let handles: Vec<_> = (0..self.tasks as u64)
                .map(|index| {
                    spawner.spawn(async move {
                        for _ in 0..self.yields {
                            tokio::task::yield_now().await;
                        }
                        black_box(index)
                    })
                })
                .collect();
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.unwrap_or(0);
            }
            sum
        });
        task.await.unwrap_or(0)
    }
}

/// A spawn-heavy workload: a root task spawns `tasks` short tasks in batches of
/// `batch` and awaits each batch.
///
/// ```
/// use blockwatch_benches::workload::SpawnHeavy;
/// let work = SpawnHeavy { tasks: 10_000, batch: 256 };
/// assert_eq!(work.tasks, 10_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpawnHeavy {
    /// How many tasks to spawn in all.
    pub tasks: usize,
    /// How many are in flight at once.
    pub batch: usize,
}

impl SpawnHeavy {
    /// Runs the workload and returns a checksum.
    ///
    /// ```
    /// use blockwatch_benches::workload::{runtime, Flavor, Mode, Spawner, SpawnHeavy};
    /// let rt = runtime(Flavor::CurrentThread, Mode::Plain).unwrap();
    /// let work = SpawnHeavy { tasks: 5, batch: 2 };
    /// assert_eq!(rt.block_on(work.run(Spawner::new(Mode::Plain))), 0 + 1 + 2 + 3 + 4);
    /// ```
    pub async fn run(self, spawner: Spawner) -> u64 {
        let root = spawner.clone();
        let batch = self.batch.max(1);
        let task = root.spawn(async move {
            let mut sum = 0;
            let mut next = 0u64;
            let mut handles = Vec::with_capacity(batch);
            while next < self.tasks as u64 {
                let end = (next + batch as u64).min(self.tasks as u64);
                handles.extend(
                    (next..end).map(|index| spawner.spawn(async move { black_box(index) })),
                );
                next = end;
                for handle in handles.drain(..) {
                    sum += handle.await.unwrap_or(0);
                }
            }
            sum
        });
        task.await.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_available_mode_runs_both_workloads_on_both_flavors() {
        let _watchdog = crate::watchdog::quiet(std::time::Duration::from_secs(5))
            .start()
            .ok();
        for mode in Mode::available() {
            for flavor in [Flavor::MultiThread, Flavor::CurrentThread] {
                let rt = runtime(flavor, mode).unwrap();
                let yields = YieldHeavy {
                    tasks: 8,
                    yields: 5,
                };
                assert_eq!(rt.block_on(yields.run(Spawner::new(mode))), 28, "{mode:?}");
                let spawns = SpawnHeavy {
                    tasks: 100,
                    batch: 7,
                };
                assert_eq!(
                    rt.block_on(spawns.run(Spawner::new(mode))),
                    4950,
                    "{mode:?}"
                );
            }
        }
    }

    #[test]
    fn the_task_monitor_sees_every_poll_of_its_mode() {
        let rt = runtime(Flavor::CurrentThread, Mode::TaskMonitor).unwrap();
        let spawner = Spawner::new(Mode::TaskMonitor);
        let work = YieldHeavy {
            tasks: 3,
            yields: 4,
        };
        rt.block_on(work.run(spawner.clone()));
        let metrics = spawner.monitor().cumulative();
        // Three workers' polls plus the root task's (at least two: spawn, then done).
        assert_eq!(metrics.instrumented_count, 4);
        assert!(metrics.total_poll_count >= work.task_polls() + 2);
    }

    #[test]
    fn hooks_are_refused_without_tokio_unstable() {
        let result = runtime(Flavor::CurrentThread, Mode::Hooks);
        assert_eq!(result.is_ok(), cfg!(tokio_unstable));
    }
}
