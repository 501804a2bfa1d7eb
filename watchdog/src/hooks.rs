//! Runtime-wide coverage through tokio's task poll hooks (`--cfg tokio_unstable`).

use crate::origin::Origin;
use crate::slot;
use crate::task_id;

/// Installs poll hooks on a tokio runtime builder so that every task of the runtime is
/// watched, named by its task id and spawn location. Requires `--cfg tokio_unstable`.
///
/// It sets the builder's `on_before_task_poll` and `on_after_task_poll` hooks
/// (replacing any set before). The hooks do a few relaxed atomic stores: no lock, no
/// allocation, no clock read. They do not cover the `block_on` future or `LocalSet`
/// tasks; wrap those with [`WatchExt::watched`](crate::WatchExt::watched).
///
/// ```
/// # #[cfg(tokio_unstable)]
/// # {
/// let mut builder = tokio::runtime::Builder::new_multi_thread();
/// let runtime = blockwatch_watchdog::instrument(&mut builder).enable_all().build().unwrap();
/// # }
/// ```
pub fn instrument(builder: &mut tokio::runtime::Builder) -> &mut tokio::runtime::Builder {
    builder
        .on_before_task_poll(|meta| {
            slot::hook_enter(
                Origin::location(meta.spawned_at()),
                task_id::number(meta.id()),
            );
        })
        .on_after_task_poll(|_meta| slot::hook_exit())
}
