//! Where a poll comes from: a spawn location, an annotated function, or a named task.
//!
//! The slot stores the origin as one word (a tagged pointer to `'static` data) so that
//! the poll path writes a single relaxed atomic and the watchdog can read it at any time
//! without a lock and without a dangling pointer.

use std::collections::HashMap;
use std::panic::Location;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, OnceLock};

/// A static description of an instrumented code site, written by the attribute macros
/// `#[blockwatch::main]` and `#[blockwatch::test]` through `__private::Site`
/// (`#[no_blocking]` writes an [`FnSite`]).
#[derive(Debug)]
pub struct Site {
    /// The function's path (`module_path!()` and its name).
    pub name: &'static str,
    /// `file!()` of the function.
    pub file: &'static str,
    /// `line!()` of the function.
    pub line: u32,
    /// `column!()` of the function.
    pub column: u32,
}

/// The site of a `#[no_blocking]` async fn, a constant the attribute writes per fn
/// through `__private::Watch` (and watches the fn's body with, `crate::private`): its
/// module path (`module_path!()`), its name (`slow`, `Client::fetch`), and the file, line
/// and column of its name. The module path and the name are apart so the attribute needs
/// no `concat!`; a report joins them with `::`.
///
/// ```
/// use blockwatch_watchdog::__private::Watch;
/// static SITE: Watch = Watch("app::db", "load", "src/db.rs", 3, 10);
/// # let _ = &SITE;
/// ```
#[derive(Debug)]
// Aligned to 8 on every target: its origin word takes the third tag bit (`TAG_FN_SITE`).
#[repr(align(8))]
pub struct FnSite(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub u32,
    pub u32,
);

/// The tag bits of an origin word: every non-zero origin has one of them set, so a
/// non-zero word with all clear is a pointer of another kind (see `crate::blame`).
pub(crate) const TAG_MASK: usize = 0b111;
/// The low two bits tag the origins below; clear, with the third bit set, an [`FnSite`].
const TAG_LOW: usize = 0b11;
const TAG_LOCATION: usize = 1;
const TAG_SITE: usize = 2;
const TAG_NAMED: usize = 3;
const TAG_FN_SITE: usize = 0b100;

/// A task name joined to the place it was given, interned for the life of the process.
#[derive(Debug)]
pub(crate) struct NamedOrigin {
    name: Box<str>,
    location: &'static Location<'static>,
}

/// One word naming where a poll comes from (0 means unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Origin(usize);

/// The readable form of an [`Origin`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OriginInfo {
    /// A task or function name, when one is known.
    pub(crate) name: Option<String>,
    /// `file:line:column` of the spawn site or annotated function.
    pub(crate) location: Option<String>,
    /// The file alone, for allow-list matching.
    pub(crate) file: Option<&'static str>,
    /// The line alone, for allow-list matching.
    pub(crate) line: Option<u32>,
}

impl Origin {
    /// The origin of a task spawned (or wrapped) at `location`.
    pub(crate) fn location(location: &'static Location<'static>) -> Origin {
        Origin(tagged(
            location as *const Location<'static> as usize,
            TAG_LOCATION,
        ))
    }

    /// The origin of an annotated function.
    pub(crate) fn site(site: &'static Site) -> Origin {
        Origin(tagged(site as *const Site as usize, TAG_SITE))
    }

    /// The origin of a `#[no_blocking]` async fn.
    pub(crate) fn fn_site(site: &'static FnSite) -> Origin {
        Origin(tagged(site as *const FnSite as usize, TAG_FN_SITE))
    }

    /// The origin of a named task. Names are interned: keep the set of names bounded
    /// (role names such as `"accept-loop"`, not one name per connection).
    ///
    /// The common case, a name already given at this place, is a lock-free lookup in a
    /// fixed table with no allocation; only a first sighting (or a table collision)
    /// takes the interning lock.
    #[inline]
    pub(crate) fn named(name: &str, location: &'static Location<'static>) -> Origin {
        if let Some(origin) = Origin::cached(name, location) {
            return origin;
        }
        let index = cache_index(name, location);
        let named = intern(name, location);
        // First come keeps the entry; a colliding name still works through the lock.
        let _ = NAMED_CACHE[index].compare_exchange(
            std::ptr::null_mut(),
            named as *const NamedOrigin as *mut NamedOrigin,
            Ordering::Release,
            Ordering::Relaxed,
        );
        Origin::of_named(named)
    }

    /// The origin of a name given at this place before, if the lock-free table has it
    /// (a miss does not mean the name is new: entries that collide are not cached).
    #[inline]
    pub(crate) fn cached(name: &str, location: &'static Location<'static>) -> Option<Origin> {
        let cached = NAMED_CACHE[cache_index(name, location)].load(Ordering::Acquire);
        // SAFETY: published entries are leaked `NamedOrigin`s, never freed.
        let named = unsafe { cached.as_ref() }?;
        (std::ptr::eq(named.location, location) && *named.name == *name)
            .then(|| Origin::of_named(named))
    }

    #[inline]
    fn of_named(named: &'static NamedOrigin) -> Origin {
        Origin(tagged(named as *const NamedOrigin as usize, TAG_NAMED))
    }

    /// The raw word stored in a slot.
    #[inline]
    pub(crate) fn to_bits(self) -> usize {
        self.0
    }

    /// Rebuilds an origin from a word read out of a slot.
    #[inline]
    pub(crate) fn from_bits(bits: usize) -> Origin {
        Origin(bits)
    }

