//! Per-thread slots: what each thread is polling right now, and since when.
//!
//! Each thread that polls instrumented code owns one cache-padded slot. The owner writes
//! it on poll entry and exit with a handful of relaxed atomic stores inside a
//! single-writer sequence lock; the watchdog reads consistent snapshots without ever
//! blocking the owner. Slots live in a fixed lock-free table (the signal handler searches
//! it) and are reused when their thread exits.

use std::cell::Cell;
use std::ptr;
use std::sync::atomic::{
    fence, AtomicBool, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock;
use crate::origin::Origin;
use crate::stack::buffer::CaptureBuffer;

/// How many threads can be watched at once; threads beyond this run unwatched.
pub(crate) const MAX_SLOTS: usize = 4096;

/// Whether any watchdog has been enabled in this process. Until then the poll path
/// does nothing at all.
static ARMED: AtomicBool = AtomicBool::new(false);

static SLOTS: [AtomicPtr<Slot>; MAX_SLOTS] = [const { AtomicPtr::new(ptr::null_mut()) }; MAX_SLOTS];
static SLOT_COUNT: AtomicUsize = AtomicUsize::new(0);
/// Serializes claiming and releasing slots, and signalling their threads (a thread
/// cannot exit while the watchdog is sending it a signal).
static REGISTRY: Mutex<()> = Mutex::new(());

/// Turns the poll path on for the rest of the process.
pub(crate) fn arm() {
    ARMED.store(true, Ordering::Relaxed);
}

#[inline]
fn armed() -> bool {
    ARMED.load(Ordering::Relaxed)
}

/// One thread's slot.
#[repr(align(128))]
pub(crate) struct Slot {
    seq: AtomicU64,
    depth: AtomicU32,
    exempt: AtomicU32,
    poll_id: AtomicU64,
    start_tick: AtomicU64,
    origin: AtomicUsize,
    task_id: AtomicU64,
    scope: AtomicU64,
    ended_poll_id: AtomicU64,
    ended_tick: AtomicU64,

    in_use: AtomicBool,
    tid: AtomicI64,
    pthread: AtomicU64,
    worker: AtomicI64,
    thread_name: Mutex<Option<Arc<str>>>,

    /// Where the signal handler leaves this thread's stack.
    pub(crate) capture: CaptureBuffer,
}

/// A consistent copy of a slot's poll state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) depth: u32,
    pub(crate) exempt: u32,
    pub(crate) poll_id: u64,
    pub(crate) start_tick: u64,
    pub(crate) origin: Origin,
    pub(crate) task_id: u64,
    pub(crate) scope: u64,
    pub(crate) ended_poll_id: u64,
    pub(crate) ended_tick: u64,
}

impl Snapshot {
    /// Whether a poll is running on the slot's thread.
    pub(crate) fn busy(&self) -> bool {
        self.depth > 0
    }
}

/// Who owns a slot: used in reports.
#[derive(Clone, Debug)]
pub(crate) struct Owner {
    pub(crate) thread_name: Option<Arc<str>>,
    pub(crate) worker: Option<usize>,
}

impl Slot {
    fn new() -> Slot {
        Slot {
            seq: AtomicU64::new(0),
            depth: AtomicU32::new(0),
            exempt: AtomicU32::new(0),
            poll_id: AtomicU64::new(0),
            start_tick: AtomicU64::new(0),
            origin: AtomicUsize::new(0),
            task_id: AtomicU64::new(0),
            scope: AtomicU64::new(0),
            ended_poll_id: AtomicU64::new(0),
            ended_tick: AtomicU64::new(0),
            in_use: AtomicBool::new(false),
            tid: AtomicI64::new(0),
            pthread: AtomicU64::new(0),
            worker: AtomicI64::new(-1),
            thread_name: Mutex::new(None),
            capture: CaptureBuffer::new(),
        }
    }

