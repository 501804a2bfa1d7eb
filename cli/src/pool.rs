//! Running per-file work on all cores.
//!
//! syn's parser and the engine recurse on the call stack, so each worker gets a large
//! stack (virtual memory: only the pages touched are committed). Work is shared through
//! an atomic index; a panic in one job is caught and returned as that job's error, so one
//! bad file never stops the scan.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::thread;

/// Stack sizes to try for each worker, largest first: deep enough for pathological
/// nesting in parsed input. Virtual memory: only the pages a deep parse touches are
/// committed. Smaller sizes are the fallback where the system refuses the reservation.
pub(crate) const WORKER_STACK_BYTES: &[usize] = if cfg!(target_pointer_width = "64") {
    &[1 << 30, 256 << 20, 32 << 20]
} else {
    &[256 << 20, 32 << 20]
};

/// The deepest nesting a file may have to be parsed and analysed (the engine's estimate,
/// [`blockwatch_lint::check_source_nesting`]). Hand-written code stays in the tens;
/// generated code in the hundreds. A debug build's parser still fits 15,000 levels in a
/// worker's stack, a release build far more.
pub(crate) const MAX_NESTING: usize = 10_000;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    static IN_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per process, a panic hook that records a worker's panic message for
/// its job's error (instead of printing it) and leaves other threads' panics to the
/// previous hook.
fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_WORKER.with(Cell::get) {
                previous(info);
                return;
            }
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = payload_text(info.payload());
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{location}")));
        }));
    });
}

/// Runs `work` on every job on a pool of worker threads and returns the results in job
/// order. `Err` holds the message of a panic inside `work` for that job.
pub(crate) fn run<J, R, F>(jobs: &[J], work: F) -> Vec<Result<R, String>>
where
    J: Sync,
    R: Send,
    F: Fn(&J) -> R + Sync,
{
    let workers = thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R, String>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());

    install_panic_hook();

    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(i) else { break };
        // Marks the thread for the panic hook only while a job runs, so the fallback of
        // running jobs on the calling thread leaves its later panics alone.
        IN_WORKER.with(|w| w.set(true));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| work(job)));
        IN_WORKER.with(|w| w.set(false));
        let outcome = outcome.map_err(|payload| {
            LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| payload_text(payload.as_ref()))
        });
        if let Ok(mut slots) = results.lock() {
            slots[i] = Some(outcome);
        }
    };

    thread::scope(|scope| {
        let mut spawned = 0;
        for n in 0..workers {
            let started = WORKER_STACK_BYTES.iter().any(|&size| {
                thread::Builder::new()
                    .name(format!("blockwatch-worker-{n}"))
                    .stack_size(size)
                    .spawn_scoped(scope, worker)
                    .is_ok()
            });
            if started {
                spawned += 1;
            }
        }
        if spawned == 0 {
            // No thread could be created: do the work here rather than not at all.
            worker();
        }
    });

    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("the file was not analysed (worker stopped)".into())))
        .collect()
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_job_order() {
        let jobs: Vec<u64> = (0..100).collect();
        let out = run(&jobs, |n| n * 2);
        let values: Vec<u64> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(values, (0..100).map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_job_is_an_error_and_the_others_still_run() {
        let jobs = [1, 0, 3];
        let out = run(&jobs, |&n| {
            if n == 0 {
                panic!("zero is not allowed");
            }
            n
        });
        assert_eq!(out[0], Ok(1));
        assert!(out[1].as_ref().unwrap_err().contains("zero is not allowed"));
        assert_eq!(out[2], Ok(3));
    }

    #[test]
    fn deep_recursion_fits_in_a_worker_stack() {
        fn depth(n: u32) -> u32 {
            let pad = [n as u8; 256];
            if n == 0 {
                0
            } else {
                1 + depth(n - 1) + u32::from(std::hint::black_box(pad)[0] == 255)
            }
        }
        // ~100k frames of >256 bytes: far past the 8 MiB default main-thread stack.
        let out = run(&[100_000u32], |&n| depth(n));
        assert!(out[0].as_ref().is_ok_and(|&d| d >= 100_000));
    }

    #[test]
    fn no_jobs_no_work() {
        let out: Vec<Result<u8, String>> = run(&[] as &[u8], |_| 1);
        assert!(out.is_empty());
    }
}
