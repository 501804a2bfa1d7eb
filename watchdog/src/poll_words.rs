//! The two words a wrapper's poll writes into its thread's slot: its [`Blame`] and its
//! task word ([`crate::state_word::task_word`]), side by side.
//!
//! A wrapper keeps them in this order and a slot has room for them in the same order
//! (`Slot::enter_idle_words`), so on x86-64 a poll copies both with one 16-byte load
//! and one 16-byte store, where two loads and two stores would do it otherwise.
//!
//! ```text
//! wrapper: [blame | task]  --movups-->  slot: [state | seq | blame | task | ...]
//! ```

use crate::blame::Blame;

/// A wrapper's blame and task word, in the order a slot stores them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PollWords {
    /// Who the poll blames (origin and scope).
    pub(crate) blame: Blame,
    /// The task polling it, as a task word ([`crate::state_word::UNKNOWN_TASK`] until a
    /// first poll asks).
    pub(crate) task: u64,
}

impl PollWords {
    /// The words of a poll blaming `blame`, from the task of task word `task`.
    #[inline]
    pub(crate) fn new(blame: Blame, task: u64) -> PollWords {
        PollWords { blame, task }
    }
}

// The 16-byte copy needs the task right after the blame, with no padding between.
#[cfg(target_arch = "x86_64")]
const _: () = assert!(std::mem::offset_of!(PollWords, task) == 8);
#[cfg(target_arch = "x86_64")]
const _: () = assert!(std::mem::size_of::<PollWords>() == 16);