    #[inline]
    fn begin_write(&self) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
    }

    #[inline]
    fn end_write(&self) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Release);
    }

    /// Reads a consistent snapshot, or `None` if the owner kept writing meanwhile.
    pub(crate) fn snapshot(&self) -> Option<Snapshot> {
        for _ in 0..64 {
            let before = self.seq.load(Ordering::Acquire);
            if before % 2 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let snapshot = Snapshot {
                depth: self.depth.load(Ordering::Relaxed),
                exempt: self.exempt.load(Ordering::Relaxed),
                poll_id: self.poll_id.load(Ordering::Relaxed),
                start_tick: self.start_tick.load(Ordering::Relaxed),
                origin: Origin::from_bits(self.origin.load(Ordering::Relaxed)),
                task_id: self.task_id.load(Ordering::Relaxed),
                scope: self.scope.load(Ordering::Relaxed),
                ended_poll_id: self.ended_poll_id.load(Ordering::Relaxed),
                ended_tick: self.ended_tick.load(Ordering::Relaxed),
            };
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == before {
                return Some(snapshot);
            }
        }
        None
    }

    /// The current poll id, as the owner thread sees it (signal handler).
    #[inline]
    #[cfg_attr(
        not(all(
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        )),
        allow(dead_code)
    )]
    pub(crate) fn poll_id_on_owner(&self) -> u64 {
        self.poll_id.load(Ordering::Relaxed)
    }

    /// The kernel thread id of the owner (0 when free).
    #[inline]
    #[cfg_attr(
        not(all(
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        )),
        allow(dead_code)
    )]
    pub(crate) fn tid(&self) -> i64 {
        self.tid.load(Ordering::Relaxed)
    }

    /// Thread name and worker index of the owner.
    pub(crate) fn owner(&self) -> Owner {
        let worker = self.worker.load(Ordering::Relaxed);
        Owner {
            thread_name: self
                .thread_name
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
            worker: usize::try_from(worker).ok(),
        }
    }

    /// The pthread handle of the owner, valid while the registry lock is held and the
    /// slot is in use.
    #[cfg_attr(
        not(all(
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        )),
        allow(dead_code)
    )]
    pub(crate) fn pthread(&self) -> u64 {
        self.pthread.load(Ordering::Relaxed)
    }

    /// Whether a live thread owns the slot.
    pub(crate) fn in_use(&self) -> bool {
        self.in_use.load(Ordering::Acquire)
    }

    fn enter(&self, origin: Origin, task_id: u64, scope: u64) -> Saved {
        let depth = self.depth.load(Ordering::Relaxed);
        self.begin_write();
        let saved = if depth == 0 {
            let poll_id = self.poll_id.load(Ordering::Relaxed).wrapping_add(1);
            self.poll_id.store(poll_id, Ordering::Relaxed);
            self.start_tick.store(clock::now_tick(), Ordering::Relaxed);
            Saved::Outermost
        } else {
            Saved::Nested {
                origin: self.origin.load(Ordering::Relaxed),
                task_id: self.task_id.load(Ordering::Relaxed),
                scope: self.scope.load(Ordering::Relaxed),
            }
        };
        self.origin.store(origin.to_bits(), Ordering::Relaxed);
        self.task_id.store(task_id, Ordering::Relaxed);
        self.scope.store(scope, Ordering::Relaxed);
        self.depth.store(depth + 1, Ordering::Relaxed);
        self.end_write();
        saved
    }

    fn exit(&self, saved: Saved) {
        let depth = self.depth.load(Ordering::Relaxed);
        self.begin_write();
        match saved {
            Saved::Outermost => {
                self.ended_poll_id
                    .store(self.poll_id.load(Ordering::Relaxed), Ordering::Relaxed);
                self.ended_tick.store(clock::now_tick(), Ordering::Relaxed);
                self.depth.store(0, Ordering::Relaxed);
            }
            Saved::Nested {
                origin,
                task_id,
                scope,
            } => {
                self.origin.store(origin, Ordering::Relaxed);
                self.task_id.store(task_id, Ordering::Relaxed);
                self.scope.store(scope, Ordering::Relaxed);
                self.depth.store(depth.saturating_sub(1), Ordering::Relaxed);
            }
        }
        self.end_write();
    }

    fn set_exempt(&self, entering: bool) {
        let exempt = self.exempt.load(Ordering::Relaxed);
        self.begin_write();
        if entering {
            self.exempt.store(exempt + 1, Ordering::Relaxed);
        } else {
            let exempt = exempt.saturating_sub(1);
            self.exempt.store(exempt, Ordering::Relaxed);
            if exempt == 0 {
                // The exempt stretch does not count against the rest of the poll.
                self.start_tick.store(clock::now_tick(), Ordering::Relaxed);
            }
        }
        self.end_write();
    }
}

