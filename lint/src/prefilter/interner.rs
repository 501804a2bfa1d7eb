//! Small ids for the identifiers of one file's text, so the name closure keeps each
//! distinct name once instead of a `String` per occurrence.
//!
//! The crate view runs inside the proc macro, which a user's cargo builds unoptimized:
//! there, a `String` per identifier and their sorting cost more than the `syn` parse the
//! closure saves (BENCHMARKS.md, "Crate view cost"), and so does the standard library's
//! SipHash. [`Interner`] hashes with [`NameHasher`], a few instructions per byte.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` keyed by short names (or small ids), hashed with [`NameHasher`].
pub(super) type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;

/// A `HashSet` of short names (or small ids), hashed with [`NameHasher`].
pub(super) type NameSet<K> = HashSet<K, BuildHasherDefault<NameHasher>>;

/// FNV-1a over the key's bytes: not resistant to chosen collisions, which names read from
/// the crate being compiled need not be, and cheap in an unoptimized build.
#[derive(Debug, Clone, Copy)]
pub(super) struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> NameHasher {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0;
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The distinct names of one text, each with its id: its index in [`Interner::names`].
///
/// An open-addressing table of ids probed linearly: the standard map's generic code, built
/// unoptimized, cost four times as much per identifier.
#[derive(Debug, Default)]
pub(super) struct Interner<'a> {
    /// Per slot, the id of the name there plus one; 0 for an empty slot. A power of two
    /// long, at most half full.
    slots: Vec<u32>,
    names: Vec<&'a str>,
    hashes: Vec<u64>,
}

impl<'a> Interner<'a> {
    /// The id of `name`, new if it was not seen before.
    pub(super) fn intern(&mut self, name: &'a str) -> u32 {
        if self.slots.len() < 2 * (self.names.len() + 1) {
            self.grow();
        }
        let hash = name_hash(name);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    let id = self.names.len() as u32;
                    self.slots[at] = id + 1;
                    self.names.push(name);
                    self.hashes.push(hash);
                    return id;
                }
                slot => {
                    let id = slot - 1;
                    if self.hashes[id as usize] == hash && self.names[id as usize] == name {
                        return id;
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The names by id.
    pub(super) fn names(&self) -> &[&'a str] {
        &self.names
    }

    /// Doubles the table (64 slots at first) and places every name again.
    fn grow(&mut self) {
        let len = (self.slots.len() * 2).max(64);
        let mask = len - 1;
        let mut slots = vec![0u32; len];
        for (id, &hash) in self.hashes.iter().enumerate() {
            let mut at = hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = id as u32 + 1;
        }
        self.slots = slots;
    }
}

/// [`NameHasher`]'s hash of `name`'s bytes.
fn name_hash(name: &str) -> u64 {
    let mut hasher = NameHasher::default();
    hasher.write(name.as_bytes());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_distinct_name_gets_one_id_in_order_of_first_sight() {
        let mut interner = Interner::default();
        let ids: Vec<u32> = ["load", "Store", "load", "read", "Store"]
            .into_iter()
            .map(|n| interner.intern(n))
            .collect();
        assert_eq!(ids, [0, 1, 0, 2, 1]);
        assert_eq!(interner.names(), ["load", "Store", "read"]);
    }

    #[test]
    fn ids_survive_the_table_growing() {
        let names: Vec<String> = (0..1000).map(|i| format!("name_{i}")).collect();
        let mut interner = Interner::default();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(interner.intern(name), i as u32);
        }
        for (i, name) in names.iter().enumerate().rev() {
            assert_eq!(interner.intern(name), i as u32, "{name}");
        }
        assert_eq!(interner.names().len(), 1000);
    }

    #[test]
    fn the_hash_tells_names_apart() {
        let hash = |name: &str| {
            let mut h = NameHasher::default();
            h.write(name.as_bytes());
            h.finish()
        };
        assert_ne!(hash("load_0"), hash("load_1"));
        assert_ne!(hash("ab"), hash("ba"));
        assert_eq!(hash("Store"), hash("Store"));
    }
}
