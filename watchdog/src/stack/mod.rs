//! Stacks of blocked threads: capture by signal, symbolization, trimming.
//!
//! Supported on Linux x86_64 and aarch64. Elsewhere reports carry no stack.

mod async_names;
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod signal;
mod symbolize;
mod trim;

pub(crate) use async_names::SourceCache;
pub(crate) use symbolize::{raw_frames, start_warm_up, symbolize, symbols_ready};
pub(crate) use trim::trim;

/// Whether stacks can be captured on this platform.
pub(crate) const SUPPORTED: bool = cfg!(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
));

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub(crate) use signal::{default_signal, install, request_capture, warm_up_unwinder};

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
mod unsupported {
    use crate::error::StartError;
    use crate::slot::Slot;

    pub(crate) fn default_signal() -> i32 {
        0
    }
    pub(crate) fn install(_signal: i32) -> Result<(), StartError> {
        Ok(())
    }
    pub(crate) fn request_capture(_slot: &'static Slot, _signal: i32) -> bool {
        false
    }
    pub(crate) fn warm_up_unwinder() {}
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
pub(crate) use unsupported::{default_signal, install, request_capture, warm_up_unwinder};