/// What a poll entry overwrote, restored on exit (innermost wrapper wins).
#[derive(Clone, Copy)]
enum Saved {
    Outermost,
    Nested {
        origin: usize,
        task_id: u64,
        scope: u64,
    },
}

/// The slots registered so far (some may be free).
pub(crate) fn slots() -> impl Iterator<Item = &'static Slot> {
    let count = SLOT_COUNT.load(Ordering::Acquire);
    SLOTS[..count].iter().filter_map(|entry| {
        let slot = entry.load(Ordering::Acquire);
        // SAFETY: published slots are leaked boxes, never freed.
        unsafe { slot.as_ref() }
    })
}

/// Finds the slot owned by the thread with kernel id `tid`. Lock-free and
/// allocation-free: safe to call from a signal handler.
#[cfg_attr(
    not(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )),
    allow(dead_code)
)]
pub(crate) fn find_by_tid(tid: i64) -> Option<&'static Slot> {
    slots().find(|slot| slot.tid() == tid)
}

/// Holds the registry lock: slots are neither claimed nor released meanwhile.
pub(crate) fn lock_registry() -> MutexGuard<'static, ()> {
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn claim() -> Option<&'static Slot> {
    let _registry = lock_registry();
    let slot = match slots().find(|slot| !slot.in_use()) {
        Some(slot) => slot,
        None => {
            let index = SLOT_COUNT.load(Ordering::Relaxed);
            if index >= MAX_SLOTS {
                return None;
            }
            let slot: &'static Slot = Box::leak(Box::new(Slot::new()));
            SLOTS[index].store(slot as *const Slot as *mut Slot, Ordering::Release);
            SLOT_COUNT.store(index + 1, Ordering::Release);
            slot
        }
    };
    *slot
        .thread_name
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) =
        std::thread::current().name().map(Arc::from);
    let worker = tokio::runtime::worker_index().map_or(-1, |index| index as i64);
    slot.worker.store(worker, Ordering::Relaxed);
    slot.tid.store(crate::stack::thread_id(), Ordering::Relaxed);
    slot.pthread
        .store(crate::stack::pthread_self(), Ordering::Relaxed);
    slot.in_use.store(true, Ordering::Release);
    Some(slot)
}

fn release(slot: &'static Slot) {
    let _registry = lock_registry();
    slot.begin_write();
    slot.depth.store(0, Ordering::Relaxed);
    slot.exempt.store(0, Ordering::Relaxed);
    slot.end_write();
    slot.tid.store(0, Ordering::Relaxed);
    slot.pthread.store(0, Ordering::Relaxed);
    slot.in_use.store(false, Ordering::Release);
}

struct LocalSlot(Option<&'static Slot>);

impl Drop for LocalSlot {
    fn drop(&mut self) {
        if let Some(slot) = self.0 {
            release(slot);
        }
    }
}

thread_local! {
    static LOCAL: LocalSlot = LocalSlot(claim());
    static HOOK_SAVED: Cell<bool> = const { Cell::new(false) };
}

#[inline]
fn local_slot() -> Option<&'static Slot> {
    LOCAL.try_with(|local| local.0).ok().flatten()
}

