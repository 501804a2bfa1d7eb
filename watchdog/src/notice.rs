//! Whether `tracing` will show the watchdog's events, and one-time notices.
//!
//! The stderr fallback is decided per event level: a program whose subscriber filters
//! the `blockwatch` target out (say, a global filter at ERROR) gets the text on stderr
//! instead, so a stall, a summary or a notice is never dropped in silence.

use std::sync::atomic::{AtomicBool, Ordering};

use tracing::Level;

/// Whether the current subscriber records `blockwatch` events at `level`.
pub(crate) fn tracing_shows(level: Level) -> bool {
    // `enabled!` needs a constant level: one call site per level.
    if level == Level::ERROR {
        tracing::enabled!(target: "blockwatch", Level::ERROR)
    } else if level == Level::WARN {
        tracing::enabled!(target: "blockwatch", Level::WARN)
    } else if level == Level::INFO {
        tracing::enabled!(target: "blockwatch", Level::INFO)
    } else {
        false
    }
}

/// A warning the program should see exactly once per process (`sent` guards it): a
/// `tracing` event at WARN, and the same text on stderr when no subscriber shows it.
pub(crate) fn warn_once(sent: &AtomicBool, message: &str) {
    if sent.swap(true, Ordering::AcqRel) {
        return;
    }
    warn(message);
}

/// A warning: a `tracing` event at WARN, or stderr when no subscriber shows it.
pub(crate) fn warn(message: &str) {
    if tracing_shows(Level::WARN) {
        tracing::warn!(target: "blockwatch", "{message}");
    } else {
        eprintln!("blockwatch: {message}");
    }
}

/// What a running watchdog that has watched no future says, once.
pub(crate) const NOTHING_WATCHED: &str = "the watchdog is running but has watched no future \
     yet, so it cannot see a stall: tasks started with plain `tokio::spawn` (as axum, hyper \
     and tonic do) are not watched on stable Rust. One line fixes it: put \
     `#[blockwatch::main]` in place of `#[tokio::main]` (or wrap futures with \
     `blockwatch::spawn` or `.watched(name)`, or add `blockwatch::WatchLayer` to a tower \
     service)";
