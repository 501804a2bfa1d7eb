//! Who a poll blames, in one word: its [`Origin`], and the scope it belongs to when it
//! has one (see [`crate::scope`]).
//!
//! A poll outside any scope, the only kind a service has, blames its origin's own word,
//! with nothing to look up. A poll in a scope (a test's) blames an interned
//! `(origin, scope)` pair: a pointer whose low two bits are clear, which no non-zero
//! origin word has (each carries a tag). So a slot stores one word per poll where it
//! would otherwise store two, and a wrapper makes that word once, when it is created.
//! Interned pairs are never freed: one per origin and scope that met, bounded by the
//! sites times the tests of a process.
//!
//! ```text
//! let blame = Blame::new(origin, scope);      // once per wrapper
//! slot.blame = blame.to_bits();               // each poll
//! (blame.origin(), blame.scope())             // the reader
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::origin::{Origin, TAG_MASK};
use crate::scope::NO_SCOPE;

/// An origin and a scope, interned (the target of a scoped [`Blame`]).
#[derive(Debug)]
#[repr(align(8))]
struct Scoped {
    origin: Origin,
    scope: u64,
}

/// One word naming the origin and scope of a poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Blame(usize);

impl Blame {
    /// The blame of a poll of `origin` in `scope`.
    #[inline]
    pub(crate) fn new(origin: Origin, scope: u64) -> Blame {
        if scope == NO_SCOPE {
            Blame(origin.to_bits())
        } else {
            Blame(scoped(origin, scope) as *const Scoped as usize)
        }
    }

    /// The raw word stored in a slot.
    #[inline(always)]
    pub(crate) fn to_bits(self) -> usize {
        self.0
    }

    /// Rebuilds a blame from a word read out of a slot.
    #[inline]
    pub(crate) fn from_bits(bits: usize) -> Blame {
        Blame(bits)
    }

    /// The interned pair, for a scoped blame.
    #[inline]
    fn scoped(self) -> Option<&'static Scoped> {
        if self.0 != 0 && self.0 & TAG_MASK == 0 {
            // SAFETY: an untagged non-zero word is only ever made by `Blame::new` from a
            // leaked, never freed `Scoped`.
            Some(unsafe { &*(self.0 as *const Scoped) })
        } else {
            None
        }
    }

    /// The origin blamed.
    pub(crate) fn origin(self) -> Origin {
        self.scoped()
            .map_or(Origin::from_bits(self.0), |scoped| scoped.origin)
    }

    /// The scope of the poll ([`NO_SCOPE`] for none).
    #[inline]
    pub(crate) fn scope(self) -> u64 {
        self.scoped().map_or(NO_SCOPE, |scoped| scoped.scope)
    }
}

/// How many (origin, scope) pairs the lock-free lookup remembers.
const CACHE_SIZE: usize = 1024;

static CACHE: [AtomicPtr<Scoped>; CACHE_SIZE] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; CACHE_SIZE];

fn cache_index(origin: Origin, scope: u64) -> usize {
    let hash =
        (origin.to_bits() as u64 ^ scope.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (hash >> 54) as usize % CACHE_SIZE
}

/// The interned pair for `origin` and `scope`: a lock-free lookup for a pair met before
/// (the runtime hooks ask on every poll of a scoped thread), the interning lock for a
/// first sighting or a pair whose cache entry another pair holds. Out of line: only
/// polls in a scope get here, and the callers' hot paths stay free of its calls.
#[inline(never)]
fn scoped(origin: Origin, scope: u64) -> &'static Scoped {
    let entry = &CACHE[cache_index(origin, scope)];
    // SAFETY: published entries are leaked `Scoped`s, never freed.
    if let Some(cached) = unsafe { entry.load(Ordering::Acquire).as_ref() } {
        if cached.origin == origin && cached.scope == scope {
            return cached;
        }
    }
    let interned = intern(origin, scope);
    let _ = entry.compare_exchange(
        std::ptr::null_mut(),
        interned as *const Scoped as *mut Scoped,
        Ordering::Release,
        Ordering::Relaxed,
    );
    interned
}

#[cold]
fn intern(origin: Origin, scope: u64) -> &'static Scoped {
    type Interned = HashMap<(usize, u64), &'static Scoped>;
    static PAIRS: OnceLock<Mutex<Interned>> = OnceLock::new();
    let mut pairs = PAIRS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pairs
        .entry((origin.to_bits(), scope))
        .or_insert_with(|| Box::leak(Box::new(Scoped { origin, scope })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::Location;

    #[test]
    fn a_poll_outside_any_scope_blames_its_origin_word() {
        let origin = Origin::named("blame-test", Location::caller());
        let blame = Blame::new(origin, NO_SCOPE);
        assert_eq!(blame.to_bits(), origin.to_bits());
        assert_eq!((blame.origin(), blame.scope()), (origin, NO_SCOPE));
        let unknown = Blame::new(Origin::default(), NO_SCOPE);
        assert_eq!(
            (unknown.origin(), unknown.scope()),
            (Origin::default(), NO_SCOPE)
        );
    }

    #[test]
    fn a_scoped_poll_reads_back_its_origin_and_scope() {
        let here = Origin::location(Location::caller());
        let there = Origin::named("blame-test-other", Location::caller());
        for origin in [here, there, Origin::default()] {
            for scope in [1, 2, u64::MAX] {
                let blame = Blame::new(origin, scope);
                assert_ne!(blame.to_bits(), origin.to_bits());
                assert_eq!((blame.origin(), blame.scope()), (origin, scope));
                assert_eq!(Blame::new(origin, scope), blame, "interned once");
            }
        }
    }

    #[test]
    fn pairs_beyond_the_lock_free_table_still_intern() {
        let origin = Origin::location(Location::caller());
        for round in 0..2 {
            for scope in 1..(CACHE_SIZE as u64 + 64) {
                let blame = Blame::new(origin, scope);
                assert_eq!(
                    (blame.origin(), blame.scope()),
                    (origin, scope),
                    "round {round}"
                );
            }
        }
    }
}
