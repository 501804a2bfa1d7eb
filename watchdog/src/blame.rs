//! Who a poll blames, in one word: its [`Origin`], and the scope it belongs to when it
//! has one (see [`crate::scope`]).
//!
//! A poll outside any scope, the only kind a service has, blames its origin's own word,
//! with nothing to look up. A poll in a scope (a test's) blames an interned
//! `(origin, scope)` pair: a pointer whose tag bits (`TAG_MASK`, the low three) are all
//! clear, which no non-zero origin word has (each carries a tag). So a slot stores one
//! word per poll where it would otherwise store two, and a wrapper makes that word once,
//! when it is created.
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
            Blame(scoped(&CACHE, origin, scope) as *const Scoped as usize)
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

/// The lock-free lookup's table of interned pairs.
type Cache = [AtomicPtr<Scoped>; CACHE_SIZE];

static CACHE: Cache = [const { AtomicPtr::new(std::ptr::null_mut()) }; CACHE_SIZE];

fn cache_index(origin: Origin, scope: u64) -> usize {
    let hash =
        (origin.to_bits() as u64 ^ scope.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (hash >> 54) as usize % CACHE_SIZE
}

/// How many neighbouring cache entries a pair may take: a pair whose first choice another
/// pair holds is still found without the lock, unless all of them are taken.
const PROBES: usize = 4;

/// The interned pair for `origin` and `scope`: a lock-free lookup for a pair met before
/// (the runtime hooks ask on every poll of a scoped thread), the interning lock only for a
/// first sighting, or when the pair's `PROBES` cache entries all hold other pairs. Out of
/// line: only polls in a scope get here, and the callers' hot paths stay free of its calls.
#[inline(never)]
fn scoped(cache: &Cache, origin: Origin, scope: u64) -> &'static Scoped {
    let first = cache_index(origin, scope);
    let entries = (0..PROBES).map(|k| &cache[(first + k) % CACHE_SIZE]);
    for entry in entries.clone() {
        // SAFETY: published entries are leaked `Scoped`s, never freed.
        match unsafe { entry.load(Ordering::Acquire).as_ref() } {
            Some(cached) if cached.origin == origin && cached.scope == scope => return cached,
            Some(_) => {}
            None => break,
        }
    }
    let interned = intern(origin, scope);
    let published = interned as *const Scoped as *mut Scoped;
    for entry in entries {
        match entry.compare_exchange(
            std::ptr::null_mut(),
            published,
            Ordering::Release,
            Ordering::Acquire,
        ) {
            Ok(_) => break,
            Err(held) if held == published => break,
            Err(_) => {}
        }
    }
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
    fn a_pair_whose_first_entry_is_taken_is_cached_in_a_neighbour() {
        // A table of its own: the process-wide one is shared with the other tests.
        let cache: Cache = [const { AtomicPtr::new(std::ptr::null_mut()) }; CACHE_SIZE];
        let origin = Origin::location(Location::caller());
        let first = 1u64 << 40;
        let wanted = cache_index(origin, first);
        let colliding: Vec<u64> = (first..)
            .filter(|&s| cache_index(origin, s) == wanted)
            .take(PROBES + 1)
            .collect();
        let interned: Vec<&Scoped> = colliding
            .iter()
            .map(|&s| scoped(&cache, origin, s))
            .collect();
        let held = |pair: &Scoped| {
            (0..PROBES).any(|k| {
                std::ptr::eq(
                    cache[(wanted + k) % CACHE_SIZE].load(Ordering::Acquire),
                    pair,
                )
            })
        };
        // The first PROBES pairs of one entry are all found without the lock; the next
        // one is still interned right, through it.
        assert!(interned[..PROBES].iter().all(|p| held(p)));
        assert!(!held(interned[PROBES]));
        for (&s, pair) in colliding.iter().zip(&interned) {
            assert!(std::ptr::eq(scoped(&cache, origin, s), *pair));
            assert_eq!((pair.origin, pair.scope), (origin, s));
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
