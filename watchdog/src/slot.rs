//! Per-thread slots: what each thread is polling right now, and since when.
//!
//! Each thread that polls instrumented code owns one cache-padded slot, written only by
//! that thread and read by the watchdog without ever blocking the owner.
//!
//! The common case, an outermost poll, costs one release store of the slot's `state`
//! word on entry and one on exit: the word packs the idle bit, the poll id and the
//! start (or end) tick ([`crate::state_word`]). The poll's own two fields (its blame,
//! origin and scope in one word, see [`crate::blame`], and its task) are written
//! *before* the state word says "busy", and the state word names the poll, so a reader
//! that sees the same state word before and after reading the fields has a consistent
//! copy. The rare writes
//! that change fields while a poll runs (a nested wrapper, `block_in_place`) go through
//! a single-writer sequence lock (`seq`) that the reader checks as well.
//!
//! Slots live in a fixed lock-free table (the signal handler searches it) and are
//! reused when their thread exits.

use std::ptr;
use std::sync::atomic::{
    fence, AtomicBool, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::blame::Blame;
use crate::capture_buffer::CaptureBuffer;
use crate::clock;
use crate::origin::Origin;
use crate::poll_words::PollWords;
use crate::state_word;

/// How many threads can be watched at once; threads beyond this run unwatched.
pub(crate) const MAX_SLOTS: usize = 4096;

/// Whether any watchdog has been enabled in this process. Until then the poll path
/// does nothing but keep the scope.
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

#[inline(always)]
pub(crate) fn armed() -> bool {
    ARMED.load(Ordering::Relaxed)
}

/// One thread's slot.
///
/// `repr(C)` keeps every field the poll path writes in the first 64 bytes, so a poll
/// touches one cache line of its slot (the compiler would otherwise be free to put the
/// capture buffer between them); the 128-byte alignment keeps slots of different threads
/// off each other's lines and the adjacent-line prefetcher's pairs.
#[repr(C, align(128))]
pub(crate) struct Slot {
    /// Stamp, poll id and busy bit ([`crate::state_word`]): written last on entry and
    /// on exit (release).
    state: AtomicU64,
    /// Sequence lock for writes made while a poll runs (odd while writing).
    seq: AtomicU64,
    /// The origin and scope blamed ([`Blame`]).
    blame: AtomicUsize,
    /// The task word ([`state_word::task_word`]).
    task: AtomicU64,
    /// The coarse clock's stamp ([`clock::now_stamp`]), copied here by every advance of
    /// the clock ([`publish_stamp`]) so that the poll path reads it from the line it
    /// writes anyway: a static of this crate is reached from the code a generic wrapper
    /// compiles into the program through a GOT load, and its address would be one more
    /// register kept across the inner poll.
    stamp: AtomicU64,
    /// `stamp | IDLE`, copied with it.
    idle_stamp: AtomicU64,
    exempt: AtomicU32,

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
    pub(crate) busy: bool,
    pub(crate) exempt: u32,
    pub(crate) poll_id: u64,
    /// When the running poll started (or, after a `block_in_place`, went on); while idle,
    /// when the latest one ended.
    pub(crate) start_tick: u64,
    pub(crate) origin: Origin,
    pub(crate) task_id: u64,
    pub(crate) scope: u64,
    /// The id and end tick of the latest poll that ended, while the slot is idle.
    pub(crate) ended: Option<(u64, u64)>,
}

impl Snapshot {
    /// Whether a poll is running on the slot's thread.
    pub(crate) fn busy(&self) -> bool {
        self.busy
    }
}

/// Who owns a slot: used in reports.
#[derive(Clone, Debug)]
pub(crate) struct Owner {
    pub(crate) thread_name: Option<Arc<str>>,
    pub(crate) worker: Option<usize>,
}

/// The slot of every thread that has none: before its first armed poll, when the slot
/// table is full, and once it has started exiting. It is always busy and never written,
/// so the poll path's busy test alone sends such a thread out of line (see
/// `poll_guard::watch_poll`), with no null test on the pointer.
pub(crate) static UNCLAIMED: Slot = Slot::new(0);

impl Slot {
    const fn new(state: u64) -> Slot {
        Slot {
            state: AtomicU64::new(state),
            seq: AtomicU64::new(0),
            exempt: AtomicU32::new(0),
            blame: AtomicUsize::new(0),
            task: AtomicU64::new(state_word::UNKNOWN_TASK),
            stamp: AtomicU64::new(0),
            idle_stamp: AtomicU64::new(state_word::IDLE),
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

    /// Reads a consistent snapshot, or `None` if the owner kept writing meanwhile. Its
    /// ticks are decoded relative to `now`, the reader's current tick.
    pub(crate) fn snapshot(&self, now: u64) -> Option<Snapshot> {
        for _ in 0..64 {
            let state = self.state.load(Ordering::Acquire);
            let seq = self.seq.load(Ordering::Acquire);
            if seq % 2 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let busy = state_word::is_busy(state);
            let blame = Blame::from_bits(self.blame.load(Ordering::Relaxed));
            let poll_id = state_word::poll_id(state);
            let tick = clock::tick_of_stamp(state_word::stamp(state), now);
            let snapshot = Snapshot {
                busy,
                exempt: self.exempt.load(Ordering::Relaxed),
                poll_id,
                start_tick: tick,
                origin: blame.origin(),
                task_id: state_word::task_id(self.task.load(Ordering::Relaxed)),
                scope: blame.scope(),
                ended: (!busy).then_some((poll_id, tick)),
            };
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == seq
                && self.state.load(Ordering::Relaxed) == state
            {
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
        state_word::poll_id(self.state.load(Ordering::Relaxed))
    }

    /// The id of the latest outermost poll started on this slot: its threads' polls
    /// counted modulo 2^32 (a reused slot keeps counting; see
    /// [`state_word::polls_between`]).
    pub(crate) fn latest_poll_id(&self) -> u64 {
        state_word::poll_id(self.state.load(Ordering::Relaxed))
    }

    /// Whether this is [`UNCLAIMED`], the slot of threads that have none.
    #[inline(always)]
    pub(crate) fn is_unclaimed(&self) -> bool {
        ptr::eq(self, &UNCLAIMED)
    }

    /// Whether a poll is running, as the owner thread sees it.
    #[inline(always)]
    pub(crate) fn busy_on_owner(&self) -> bool {
        state_word::is_busy(self.state.load(Ordering::Relaxed))
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

    /// Owner: starts an outermost poll on an idle slot whose state word is `state`.
    /// Returns the poll's id ([`state_word::next_poll`]), which [`Slot::exit_outermost`]
    /// is given back.
    #[inline(always)]
    pub(crate) fn enter_idle(&self, state: u64, blame: Blame, task: u64) -> u64 {
        // Keeps the previous exit's state store ahead of the field stores below, so a
        // reader that saw the previous poll busy cannot mix in this poll's fields (on
        // x86 only the compiler is held: stores are not reordered with stores).
        fence(Ordering::Release);
        // Stored whether or not they changed: the state store below dirties this cache
        // line anyway, and a store costs less than a load, a compare and a branch.
        self.blame.store(blame.to_bits(), Ordering::Relaxed);
        self.task.store(task, Ordering::Relaxed);
        // Next poll id, busy, since now: publishes the fields above. The stamp is an
        // atomic load here, not [`Slot::stamp_plus`]: this entry's caller (a runtime
        // hook) keeps the id after the store, and the `add` would overwrite its register,
        // costing a copy (and the hook's other loads were no longer folded).
        let poll = state_word::next_poll(state);
        self.state.store(
            state_word::busy(poll, self.stamp.load(Ordering::Relaxed)),
            Ordering::Release,
        );
        poll
    }

    /// Owner: [`Slot::enter_idle`] for a wrapper's poll, whose blame and task are read
    /// from where the wrapper keeps them. On x86-64 they are copied with one 16-byte load
    /// and one 16-byte store ([`PollWords`]): each aligned 8-byte half of the store is
    /// single-copy atomic, as the two relaxed stores it replaces are, and a reader
    /// checks the state word around the two fields either way.
    #[inline(always)]
    pub(crate) fn enter_idle_words(&self, state: u64, words: &PollWords) -> u64 {
        fence(Ordering::Release);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `PollWords` is 16 bytes (checked where it is defined), read from a
        // valid reference; the store goes to `blame` and `task`, two aligned atomic
        // words of `self`, adjacent (checked below), which only the owner writes.
        unsafe {
            use std::arch::x86_64::{__m128i, _mm_loadu_si128};
            let pair = _mm_loadu_si128(words as *const PollWords as *const __m128i);
            std::arch::asm!(
                "movups xmmword ptr [{slot} + {offset}], {pair}",
                slot = in(reg) self as *const Slot,
                offset = const std::mem::offset_of!(Slot, blame),
                pair = in(xmm_reg) pair,
                options(nostack, preserves_flags),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self.blame.store(words.blame.to_bits(), Ordering::Relaxed);
            self.task.store(words.task, Ordering::Relaxed);
        }
        let poll = state_word::next_poll(state);
        self.state.store(self.stamp_plus(poll), Ordering::Release);
        poll
    }

    /// Owner: ends the outermost `poll` that [`Slot::enter_idle`] started (only the
    /// owner writes the state word, and the id has not changed since).
    #[inline(always)]
    pub(crate) fn exit_outermost(&self, poll: u64) {
        let idle = self.idle_stamp_plus(poll);
        self.state.store(idle, Ordering::Release);
    }

    /// Owner: ends the running outermost poll, whose id it reads back from the state
    /// word (a running poll's id never changes: exempt stretches and nested wrappers
    /// keep it). Costs a load where [`Slot::exit_outermost`] needs the id kept in a
    /// register across the poll.
    #[inline(always)]
    pub(crate) fn exit_running(&self) {
        let poll = state_word::poll_id(self.state_on_owner());
        self.exit_outermost(poll);
    }

    /// The state word of `poll` running since the slot's stamp:
    /// [`state_word::busy`]`(poll, stamp)`, which adds them.
    ///
    /// On x86-64 the stamp is read by the `add` itself, one instruction where an atomic
    /// load and an add are two (the compiler does not fold atomic loads into arithmetic).
    /// The `add` reads the aligned word in one access, as a relaxed atomic load does, so
    /// it races with the scanner's stores no more than that load would.
    #[inline(always)]
    fn stamp_plus(&self, poll: u64) -> u64 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `stamp` is an aligned `AtomicU64` of `self`, read in one access.
        unsafe {
            add_word_at::<{ std::mem::offset_of!(Slot, stamp) }>(poll, self)
        }
        #[cfg(not(target_arch = "x86_64"))]
        state_word::busy(poll, self.stamp.load(Ordering::Relaxed))
    }

    /// The state word of `poll` ended at the slot's stamp: [`state_word::ended`]`(poll,
    /// idle_stamp)`, the idle stamp read as [`Slot::stamp_plus`] reads the stamp.
    #[inline(always)]
    fn idle_stamp_plus(&self, poll: u64) -> u64 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `idle_stamp` is an aligned `AtomicU64` of `self`, read in one access.
        unsafe {
            add_word_at::<{ std::mem::offset_of!(Slot, idle_stamp) }>(poll, self)
        }
        #[cfg(not(target_arch = "x86_64"))]
        state_word::ended(poll, self.idle_stamp.load(Ordering::Relaxed))
    }

    /// Copies the clock's `stamp` ([`clock::now_stamp`]) into this slot.
    fn set_stamp(&self, stamp: u64) {
        self.stamp.store(stamp, Ordering::Relaxed);
        self.idle_stamp
            .store(stamp | state_word::IDLE, Ordering::Relaxed);
    }

    /// Owner: the state word, as only the owner writes it.
    ///
    /// A plain read, not an atomic one, so that the compiler may fold it into the
    /// instruction that uses it (the exit reads only the id's half).
    #[inline(always)]
    pub(crate) fn state_on_owner(&self) -> u64 {
        // SAFETY: only the owner thread writes `state` (and nobody writes `UNCLAIMED`'s),
        // so this read is ordered after every write to it by the thread's own program
        // order; other threads only read the word, and reads do not race with reads.
        unsafe { self.state.as_ptr().read() }
    }

    /// Owner: the scope of the running poll (meaningful while busy).
    #[inline(always)]
    pub(crate) fn scope_on_owner(&self) -> u64 {
        Blame::from_bits(self.blame.load(Ordering::Relaxed)).scope()
    }

    /// Owner: a wrapper nested in a running poll takes over the blame.
    #[inline]
    pub(crate) fn enter_nested(&self, blame: Blame, task: u64) -> Saved {
        let saved = Saved {
            blame: self.blame.load(Ordering::Relaxed),
            task: self.task.load(Ordering::Relaxed),
        };
        self.write_running(blame.to_bits(), task);
        saved
    }

    /// Owner: changes who is blamed for the running poll, under the sequence lock.
    #[inline]
    fn write_running(&self, blame: usize, task: u64) {
        self.begin_write();
        self.blame.store(blame, Ordering::Relaxed);
        self.task.store(task, Ordering::Relaxed);
        self.end_write();
    }

    /// Owner: a nested wrapper's poll ended; the blame goes back to the outer one.
    #[inline]
    pub(crate) fn exit_nested(&self, saved: Saved) {
        self.write_running(saved.blame, saved.task);
    }

    pub(crate) fn set_exempt(&self, entering: bool) {
        let exempt = self.exempt.load(Ordering::Relaxed);
        self.begin_write();
        if entering {
            self.exempt.store(exempt + 1, Ordering::Relaxed);
        } else {
            let exempt = exempt.saturating_sub(1);
            self.exempt.store(exempt, Ordering::Relaxed);
            if exempt == 0 {
                // The exempt stretch does not count against the rest of the poll: it
                // starts again now, as the same poll.
                let state = self.state.load(Ordering::Relaxed);
                let restamped = state_word::restamped(state, self.stamp.load(Ordering::Relaxed));
                self.state.store(restamped, Ordering::Release);
            }
        }
        self.end_write();
    }
}

/// `value` plus the 8-byte word at `OFFSET` bytes into `slot`, read by the `add`.
///
/// # Safety
/// The word must be an aligned `AtomicU64` field of `slot`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn add_word_at<const OFFSET: usize>(value: u64, slot: &Slot) -> u64 {
    let sum: u64;
    // SAFETY: the caller names an aligned atomic word of `slot`: a single aligned 8-byte
    // read, which is what a relaxed atomic load compiles to on x86-64. `readonly`: it
    // writes nothing. Not `pure`, which would let the compiler move it, say, ahead of an
    // inner poll that writes no memory (a spinning stall): the exit must read the stamp
    // of when the poll ended.
    unsafe {
        std::arch::asm!(
            "add {sum}, qword ptr [{slot} + {offset}]",
            sum = inout(reg) value => sum,
            slot = in(reg) slot as *const Slot,
            offset = const OFFSET,
            options(readonly, nostack),
        );
    }
    sum
}

// The 16-byte store of `Slot::enter_idle_words` writes the blame and then the task.
#[cfg(target_arch = "x86_64")]
const _: () = assert!(std::mem::offset_of!(Slot, task) == std::mem::offset_of!(Slot, blame) + 8);

/// Who was blamed for the running poll before a nested wrapper took over.
#[derive(Clone, Copy)]
pub(crate) struct Saved {
    blame: usize,
    task: u64,
}

/// Copies the clock's new `stamp` into every registered slot, free ones included (the
/// clock calls it on each advance). A slot claimed meanwhile copies the clock itself
/// ([`claim`]); at worst it keeps the previous stamp until the next advance, dating a
/// poll a tick early, never late.
pub(crate) fn publish_stamp(stamp: u64) {
    for slot in slots() {
        slot.set_stamp(stamp);
    }
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

pub(crate) fn claim() -> Option<&'static Slot> {
    let _registry = lock_registry();
    let slot = match slots().find(|slot| !slot.in_use()) {
        Some(slot) => slot,
        None => {
            let index = SLOT_COUNT.load(Ordering::Relaxed);
            if index >= MAX_SLOTS {
                return None;
            }
            let slot: &'static Slot = Box::leak(Box::new(Slot::new(state_word::IDLE)));
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
    slot.tid
        .store(crate::thread_identity::thread_id(), Ordering::Relaxed);
    slot.pthread
        .store(crate::thread_identity::pthread_self(), Ordering::Relaxed);
    // After the slot is in the table, so that an advance of the clock after this reaches
    // it as well.
    slot.set_stamp(clock::now_stamp());
    slot.in_use.store(true, Ordering::Release);
    Some(slot)
}

pub(crate) fn release(slot: &'static Slot) {
    let _registry = lock_registry();
    slot.begin_write();
    slot.exempt.store(0, Ordering::Relaxed);
    let state = slot.state.load(Ordering::Relaxed);
    slot.state.store(
        state_word::idle(state, slot.stamp.load(Ordering::Relaxed)),
        Ordering::Release,
    );
    slot.end_write();
    slot.tid.store(0, Ordering::Relaxed);
    slot.pthread.store(0, Ordering::Relaxed);
    slot.in_use.store(false, Ordering::Release);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::stamp_of;
    use crate::state_word::task_word;
    use std::panic::Location;
    use std::sync::atomic::AtomicBool;

    struct StopOnDrop<'a>(&'a AtomicBool);

    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    fn leaked_slot() -> &'static Slot {
        Box::leak(Box::new(Slot::new(state_word::IDLE)))
    }

    /// The blame a poll with id `poll_id` writes, as (task, origin word): outer is
    /// `(3 id, 28 id + 1)`, a nested wrapper inside it `(3 id + 1, 28 id + 5)` (origin
    /// words with a location's tag, never looked up).
    fn blame(poll_id: u64, nested: bool) -> (u64, usize) {
        let extra = u64::from(nested);
        let origin = (7 * poll_id + extra) << 2 | 1;
        (3 * poll_id + extra, origin as usize)
    }

    #[test]
    fn a_reader_never_mixes_the_fields_of_two_polls() {
        let slot = leaked_slot();
        let enough = AtomicBool::new(false);
        std::thread::scope(|threads| {
            threads.spawn(|| {
                // The owner: polls back to back, each with blame derived from its id,
                // and a nested wrapper changing the blame in the middle.
                while !enough.load(Ordering::Relaxed) {
                    let state = slot.state_on_owner();
                    let poll_id = state_word::poll_id(state_word::next_poll(state));
                    let (task_id, origin) = blame(poll_id, false);
                    let (origin, task) = (Blame::from_bits(origin), task_word(task_id));
                    // Every other poll enters as a wrapper does, its two words copied
                    // together.
                    let poll = if poll_id.is_multiple_of(2) {
                        slot.enter_idle_words(state, &PollWords::new(origin, task))
                    } else {
                        slot.enter_idle(state, origin, task)
                    };
                    let (task_id, origin) = blame(poll_id, true);
                    let saved = slot.enter_nested(Blame::from_bits(origin), task_word(task_id));
                    slot.exit_nested(saved);
                    slot.exit_outermost(poll);
                }
            });
            // Stops the owner however the reader ends: a failed assertion must fail the
            // test, not leave the scope waiting for the owner forever.
            let _stop = StopOnDrop(&enough);
            let mut busy_seen = 0u32;
            let mut polls_seen = std::collections::HashSet::new();
            while busy_seen < 20_000 || polls_seen.len() < 100 {
                let Some(snapshot) = slot.snapshot(clock::now_tick()) else {
                    continue;
                };
                if snapshot.busy {
                    let seen = (snapshot.task_id, snapshot.origin.to_bits());
                    assert!(
                        seen == blame(snapshot.poll_id, false)
                            || seen == blame(snapshot.poll_id, true),
                        "poll {} read with the blame {seen:?} of another poll",
                        snapshot.poll_id
                    );
                    busy_seen += 1;
                    polls_seen.insert(snapshot.poll_id);
                }
            }
        });
    }

    #[test]
    fn a_wrappers_words_are_read_back_as_its_blame_and_task() {
        let slot = leaked_slot();
        let origin = Origin::named("slot-words", Location::caller());
        for (scope, task_id) in [(0, 0), (9, 1 << 40), (3, 77)] {
            let words = PollWords::new(Blame::new(origin, scope), task_word(task_id));
            let poll = slot.enter_idle_words(slot.state_on_owner(), &words);
            let busy = slot.snapshot(clock::now_tick()).expect("a stable snapshot");
            assert_eq!(
                (
                    busy.busy,
                    busy.poll_id,
                    busy.origin,
                    busy.scope,
                    busy.task_id
                ),
                (true, poll, origin, scope, task_id)
            );
            slot.exit_running();
            let idle = slot.snapshot(clock::now_tick()).expect("a stable snapshot");
            assert_eq!(
                (idle.busy, idle.ended.map(|(id, _)| id)),
                (false, Some(poll))
            );
        }
    }

    #[test]
    fn a_poll_across_the_wrap_of_ids_and_stamps_reads_as_itself() {
        let slot = leaked_slot();
        let wrap = clock::STAMP_RANGE;
        // The latest poll ended with the last id, just before the stamp's 31 bits wrap.
        let last = state_word::idle(u64::from(u32::MAX), stamp_of(wrap - 3));
        slot.state.store(last, Ordering::Relaxed);
        let idle = slot.snapshot(wrap + 10).expect("a stable snapshot");
        assert_eq!(idle.ended, Some((u64::from(u32::MAX), wrap - 3)));
        // The next poll starts after the wrap: id 0, dated right, busy.
        let next = state_word::busy(state_word::next_poll(last), stamp_of(wrap + 2));
        slot.state.store(next, Ordering::Relaxed);
        let busy = slot.snapshot(wrap + 10).expect("a stable snapshot");
        assert_eq!(
            (busy.busy, busy.poll_id, busy.start_tick, busy.ended),
            (true, 0, wrap + 2, None)
        );
        // Read two wraps later than the stamp, the same word still decodes to a start
        // within the last 2^30 ticks, never ahead of the reader.
        let late = slot.snapshot(3 * wrap + 10).expect("a stable snapshot");
        assert_eq!(late.start_tick, 3 * wrap + 2);
    }

    #[test]
    fn leaving_an_exempt_stretch_restarts_the_same_poll() {
        let slot = leaked_slot();
        let origin = Origin::location(Location::caller());
        let poll = slot.enter_idle(slot.state_on_owner(), Blame::new(origin, 2), task_word(1));
        let busy = slot.state_on_owner();
        // Dated 2^30 ticks away from the clock, which no test moves that far.
        let long_ago = state_word::restamped(busy, clock::now_stamp() ^ (1 << 62));
        slot.state.store(long_ago, Ordering::Relaxed);
        slot.set_exempt(true);
        assert_eq!(slot.state_on_owner(), long_ago, "entering keeps the start");
        slot.set_exempt(false);
        let after = slot.state_on_owner();
        assert!(state_word::is_busy(after));
        assert_eq!(state_word::poll_id(after), state_word::poll_id(busy));
        assert_ne!(
            state_word::stamp(after),
            state_word::stamp(long_ago),
            "the rest of the poll starts now"
        );
        assert_eq!(state_word::poll_id(after), poll);
        slot.exit_outermost(poll);
        assert!(!slot.busy_on_owner());
        assert_eq!(slot.latest_poll_id(), state_word::poll_id(busy));
    }
}
