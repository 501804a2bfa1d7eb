//! CPU time of child processes: what a benchmarked command (and the processes it
//! waited for, such as `cargo metadata` under `cargo blockwatch`) cost, whatever else
//! ran on the machine.

use std::time::Duration;

/// User plus system CPU time of every child process this process has waited for so far
/// (and of their waited-for children), or `None` where the platform does not say.
///
/// ```
/// use blockwatch_benches::child_cpu::children_cpu_time;
/// if let Some(before) = children_cpu_time() {
///     let _ = std::process::Command::new("true").status();
///     assert!(children_cpu_time().unwrap() >= before);
/// }
/// ```
pub fn children_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        // SAFETY: an all-zero rusage is a valid value; getrusage writes one through a
        // valid pointer.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: see above.
        if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
            return None;
        }
        let of = |t: libc::timeval| -> Option<Duration> {
            let seconds = u64::try_from(t.tv_sec).ok()?;
            let micros = u32::try_from(t.tv_usec).ok()?;
            Some(Duration::new(seconds, micros * 1000))
        };
        Some(of(usage.ru_utime)? + of(usage.ru_stime)?)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_busy_child_advances_the_children_clock() {
        let before = children_cpu_time().unwrap();
        let status = std::process::Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"])
            .status()
            .unwrap();
        assert!(status.success());
        assert!(children_cpu_time().unwrap() > before);
    }
}
