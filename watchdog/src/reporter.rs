//! The reporter thread: symbolizes stacks and hands reports to the sinks.
//!
//! Symbolization is slow the first time (it loads debug info) and takes locks; it lives
//! here so the scanner never waits for it.

use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
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

/// How long the reporter waits for symbols at shutdown before it reports the stalls it
/// holds anyway (symbolizing them inline).
const SHUTDOWN_SYMBOL_WAIT: Duration = Duration::from_secs(30);

/// How often the reporter looks whether symbols are ready while it holds stalls back.
const READY_POLL: Duration = Duration::from_millis(2);

/// The reporter thread's state.
struct Reporter {
    shared: Arc<Shared>,
    sinks: Sinks,
    /// Symbolized frames of live stalls, for their final reports.
    stacks: HashMap<u64, (Vec<Frame>, Option<String>)>,
    sources: stack::SourceCache,
    /// Stalls already shown with raw addresses, waiting for symbols (in order: once one
    /// waits, every later stall waits behind it, so reports keep their order).
    backlog: VecDeque<RawStall>,
}

/// Runs until told to shut down (or until every sender is gone).
///
/// Debug info loads on a thread of its own. Until it has, a stall goes out at once to
/// every sink (`tracing`, stderr, the JSON file, the callback, metrics) with raw frames,
/// and its symbolized stack follows as an update of the same `stall_key` as soon as
/// symbols are ready. [`crate::Watchdog::reports`] keeps each report once, complete.
pub(crate) fn run(messages: Receiver<Message>, shared: Arc<Shared>, sinks: Sinks) {
    stack::start_warm_up();
    let mut reporter = Reporter {
        shared,
        sinks,
        stacks: HashMap::new(),
        sources: stack::SourceCache::default(),
        backlog: VecDeque::new(),
    };
    loop {
        let message = if reporter.backlog.is_empty() {
            messages.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            messages.recv_timeout(READY_POLL)
        };
        reporter.drain_if_ready();
        match message {
            Ok(Message::Stall(raw)) => reporter.stall(raw),
            Ok(Message::NothingWatched) => reporter.sinks.notice(crate::notice::NOTHING_WATCHED),
            Ok(Message::Shutdown { emit_summary }) => {
                reporter.drain_before_exit();
                if emit_summary {
                    reporter.summary();
                }
                break;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                reporter.drain_before_exit();
                break;
            }
        }
    }
}

impl Reporter {
    fn stall(&mut self, raw: RawStall) {
        let waits = !self.backlog.is_empty() || (raw.ips.is_some() && !stack::symbols_ready());
        if waits {
            let early = early_report(&raw);
            self.sinks.report(&early);
            #[cfg(feature = "metrics")]
            crate::metrics::record(&early);
            self.backlog.push_back(raw);
        } else {
            self.deliver(raw, false);
        }
    }

    /// Symbolizes `raw` and reports it: as the update of its early report when
    /// `shown_early`, else for the first time.
    fn deliver(&mut self, raw: RawStall, shown_early: bool) {
        let mut report = build(raw, &mut self.stacks, &mut self.sources);
        report.update = shown_early;
        self.sinks.report(&report);
        #[cfg(feature = "metrics")]
        if !shown_early {
            crate::metrics::record(&report);
        }
        report.update = false;
        self.shared.record(report);
        self.shared.processed.fetch_add(1, Ordering::Release);
    }

    fn drain_if_ready(&mut self) {
        if stack::symbols_ready() {
            while let Some(raw) = self.backlog.pop_front() {
                self.deliver(raw, true);
            }
        }
    }

    /// Reports every stall held back, waiting for symbols a bounded time first.
    fn drain_before_exit(&mut self) {
        let deadline = std::time::Instant::now() + SHUTDOWN_SYMBOL_WAIT;
        while !self.backlog.is_empty()
            && !stack::symbols_ready()
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(READY_POLL);
        }
        while let Some(raw) = self.backlog.pop_front() {
            self.deliver(raw, true);
        }
    }

    fn summary(&mut self) {
        let summary = self.shared.summary();
        if summary.watched_polls == 0
            && !self
                .shared
                .nothing_watched_told
                .swap(true, Ordering::AcqRel)
        {
            self.sinks.notice(crate::notice::NOTHING_WATCHED);
        }
        self.sinks.summary(&summary);
    }
}

/// What a stall looks like before symbols are ready: its raw frames (a live report), or
/// no stack yet (a final report behind one that waits).
fn early_report(raw: &RawStall) -> StallReport {
    let mut report = describe(raw, Vec::new(), None);
    report.symbolized = false;
    match &raw.ips {
        Some(ips) => report.backtrace = stack::raw_frames(ips),
        None => {
            report.backtrace_note = Some(raw.note.clone().unwrap_or_else(|| EARLY_NOTE.to_owned()))
        }
    }
    report
}

/// The note of a report sent before symbols were ready.
pub(crate) const EARLY_NOTE: &str =
    "symbols are still loading: an update with the symbolized stack follows";

fn build(
    raw: RawStall,
    stacks: &mut HashMap<u64, (Vec<Frame>, Option<String>)>,
    sources: &mut stack::SourceCache,
) -> StallReport {
    let (backtrace, note) = match &raw.ips {
        Some(ips) => {
            let mut frames = stack::trim(stack::symbolize(ips));
            sources.name_async_bodies(&mut frames);
            let note = frames
                .is_empty()
                .then(|| "the captured stack had no frames".to_owned());
            (frames, note)
        }
        None => stacks
            .get(&raw.stall_id)
            .cloned()
            .unwrap_or_else(|| (Vec::new(), raw.note.clone())),
    };
    if raw.still_blocked {
        stacks.insert(raw.stall_id, (backtrace.clone(), note.clone()));
    } else {
        stacks.remove(&raw.stall_id);
    }
    describe(&raw, backtrace, note)
}

/// The report of `raw` with the given stack.
fn describe(raw: &RawStall, backtrace: Vec<Frame>, note: Option<String>) -> StallReport {
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
        location: info.location.clone(),
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
        symbolized: true,
        update: false,
        scope: raw.scope,
        stall_id: raw.stall_id,
        site,
        kind: raw.origin.kind(),
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