/// Marks the current thread busy for as long as it lives (one instrumented poll).
pub(crate) struct PollGuard {
    active: Option<(&'static Slot, Saved)>,
}

impl PollGuard {
    /// Records a poll entry on this thread's slot.
    #[inline]
    pub(crate) fn enter(origin: Origin, task_id: u64, scope: u64) -> PollGuard {
        if !armed() {
            return PollGuard { active: None };
        }
        let active = local_slot().map(|slot| (slot, slot.enter(origin, task_id, scope)));
        PollGuard { active }
    }
}

impl Drop for PollGuard {
    #[inline]
    fn drop(&mut self) {
        if let Some((slot, saved)) = self.active.take() {
            slot.exit(saved);
        }
    }
}

/// Poll entry from a runtime hook, which has no guard to carry across to the exit hook.
/// Only an entry on an idle slot is recorded; [`hook_exit`] undoes exactly that one.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
#[inline]
pub(crate) fn hook_enter(origin: Origin, task_id: u64) {
    if !armed() {
        return;
    }
    if let Some(slot) = local_slot() {
        if slot.depth.load(Ordering::Relaxed) == 0 {
            slot.enter(origin, task_id, crate::scope::current());
            let _ = HOOK_SAVED.try_with(|saved| saved.set(true));
        }
    }
}

/// Poll exit from a runtime hook.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
#[inline]
pub(crate) fn hook_exit() {
    let entered = HOOK_SAVED
        .try_with(|saved| saved.replace(false))
        .unwrap_or(false);
    if entered {
        if let Some(slot) = local_slot() {
            slot.exit(Saved::Outermost);
        }
    }
}

/// Marks this thread's current poll exempt while it lives (`block_in_place`).
pub(crate) struct ExemptGuard {
    slot: Option<&'static Slot>,
}

impl ExemptGuard {
    /// Starts an exempt stretch, if this thread is inside an instrumented poll.
    pub(crate) fn enter() -> ExemptGuard {
        if !armed() {
            return ExemptGuard { slot: None };
        }
        let slot = local_slot().filter(|slot| slot.depth.load(Ordering::Relaxed) > 0);
        if let Some(slot) = slot {
            slot.set_exempt(true);
        }
        ExemptGuard { slot }
    }
}

impl Drop for ExemptGuard {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.set_exempt(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::Location;

    fn snapshot_here() -> Snapshot {
        local_slot()
            .expect("a slot")
            .snapshot()
            .expect("a stable snapshot")
    }

    #[test]
    fn nested_polls_blame_the_innermost_and_restore_the_outer() {
        arm();
        let outer = Origin::location(Location::caller());
        let inner = Origin::named("inner", Location::caller());
        let before = {
            let _warm = PollGuard::enter(outer, 0, 0);
            snapshot_here().poll_id
        };
        {
            let _outer = PollGuard::enter(outer, 7, 1);
            let first = snapshot_here();
            assert_eq!(
                (first.depth, first.origin, first.task_id, first.scope),
                (1, outer, 7, 1)
            );
            assert_eq!(first.poll_id, before + 1);
            {
                let _inner = PollGuard::enter(inner, 8, 2);
                let nested = snapshot_here();
                assert_eq!((nested.depth, nested.origin, nested.task_id), (2, inner, 8));
                assert_eq!(nested.poll_id, first.poll_id, "one poll of the thread");
            }
            let restored = snapshot_here();
            assert_eq!(
                (restored.depth, restored.origin, restored.scope),
                (1, outer, 1)
            );
        }
        let idle = snapshot_here();
        assert!(!idle.busy());
        assert_eq!(idle.ended_poll_id, before + 1);
    }

    #[test]
    fn exempt_stretches_are_visible_and_end_with_their_guard() {
        arm();
        let origin = Origin::location(Location::caller());
        let _poll = PollGuard::enter(origin, 0, 0);
        {
            let _exempt = ExemptGuard::enter();
            assert_eq!(snapshot_here().exempt, 1);
        }
        assert_eq!(snapshot_here().exempt, 0);
    }

    #[test]
    fn the_signal_handler_finds_a_slot_by_thread_id() {
        arm();
        let _poll = PollGuard::enter(Origin::location(Location::caller()), 0, 0);
        let slot = local_slot().expect("a slot");
        let found = find_by_tid(crate::stack::thread_id()).expect("found");
        assert!(std::ptr::eq(slot, found));
    }
}
