//! Preallocated per-slot memory where the signal handler leaves raw frame addresses.

use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// The most frames kept per capture.
pub(crate) const MAX_FRAMES: usize = 128;

const IDLE: u32 = 0;
const REQUESTED: u32 = 1;
const WRITING: u32 = 2;
const DONE: u32 = 3;

/// A capture mailbox: the watchdog requests, the handler on the owner thread fills it.
pub(crate) struct CaptureBuffer {
    state: AtomicU32,
    poll_id: AtomicU64,
    len: AtomicUsize,
    /// Where the signal interrupted the thread (0: unknown).
    interrupted_at: AtomicUsize,
    frames: [AtomicUsize; MAX_FRAMES],
}

/// The outcome of checking on a requested capture.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Collected {
    /// The handler has not run yet.
    Pending,
    /// The handler ran: the raw addresses from the interrupted code on (the handler's
    /// and the unwinder's own frames cut off, when the interrupted address is among the
    /// frames), and the poll id it saw.
    Frames { poll_id: u64, ips: Vec<usize> },
}

impl CaptureBuffer {
    pub(crate) const fn new() -> CaptureBuffer {
        CaptureBuffer {
            state: AtomicU32::new(IDLE),
            poll_id: AtomicU64::new(0),
            len: AtomicUsize::new(0),
            interrupted_at: AtomicUsize::new(0),
            frames: [const { AtomicUsize::new(0) }; MAX_FRAMES],
        }
    }

    /// Opens a request (watchdog side). Returns false if one is still being written.
    pub(crate) fn request(&self) -> bool {
        match self.state.load(Ordering::Acquire) {
            WRITING => false,
            _ => {
                self.state.store(REQUESTED, Ordering::Release);
                true
            }
        }
    }

    /// Takes the frames if the handler is done (watchdog side); the mailbox is then idle.
    pub(crate) fn collect(&self) -> Collected {
        if self.state.load(Ordering::Acquire) != DONE {
            return Collected::Pending;
        }
        let len = self.len.load(Ordering::Relaxed).min(MAX_FRAMES);
        let ips: Vec<usize> = self.frames[..len]
            .iter()
            .map(|frame| frame.load(Ordering::Relaxed))
            .collect();
        let interrupted_at = self.interrupted_at.load(Ordering::Relaxed);
        let ips = match ips.iter().position(|&ip| ip == interrupted_at && ip != 0) {
            Some(start) => ips[start..].to_vec(),
            None => ips,
        };
        let poll_id = self.poll_id.load(Ordering::Relaxed);
        self.state.store(IDLE, Ordering::Release);
        Collected::Frames { poll_id, ips }
    }

    /// Gives up on a request that was not served in time (watchdog side). A handler
    /// that runs later finds the mailbox closed and leaves it alone.
    pub(crate) fn cancel(&self) {
        let _ = self
            .state
            .compare_exchange(REQUESTED, IDLE, Ordering::AcqRel, Ordering::Relaxed);
        if self.state.load(Ordering::Acquire) == DONE {
            self.state.store(IDLE, Ordering::Release);
        }
    }

    /// Claims an open request (handler side, async-signal-safe).
    pub(crate) fn begin_fill(&self) -> bool {
        self.state
            .compare_exchange(REQUESTED, WRITING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Stores one frame address; false when the buffer is full (handler side).
    pub(crate) fn push(&self, index: usize, ip: usize) -> bool {
        match self.frames.get(index) {
            Some(frame) => {
                frame.store(ip, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Publishes the capture (handler side). `interrupted_at` is the address the signal
    /// interrupted (0 if unknown): the frames above it are the capture's own.
    pub(crate) fn finish_fill(&self, len: usize, poll_id: u64, interrupted_at: usize) {
        self.len.store(len, Ordering::Relaxed);
        self.interrupted_at.store(interrupted_at, Ordering::Relaxed);
        self.poll_id.store(poll_id, Ordering::Relaxed);
        self.state.store(DONE, Ordering::Release);
    }
}
