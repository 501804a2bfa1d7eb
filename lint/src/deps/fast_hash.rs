//! A fast hasher for the call graph's and the caches' own tables, whose keys are short
//! names and paths (`["runtime", "scheduler"]`, `read_to_string`): std's SipHash
//! defends against keys chosen to collide, which costs more than the lookups here are
//! worth, and the keys come from the scanned code, not from an adversary with a reason to
//! slow its own lint down. The mix is a multiply and rotate per 8 bytes (the scheme of
//! rustc's FxHash), finished with a multiply-xorshift so that the bits hashbrown reads
//! for its control bytes (the top seven) depend on every input byte.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// A `HashSet` with [`FastHasher`].
pub(crate) type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher of [`FastMap`] and [`FastSet`]: not for keys an adversary picks.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        let h = self.hash.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^ (h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    /// Equal keys hash alike; keys that differ in one byte, in length only (a string
    /// hashes its length's terminator), or in how a path splits into segments do not
    /// collide here, and the top seven bits (hashbrown's control byte) take many values.
    #[test]
    fn keys_that_differ_hash_apart() {
        assert_eq!(hash("read_to_string"), hash("read_to_string"));
        assert_ne!(hash("read_to_string"), hash("read_to_strinh"));
        assert_ne!(hash("abcdefgh"), hash("abcdefgh\0"));
        let split = |p: &[&str]| hash(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_ne!(split(&["ab", "c"]), split(&["a", "bc"]));
        assert_ne!(hash(&(1usize, "x")), hash(&(2usize, "x")));
        let tops: FastSet<u64> = (0..1000).map(|i| hash(&format!("name{i}")) >> 57).collect();
        assert!(tops.len() > 100, "{} of 128 control values", tops.len());
        let mut map: FastMap<String, usize> = FastMap::default();
        for i in 0..1000 {
            map.insert(format!("name{i}"), i);
        }
        assert_eq!(map.get("name737"), Some(&737));
    }
}
