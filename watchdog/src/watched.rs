//! The future wrapper: marks the thread busy for the length of each poll.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::origin::Origin;
use crate::scope;
use crate::slot::PollGuard;
use crate::task_id;

/// A future whose polls the watchdog watches. Made by [`spawn`], [`spawn_named`],
/// [`WatchExt::watched`] and `#[blockwatch::no_blocking]`.
///
/// `Watched<F>` is `Send`, `Sync` and `Unpin` exactly when `F` is. Wrappers nest: a
/// stall is attributed to the innermost one being polled.
///
/// ```
/// use blockwatch_watchdog::WatchExt;
/// # async fn demo() {
/// let value = async { 7 }.watched("compute").await;
/// # }
/// ```
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct Watched<F> {
    inner: F,
    origin: Origin,
    scope: u64,
    task_id: Option<u64>,
}

impl<F> Watched<F> {
    pub(crate) fn new(inner: F, origin: Origin, scope: u64) -> Watched<F> {
        Watched {
            inner,
            origin,
            scope,
            task_id: None,
        }
    }
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`, and
        // `Watched` has no `Drop` impl; the other fields are plain data.
        let this = unsafe { self.get_unchecked_mut() };
        let task_id = *this.task_id.get_or_insert_with(task_id::current);
        let _scope = scope::enter(this.scope);
        let _poll = PollGuard::enter(this.origin, task_id, this.scope);
        // SAFETY: see above.
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        inner.poll(cx)
    }
}

/// Spawns `future` on the current tokio runtime, watched, with the caller's location
/// as its site. Like `tokio::spawn`, it panics outside a runtime.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let answer = blockwatch_watchdog::spawn(async { 42 }).await.unwrap();
/// assert_eq!(answer, 42);
/// # }
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let origin = Origin::location(Location::caller());
    tokio::spawn(Watched::new(future, origin, scope::current()))
}

/// Spawns `future` like [`spawn`], reported under `name`. Names are interned for the
/// life of the process: use a bounded set (roles like `"accept-loop"`, not ids).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let handle = blockwatch_watchdog::spawn_named("heartbeat", async {});
/// handle.await.unwrap();
/// # }
/// ```
#[track_caller]
pub fn spawn_named<F>(name: &str, future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let origin = Origin::named(name, Location::caller());
    tokio::spawn(Watched::new(future, origin, scope::current()))
}

/// Watches any future, on any executor.
///
/// ```
/// use blockwatch_watchdog::WatchExt;
/// # async fn demo() {
/// let rows = async { vec![1, 2, 3] }.watched("load rows").await;
/// # }
/// ```
pub trait WatchExt: Future + Sized {
    /// Wraps the future so stalls in its polls are reported under `name` (interned, as
    /// in [`spawn_named`]) and the caller's location.
    #[track_caller]
    fn watched(self, name: &str) -> Watched<Self> {
        Watched::new(
            self,
            Origin::named(name, Location::caller()),
            scope::current(),
        )
    }
}

impl<F: Future> WatchExt for F {}
