//! The future wrapper: marks the thread busy for the length of each poll.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::blame::Blame;
use crate::origin::Origin;
use crate::poll_guard::watch_poll;
use crate::poll_words::PollWords;
use crate::scope;
use crate::state_word::UNKNOWN_TASK;

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
    /// Its origin and scope in one word, and the tokio task polling it as a task word:
    /// asked on the first poll ([`UNKNOWN_TASK`] before), out of line.
    words: PollWords,
}

impl<F> Watched<F> {
    pub(crate) fn new(inner: F, origin: Origin, scope: u64) -> Watched<F> {
        Watched {
            inner,
            words: PollWords::new(Blame::new(origin, scope), UNKNOWN_TASK),
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
        // SAFETY: see above.
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        watch_poll(&mut this.words, || inner.poll(cx))
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

    /// The blame a watched poll leaves on this thread's slot, read from inside it.
    fn running_task() -> u64 {
        let slot = crate::poll_guard::claimed_slot(crate::local::this_thread()).expect("a slot");
        let snapshot = slot.snapshot(0).expect("a stable snapshot");
        assert!(snapshot.busy);
        snapshot.task_id
    }

    #[test]
    fn every_poll_names_the_task_its_first_poll_learned() {
        crate::slot::arm();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let origin = Origin::location(Location::caller());
        let (expected, seen) = runtime.block_on(async move {
            let task = tokio::spawn(Watched::new(
                async {
                    let mut seen = vec![running_task()];
                    for _ in 0..3 {
                        tokio::task::yield_now().await;
                        seen.push(running_task());
                    }
                    seen
                },
                origin,
                0,
            ));
            let expected = crate::task_id::number(task.id());
            (expected, task.await.unwrap())
        });
        assert_eq!(
            seen,
            vec![expected; 4],
            "the first poll and the three after it"
        );
        // Outside a task the task is 0, known after the first poll all the same.
        let mut outside = Watched::new(
            std::future::poll_fn(|_| Poll::Ready(running_task())),
            origin,
            0,
        );
        let mut context = Context::from_waker(std::task::Waker::noop());
        let polled = Pin::new(&mut outside).poll(&mut context);
        assert_eq!(polled, Poll::Ready(0));
        assert_eq!(outside.words.task, crate::state_word::task_word(0));
    }
}
