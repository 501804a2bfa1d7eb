//! Capture by signal (Linux): the watchdog signals the stuck thread, whose handler
//! records raw frame addresses into its slot's preallocated buffer.
//!
//! The handler allocates nothing, takes no lock, and restores `errno`. It is installed
//! with `SA_RESTART`, so interrupted `read`s and `std::thread::sleep` carry on as if
//! nothing happened (a raw `libc::nanosleep` call still sees `EINTR`: that is the
//! kernel's rule for sleeps, `SA_RESTART` or not).

use crate::error::StartError;
use crate::slot::{self, Slot};

/// A real-time signal applications rarely use: three below `SIGRTMAX`.
pub(crate) fn default_signal() -> i32 {
    libc::SIGRTMAX() - 3
}

/// The address the signal interrupted, from the context the kernel passes the handler.
fn interrupted_address(context: *mut libc::c_void) -> usize {
    if context.is_null() {
        return 0;
    }
    // SAFETY: with SA_SIGINFO the third argument is the `ucontext_t` the kernel saved
    // for this delivery, valid while the handler runs; it is only read.
    let context = unsafe { &*context.cast::<libc::ucontext_t>() };
    #[cfg(target_arch = "x86_64")]
    let address = context.uc_mcontext.gregs[libc::REG_RIP as usize] as usize;
    #[cfg(target_arch = "aarch64")]
    let address = context.uc_mcontext.pc as usize;
    address
}

extern "C" fn on_signal(
    _signal: libc::c_int,
    _info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: errno is thread-local; saving and restoring it keeps the interrupted code's view.
    let saved_errno = unsafe { *libc::__errno_location() };
    // SAFETY: gettid has no preconditions and is async-signal-safe.
    let tid = i64::from(unsafe { libc::gettid() });
    if let Some(slot) = slot::find_by_tid(tid) {
        if slot.capture.begin_fill() {
            let poll_id = slot.poll_id_on_owner();
            let mut len = 0;
            // SAFETY: no other trace runs on this thread now (we interrupted it in user
            // code, and the handler itself is not reentered: the signal is masked while it runs).
            // The lock risk: `trace_unsynchronized` skips backtrace's own lock, and the
            // closure only stores into preallocated memory, but the system unwinder may call
            // `dl_iterate_phdr`, which takes the loader's lock: a capture that lands inside
            // `dlopen`/`dlclose` on this thread is the one case the handler is not
            // async-signal-safe against. `warm_up_unwinder` runs the unwinder once at start,
            // and the scanner never waits on a capture (it reports without a stack after
            // `capture_timeout`).
            unsafe {
                backtrace::trace_unsynchronized(|frame| {
                    let stored = slot.capture.push(len, frame.ip() as usize);
                    if stored {
                        len += 1;
                    }
                    stored
                });
            }
            slot.capture
                .finish_fill(len, poll_id, interrupted_address(context));
        }
    }
    // SAFETY: as above: this thread's errno, written back to what the interrupted code saw.
    unsafe { *libc::__errno_location() = saved_errno };
}

/// Installs the handler on `signal` (idempotent). Refuses a signal that already has
/// another disposition: a handler of the application, or "ignore". The handler stays
/// installed for the life of the process; a signal nobody requested finds no open
/// capture and does nothing.
pub(crate) fn install(signal: i32) -> Result<(), StartError> {
    let refuse = |reason: String| StartError::SignalInUse { signal, reason };
    if signal < 1 || signal > libc::SIGRTMAX() {
        return Err(refuse("not a valid signal number".to_owned()));
    }
    let ours = on_signal as *const () as usize;
    // SAFETY: plain sigaction calls on zero-initialised structs.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signal, std::ptr::null(), &mut old) != 0 {
            return Err(refuse(std::io::Error::last_os_error().to_string()));
        }
        if old.sa_sigaction == ours {
            return Ok(());
        }
        if old.sa_sigaction != libc::SIG_DFL {
            return Err(refuse(
                "the application already handles or ignores it".to_owned(),
            ));
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ours;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
            return Err(refuse(std::io::Error::last_os_error().to_string()));
        }
    }
    Ok(())
}

/// Runs the unwinder once so its one-time setup (caches of loaded objects) does not
/// happen inside a signal handler.
///
/// It must not take `backtrace`'s global lock: the reporter thread holds that lock while
/// it loads debug info (hundreds of milliseconds in a debug build), and the scanner,
/// which calls this first, would not scan meanwhile.
pub(crate) fn warm_up_unwinder() {
    let mut frames = 0usize;
    // SAFETY: the system unwinder is thread-safe; the lock this skips only serializes
    // `backtrace`'s own symbolization state, which a trace does not touch (the signal
    // handler traces the same way).
    unsafe {
        backtrace::trace_unsynchronized(|_| {
            frames += 1;
            true
        });
    }
}

/// Asks the slot's thread for its stack. Returns false if the request could not be
/// sent (thread gone, previous capture still being written, signal refused).
pub(crate) fn request_capture(slot: &'static Slot, signal: i32) -> bool {
    let _registry = slot::lock_registry();
    if !slot.in_use() || slot.tid() == 0 {
        return false;
    }
    if !slot.capture.request() {
        return false;
    }
    // SAFETY: the registry lock keeps the thread from releasing its slot (and exiting)
    // meanwhile, so the pthread handle names a live thread.
    let sent = unsafe { libc::pthread_kill(slot.pthread() as libc::pthread_t, signal) } == 0;
    if !sent {
        slot.capture.cancel();
    }
    sent
}
