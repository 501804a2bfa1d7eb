//! The count of outermost polls started while a watchdog runs.
//!
//! A slot's poll id counts its polls only modulo 2^32 (it shares the state word with the
//! poll's stamp, see [`crate::state_word`]), so the scanner adds up how far each slot's
//! id moved since it last looked. It looks at least once per long scan interval (at most
//! 40 ms), far less than the 2^32 polls (seconds even at a poll per nanosecond) it would
//! take an id to come round.

use std::collections::HashMap;

use crate::slot::{self, Slot};
use crate::state_word;

/// Polls started on every slot since the count was made.
pub(crate) struct PollCount {
    /// Each slot's latest poll id when last looked at, by slot address.
    seen: HashMap<usize, u64>,
    total: u64,
}

impl PollCount {
    /// Starts counting from the slots as they are now.
    pub(crate) fn new() -> PollCount {
        let seen = slot::slots()
            .map(|slot| (key(slot), slot.latest_poll_id()))
            .collect();
        PollCount { seen, total: 0 }
    }

    /// Adds the polls started since the last look; returns the total.
    pub(crate) fn update(&mut self) -> u64 {
        for slot in slot::slots() {
            // A slot made after the count started has started every poll since: from 0.
            let seen = self.seen.entry(key(slot)).or_insert(0);
            let latest = slot.latest_poll_id();
            self.total = self
                .total
                .wrapping_add(state_word::polls_between(*seen, latest));
            *seen = latest;
        }
        self.total
    }
}

fn key(slot: &'static Slot) -> usize {
    slot as *const Slot as usize
}
