//! The runtime watchdog of blockwatch.
#![warn(missing_docs)]
