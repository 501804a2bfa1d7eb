//! Reports are `tracing` events: target `blockwatch`, level WARN, structured fields.
//! (Its own test binary: it installs a global subscriber.)

mod support;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{builder, current_thread, StartEnabled, PATIENCE};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

type Captured = Arc<Mutex<Vec<(Level, BTreeMap<String, String>)>>>;

/// A subscriber that keeps the fields of every `blockwatch` event.
struct Capture(Captured);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "blockwatch"
    }
    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _span: &Id, _values: &Record<'_>) {}
    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((*event.metadata().level(), fields));
    }
    fn enter(&self, _span: &Id) {}
    fn exit(&self, _span: &Id) {}
}

#[inline(never)]
fn traced_sleep() {
    std::thread::sleep(Duration::from_millis(100));
    std::hint::black_box(());
}

/// Whether a WARN event with `still_blocked = true` has been captured.
fn live_event_in(captured: &Captured) -> bool {
    captured.lock().unwrap().iter().any(|(level, fields)| {
        *level == Level::WARN && fields.get("still_blocked").is_some_and(|v| v == "true")
    })
}

#[test]
fn stalls_are_warn_events_with_structured_fields() {
    let captured = Captured::default();
    tracing::subscriber::set_global_default(Capture(Arc::clone(&captured)))
        .expect("the only subscriber of this test binary");
    let watchdog = builder().start_enabled();
    let during = Arc::clone(&captured);
    current_thread().block_on(async {
        // The stall lasts until its live event has reached the subscriber: the event
        // is emitted while the task is blocked, not when it ends.
        blockwatch_watchdog::spawn_named("traced", async move {
            let start = Instant::now();
            while !live_event_in(&during) {
                assert!(start.elapsed() < PATIENCE, "no live event during the stall");
                traced_sleep();
            }
        })
        .await
        .unwrap();
    });
    watchdog
        .wait_for_report(PATIENCE, |report| !report.still_blocked)
        .expect("a final report");
    drop(watchdog);
    let events = captured.lock().unwrap().clone();
    let warnings: Vec<_> = events
        .iter()
        .filter(|(level, _)| *level == Level::WARN)
        .map(|(_, fields)| fields)
        .collect();
    // A report sent before symbols were ready is followed by an update (same
    // stall_key) with the symbolized stack; the updates are not reports of their own.
    let stalls: Vec<_> = warnings
        .iter()
        .filter(|fields| fields["update"] == "false")
        .collect();
    assert_eq!(stalls.len(), 2, "{events:?}");
    let live = stalls[0];
    assert_eq!(live["task"], "traced");
    assert_eq!(live["still_blocked"], "true");
    assert!(live["location"].contains("tracing_events.rs"), "{live:?}");
    let live_stack = warnings
        .iter()
        .find(|fields| fields["still_blocked"] == "true" && fields["symbolized"] == "true")
        .expect("the symbolized stack of the live report");
    assert_eq!(live_stack["stall_key"], live["stall_key"]);
    assert!(
        live_stack["backtrace"].contains("traced_sleep"),
        "{live_stack:?}"
    );
    for field in ["thread", "elapsed_ms", "message"] {
        assert!(live.contains_key(field), "{field} in {live:?}");
    }
    assert_eq!(stalls[1]["still_blocked"], "false");
    let summary = events
        .iter()
        .find(|(level, _)| *level == Level::INFO)
        .map(|(_, fields)| fields)
        .expect("a summary event when the watchdog stops");
    assert_eq!(summary["stalls"], "1");
}