    /// What kind of code the origin names, as a metrics label: `"fn"` (an annotated fn,
    /// a main future or a test body), `"task"` (a named task, `.watched`, a layer's
    /// route), `"spawn"` (known by its spawn site only), or `"unknown"`.
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) fn kind(self) -> &'static str {
        match self.0 & TAG_LOW {
            TAG_SITE => "fn",
            TAG_NAMED => "task",
            TAG_LOCATION => "spawn",
            _ if self.0 & TAG_FN_SITE != 0 => "fn",
            _ => "unknown",
        }
    }

    /// Decodes the origin into names and locations.
    pub(crate) fn info(self) -> OriginInfo {
        let pointer = self.0 & !TAG_LOW;
        // SAFETY: every tagged word was built by the constructors above from a
        // `'static` reference of the type its tag names, and is never freed.
        match self.0 & TAG_LOW {
            TAG_LOCATION => {
                // SAFETY: tagged by `Origin::location` from a `&'static Location`.
                let location = unsafe { &*(pointer as *const Location<'static>) };
                location_info(None, location)
            }
            TAG_SITE => {
                // SAFETY: tagged by `Origin::site` from a `&'static Site`.
                let site = unsafe { &*(pointer as *const Site) };
                OriginInfo {
                    name: Some(site.name.to_owned()),
                    location: Some(format!("{}:{}:{}", site.file, site.line, site.column)),
                    file: Some(site.file),
                    line: Some(site.line),
                }
            }
            TAG_NAMED => {
                // SAFETY: tagged by `Origin::of_named` from a leaked, never freed entry.
                let named = unsafe { &*(pointer as *const NamedOrigin) };
                location_info(Some(named.name.to_string()), named.location)
            }
            _ if self.0 & TAG_FN_SITE != 0 => {
                // SAFETY: tagged by `Origin::fn_site` from a `&'static FnSite`.
                let site = unsafe { &*((self.0 & !TAG_MASK) as *const FnSite) };
                let FnSite(module, name, file, line, column) = *site;
                OriginInfo {
                    name: Some(format!("{module}::{name}")),
                    location: Some(format!("{file}:{line}:{column}")),
                    file: Some(file),
                    line: Some(line),
                }
            }
            _ => OriginInfo {
                name: None,
                location: None,
                file: None,
                line: None,
            },
        }
    }
}

/// How many (name, place) pairs the lock-free lookup remembers.
const NAMED_CACHE_SIZE: usize = 1024;

static NAMED_CACHE: [AtomicPtr<NamedOrigin>; NAMED_CACHE_SIZE] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; NAMED_CACHE_SIZE];

/// FNV-1a over the name, mixed with the place's address.
#[inline]
fn cache_index(name: &str, location: &'static Location<'static>) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ (location as *const _ as u64);
    for &byte in name.as_bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (hash ^ (hash >> 29)) as usize % NAMED_CACHE_SIZE
}

/// The interned origin for a name given at a place (takes the interning lock).
#[cold]
fn intern(name: &str, location: &'static Location<'static>) -> &'static NamedOrigin {
    type Interned = HashMap<(Box<str>, usize), &'static NamedOrigin>;
    static NAMES: OnceLock<Mutex<Interned>> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let mut names = names
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let key = (Box::<str>::from(name), location as *const _ as usize);
    names.entry(key).or_insert_with(|| {
        Box::leak(Box::new(NamedOrigin {
            name: name.into(),
            location,
        }))
    })
}

fn tagged(pointer: usize, tag: usize) -> usize {
    let clear = if tag == TAG_FN_SITE {
        TAG_MASK
    } else {
        TAG_LOW
    };
    debug_assert_eq!(
        pointer & clear,
        0,
        "origin data too loosely aligned for its tag"
    );
    pointer | tag
}

fn location_info(name: Option<String>, location: &'static Location<'static>) -> OriginInfo {
    OriginInfo {
        name,
        location: Some(location.to_string()),
        file: Some(location.file()),
        line: Some(location.line()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_given_twice_at_one_place_is_one_origin() {
        let here = Location::caller();
        let first = Origin::named("origin-test-role", here);
        let again = Origin::named("origin-test-role", here);
        assert_eq!(first, again);
        assert_eq!(first.info().name.as_deref(), Some("origin-test-role"));
    }

    #[test]
    fn different_names_or_places_stay_apart() {
        let here = Location::caller();
        let there = Location::caller();
        let a = Origin::named("origin-test-a", here);
        let b = Origin::named("origin-test-b", here);
        let c = Origin::named("origin-test-a", there);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(b.info().name.as_deref(), Some("origin-test-b"));
        assert_eq!(c.info().location, Some(there.to_string()));
    }

    #[test]
    fn a_fn_site_reads_as_its_path_and_place() {
        static SITE: FnSite = FnSite("app::db", "Pool::load", "src/db.rs", 12, 9);
        let origin = Origin::fn_site(&SITE);
        assert_eq!(origin.kind(), "fn");
        let info = origin.info();
        assert_eq!(info.name.as_deref(), Some("app::db::Pool::load"));
        assert_eq!(info.location.as_deref(), Some("src/db.rs:12:9"));
        assert_eq!((info.file, info.line), (Some("src/db.rs"), Some(12)));
        // A scoped blame (an untagged pointer) still tells the fn site apart.
        let blame = crate::blame::Blame::new(origin, crate::scope::new_scope());
        assert_ne!(blame.to_bits(), origin.to_bits());
        assert_eq!(blame.origin(), origin);
    }

    #[test]
    fn colliding_names_still_resolve_through_the_lock() {
        // More names than the table has entries: some must collide.
        let here = Location::caller();
        for round in 0..2 {
            for index in 0..NAMED_CACHE_SIZE + 64 {
                let name = format!("origin-test-many-{index}");
                let origin = Origin::named(&name, here);
                assert_eq!(origin.info().name, Some(name), "round {round}");
            }
        }
    }
}
