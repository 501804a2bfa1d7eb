//! CPU time of the whole process (or of one thread): what the work cost, whatever else
//! ran on the machine.
//!
//! On a shared machine wall time includes the time other processes took the cores
//! away; CPU time does not. The process clock counts every thread of the process,
//! including threads that have already exited (runtime workers, the watchdog's own
//! threads); the thread clock only the calling thread.

use std::time::Duration;

/// CPU time used by all threads of this process so far, or `None` where the platform
/// has no per-process CPU clock.
///
/// ```
/// use blockwatch_benches::cpu_time::process_cpu_time;
/// if let Some(before) = process_cpu_time() {
///     let mut x = 0u64;
///     for i in 0..1_000_000 { x = x.wrapping_add(std::hint::black_box(i)); }
///     assert!(process_cpu_time().unwrap() >= before);
/// }
/// ```
pub fn process_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// CPU time used by the calling thread so far, or `None` where the platform has no
/// per-thread CPU clock. Subtracted from [`process_cpu_time`], it leaves what the
/// other threads used (the server's, when the load generator reads its own).
///
/// ```
/// use blockwatch_benches::cpu_time::thread_cpu_time;
/// if let Some(before) = thread_cpu_time() {
///     let mut x = 0u64;
///     for i in 0..1_000_000 { x = x.wrapping_add(std::hint::black_box(i)); }
///     assert!(thread_cpu_time().unwrap() >= before);
/// }
/// ```
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(unix)]
fn cpu_clock(clock: libc::clockid_t) -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let status = unsafe { libc::clock_gettime(clock, &mut now) };
    if status != 0 {
        return None;
    }
    let seconds = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    Some(Duration::new(seconds, nanos))
}

/// Seconds of process CPU time between two readings (NaN if either is missing).
///
/// ```
/// use std::time::Duration;
/// use blockwatch_benches::cpu_time::cpu_seconds_between;
/// let spent = cpu_seconds_between(Some(Duration::from_millis(5)), Some(Duration::from_millis(30)));
/// assert!((spent - 0.025).abs() < 1e-9);
/// assert!(cpu_seconds_between(None, Some(Duration::ZERO)).is_nan());
/// ```
pub fn cpu_seconds_between(before: Option<Duration>, after: Option<Duration>) -> f64 {
    match (before, after) {
        (Some(before), Some(after)) => after.saturating_sub(before).as_secs_f64(),
        _ => f64::NAN,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn busy_work_advances_the_process_clock() {
        let before = process_cpu_time();
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(std::hint::black_box(i));
        }
        std::hint::black_box(x);
        let spent = cpu_seconds_between(before, process_cpu_time());
        assert!(spent > 0.0, "{spent}");
    }

    #[test]
    fn a_thread_clock_counts_that_thread_only() {
        let process_before = process_cpu_time();
        let idle = std::thread::spawn(|| {
            let before = thread_cpu_time();
            std::thread::sleep(std::time::Duration::from_millis(50));
            cpu_seconds_between(before, thread_cpu_time())
        });
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(std::hint::black_box(i));
        }
        std::hint::black_box(x);
        let idle_spent = idle.join().unwrap();
        let process_spent = cpu_seconds_between(process_before, process_cpu_time());
        assert!(
            idle_spent < process_spent,
            "{idle_spent} vs {process_spent}"
        );
    }
}
