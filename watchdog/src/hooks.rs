//! Runtime-wide coverage through tokio's task poll hooks (`--cfg tokio_unstable`).
//!
//! Without the cfg the hooks do not exist in tokio; [`instrument`] still compiles, leaves
//! the builder as it was, and says once (on `tracing`, or stderr) which cfg to add, so a
//! runtime is never left unwatched in silence.

use std::sync::atomic::AtomicBool;

#[cfg(tokio_unstable)]
use crate::hook_poll;
#[cfg(tokio_unstable)]
use crate::origin::Origin;
#[cfg(tokio_unstable)]
use crate::task_id;

/// What [`instrument`] says, once per process, when tokio's hooks are not compiled in.
pub(crate) const NEEDS_TOKIO_UNSTABLE: &str = "`blockwatch::instrument` needs `--cfg \
     tokio_unstable` to watch every task of a runtime; without it only futures wrapped by \
     `blockwatch::spawn`, `.watched(name)` or `#[no_blocking]` are watched. Add to \
     .cargo/config.toml: [build] rustflags = [\"--cfg\", \"tokio_unstable\"]";

/// Installs poll hooks on a tokio runtime builder so that every task of the runtime is
/// watched, named by its task id and spawn location. Needs `--cfg tokio_unstable`:
/// without it this returns the builder unchanged and warns once (a `tracing` event at
/// WARN, target `blockwatch`, or stderr) with the cfg to add.
///
/// It sets the builder's `on_before_task_poll` and `on_after_task_poll` hooks
/// (replacing any set before). The hooks do a few relaxed atomic stores: no lock, no
/// allocation, no clock read. They do not cover the `block_on` future or `LocalSet`
/// tasks; wrap those with [`WatchExt::watched`](crate::WatchExt::watched), or let
/// `#[blockwatch::main]` build the runtime, which does both.
///
/// ```
/// let mut builder = tokio::runtime::Builder::new_multi_thread();
/// let runtime = blockwatch_watchdog::instrument(&mut builder).enable_all().build().unwrap();
/// ```
pub fn instrument(builder: &mut tokio::runtime::Builder) -> &mut tokio::runtime::Builder {
    if !install(builder) {
        static TOLD: AtomicBool = AtomicBool::new(false);
        crate::notice::warn_once(&TOLD, NEEDS_TOKIO_UNSTABLE);
    }
    builder
}

/// Installs the poll hooks when tokio has them; returns whether it did.
pub(crate) fn install(builder: &mut tokio::runtime::Builder) -> bool {
    #[cfg(tokio_unstable)]
    {
        builder
            .on_before_task_poll(|meta| {
                hook_poll::hook_enter(|| {
                    (
                        Origin::location(meta.spawned_at()),
                        task_id::number(meta.id()),
                    )
                });
            })
            .on_after_task_poll(|_meta| hook_poll::hook_exit());
        true
    }
    #[cfg(not(tokio_unstable))]
    {
        let _ = builder;
        false
    }
}

/// Whether [`install`] covers every task (tokio's hooks are compiled in).
pub(crate) const COVERS_EVERY_TASK: bool = cfg!(tokio_unstable);
