//! Work over a slice on a fixed number of threads, items handed out one at a time
//! (the same scheme as the scanner's own pool), so modes compare at equal parallelism.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `work` on every item from `threads` threads and returns the sum of its results.
///
/// ```
/// let items: Vec<u64> = (1..=100).collect();
/// assert_eq!(blockwatch_benches::parallel::sum_over(&items, 2, |n| *n), 5050);
/// ```
pub fn sum_over<T, F>(items: &[T], threads: usize, work: F) -> u64
where
    T: Sync,
    F: Fn(&T) -> u64 + Sync,
{
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut sum = 0u64;
        while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
            sum = sum.wrapping_add(work(item));
        }
        sum
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1)).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .fold(0u64, u64::wrapping_add)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_visited_once_whatever_the_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [0, 1, 2, 7] {
            assert_eq!(sum_over(&items, threads, |n| *n), 499_500);
        }
        assert_eq!(sum_over(&[] as &[u64], 2, |n| *n), 0);
    }
}
