//! The future wrapper: marks the thread busy for the length of each poll.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::origin::Origin;
use crate::poll_guard::watch_poll;
use crate::scope;
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
    /// The tokio task polling it, asked on the first poll ([`TASK_UNKNOWN`] before).
    task_id: u64,
}

/// `Watched::task_id` before the first poll.
const TASK_UNKNOWN: u64 = u64::MAX;

impl<F> Watched<F> {
    pub(crate) fn new(inner: F, origin: Origin, scope: u64) -> Watched<F> {
        Watched {
            inner,
            origin,
            scope,
            task_id: TASK_UNKNOWN,
        }
    }
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    // Always inlined: the wrapper's own work is a few loads and stores (its cold paths
    // are out of line), cheaper than the call frame it would otherwise add to every poll.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`, and
        // `Watched` has no `Drop` impl; the other fields are plain data.
        let this = unsafe { self.get_unchecked_mut() };
        if this.task_id == TASK_UNKNOWN {
            this.task_id = first_task_id();
        }
        // SAFETY: see above.
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        watch_poll(this.origin, this.task_id, this.scope, || inner.poll(cx))
    }
}

/// The task id, asked once per wrapper (out of line: it reads tokio's thread-local).
#[cold]
#[inline(never)]
fn first_task_id() -> u64 {
    task_id::current()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    fn send_sync_unpin<T: Send + Sync + Unpin>(_: &T) {}
    fn unpin<T: Unpin>(_: &T) {}

    #[test]
    fn auto_traits_follow_the_inner_future() {
        let origin = Origin::location(Location::caller());
        // A Send + Sync + Unpin future stays all three.
        send_sync_unpin(&Watched::new(std::future::ready(1), origin, 0));
        // A !Send future is still Unpin (and compiles as a !Send wrapper).
        let local = Rc::new(Cell::new(1));
        unpin(&Watched::new(std::future::ready(local), origin, 0));
    }

    #[test]
    fn the_wrapper_returns_the_inner_output_and_keeps_the_scope() {
        // The scope of a watched poll lives in the thread's slot, which exists once a
        // watchdog has armed the poll path.
        crate::slot::arm();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let origin = Origin::location(Location::caller());
        let seen = runtime.block_on(Watched::new(async { scope::current() }, origin, 42));
        assert_eq!(seen, 42, "the wrapper's scope is current inside it");
        assert_eq!(scope::current(), scope::NO_SCOPE, "and restored after");
    }
}
