//! Who the calling thread is, to the kernel and to pthreads: what a slot records so the
//! watchdog can find and signal its thread. A leaf: it depends on nothing in the crate.

/// The kernel id of the calling thread (0 where unsupported).
pub(crate) fn thread_id() -> i64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid has no preconditions.
        i64::from(unsafe { libc::gettid() })
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// The pthread handle of the calling thread, as a number (0 where unsupported).
pub(crate) fn pthread_self() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: pthread_self has no preconditions.
        unsafe { libc::pthread_self() as u64 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}
