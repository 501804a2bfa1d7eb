//! tokio task ids as numbers. `task::Id` has no numeric accessor; its `Hash` writes
//! exactly one `u64`, which is the number it prints.

use std::hash::{Hash, Hasher};

#[derive(Default)]
struct CaptureU64(u64);

impl Hasher for CaptureU64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// The number of a tokio task id.
#[inline]
pub(crate) fn number(id: tokio::task::Id) -> u64 {
    let mut hasher = CaptureU64::default();
    id.hash(&mut hasher);
    hasher.finish()
}

/// The number of the current tokio task, or 0 outside of one.
pub(crate) fn current() -> u64 {
    tokio::task::try_id().map_or(0, number)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn matches_the_printed_id() {
        let id = tokio::spawn(async { tokio::task::id() }).await.unwrap();
        assert_eq!(super::number(id).to_string(), id.to_string());
    }
}
