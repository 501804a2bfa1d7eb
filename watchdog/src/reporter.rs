//! The reporter thread: symbolizes stacks and hands reports to the sinks.
//!
//! Symbolization is slow the first time (it loads debug info) and takes locks; it lives
//! here so the scanner never waits for it.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

use crate::origin::Origin;
use crate::report::{Frame, StallReport};
use crate::shared::Shared;
use crate::sinks::Sinks;
use crate::slot::Owner;
use crate::stack;

/// A stall as the scanner saw it: raw addresses, no names yet.
pub(crate) struct RawStall {
    pub(crate) stall_id: u64,
    pub(crate) origin: Origin,
    pub(crate) task_id: u64,
    pub(crate) scope: u64,
    pub(crate) owner: Owner,
    pub(crate) elapsed: Duration,
    pub(crate) still_blocked: bool,
    /// Raw frame addresses, when a capture succeeded.
    pub(crate) ips: Option<Vec<usize>>,
    pub(crate) note: Option<String>,
}

pub(crate) enum Message {
    Stall(RawStall),
    /// A watchdog started inside a runtime has watched no future for a while.
    NothingWatched,
    Shutdown {
        emit_summary: bool,
    },
}

/// Runs until told to shut down (or until every sender is gone).
pub(crate) fn run(messages: Receiver<Message>, shared: Arc<Shared>, mut sinks: Sinks) {
    stack::warm_up_symbolizer();
    let mut stacks: HashMap<u64, (Vec<Frame>, Option<String>)> = HashMap::new();
    let mut sources = stack::SourceCache::default();
    while let Ok(message) = messages.recv() {
        match message {
            Message::Stall(raw) => {
                let report = build(raw, &mut stacks, &mut sources);
                sinks.report(&report);
                shared.record(report);
                shared.processed.fetch_add(1, Ordering::Release);
            }
            Message::NothingWatched => sinks.notice(crate::notice::NOTHING_WATCHED),
            Message::Shutdown { emit_summary } => {
                if emit_summary {
                    let summary = shared.summary();
                    if summary.watched_polls == 0
                        && !shared.nothing_watched_told.swap(true, Ordering::AcqRel)
                    {
                        sinks.notice(crate::notice::NOTHING_WATCHED);
                    }
                    sinks.summary(&summary);
                }
                break;
            }
        }
    }
}

fn build(
    raw: RawStall,
    stacks: &mut HashMap<u64, (Vec<Frame>, Option<String>)>,
    sources: &mut stack::SourceCache,
) -> StallReport {
    let (backtrace, note) = match raw.ips {
        Some(ips) => {
            let mut frames = stack::trim(stack::symbolize(&ips));
            sources.name_async_bodies(&mut frames);
            let note = frames
                .is_empty()
                .then(|| "the captured stack had no frames".to_owned());
            (frames, note)
        }
        None => stacks
            .get(&raw.stall_id)
            .cloned()
            .unwrap_or((Vec::new(), raw.note)),
    };
    if raw.still_blocked {
        stacks.insert(raw.stall_id, (backtrace.clone(), note.clone()));
    } else {
        stacks.remove(&raw.stall_id);
    }
    let info = raw.origin.info();
    let task_id = (raw.task_id != 0).then_some(raw.task_id);
    let task = task_name(info.name.as_deref(), info.location.as_deref(), task_id);
    let site = match (&info.name, &info.location) {
        (Some(name), Some(location)) => format!("{name} at {location}"),
        (None, Some(location)) => format!("spawned at {location}"),
        _ => task.clone(),
    };
    StallReport {
        task,
        task_id,
        location: info.location,
        thread: raw
            .owner
            .thread_name
            .as_deref()
            .unwrap_or("<unnamed>")
            .to_owned(),
        worker: raw.owner.worker,
        elapsed: raw.elapsed,
        still_blocked: raw.still_blocked,
        backtrace,
        backtrace_note: note,
        scope: raw.scope,
        stall_id: raw.stall_id,
        site,
    }
}

/// What a report calls the task: its given name (`spawn_named`, `.watched`, the layer's
/// route, the annotated fn), else where it was spawned, else its tokio id. Never a bare
/// `task N` when the spawn location is known.
fn task_name(name: Option<&str>, location: Option<&str>, task_id: Option<u64>) -> String {
    match (name, location, task_id) {
        (Some(name), _, _) => name.to_owned(),
        (None, Some(location), _) => format!("spawned at {location}"),
        (None, None, Some(id)) => format!("task {id}"),
        (None, None, None) => "unnamed task".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::task_name;

    #[test]
    fn tasks_are_named_by_name_then_spawn_site_then_id() {
        assert_eq!(
            task_name(Some("GET /users/{id}"), Some("src/a.rs:1:1"), Some(3)),
            "GET /users/{id}"
        );
        assert_eq!(
            task_name(None, Some("src/a.rs:1:1"), Some(3)),
            "spawned at src/a.rs:1:1"
        );
        assert_eq!(task_name(None, None, Some(3)), "task 3");
        assert_eq!(task_name(None, None, None), "unnamed task");
    }
}
