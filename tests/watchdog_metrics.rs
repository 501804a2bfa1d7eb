//! Feature `metrics`: every stall is a `blockwatch_stalls_total` count and a
//! `blockwatch_blocked_seconds` sample, labelled by site and kind, read back through a
//! real recorder (metrics-util's `DebuggingRecorder`). Both runtime flavors.

#[path = "support/controlled_env.rs"]
mod controlled_env;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use blockwatch::{Console, Watchdog, BLOCKED_SECONDS, STALLS_TOTAL};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

const THRESHOLD: Duration = Duration::from_millis(60);

/// Holds its thread until `live` is set by the watchdog's callback.
#[inline(never)]
fn hold_until(live: &AtomicBool) {
    let start = Instant::now();
    while !live.load(Ordering::SeqCst) {
        assert!(start.elapsed() < Duration::from_secs(20), "no live report");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One metric of a snapshot: its name, its labels, its value.
type Metric = (String, Vec<(String, String)>, DebugValue);

/// The value of `name` whose `site` label starts with `site`, and its `kind` label.
fn metric<'a>(snapshot: &'a [Metric], name: &str, site: &str) -> (String, &'a DebugValue) {
    let (_, labels, value) = snapshot
        .iter()
        .find(|(key, labels, _)| {
            key == name
                && labels
                    .iter()
                    .any(|(label, value)| label == "site" && value.starts_with(site))
        })
        .unwrap_or_else(|| panic!("no {name} for {site}: {snapshot:?}"));
    let kind = labels
        .iter()
        .find(|(label, _)| label == "kind")
        .map(|(_, value)| value.clone())
        .expect("a kind label");
    (kind, value)
}

/// The test below runs in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`): the builder's `enabled(true)` and threshold are what the
/// watchdog runs with, whatever the shell that runs the suite has set.
#[test]
fn metrics_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&["stalls_are_counted_and_timed_by_site_and_kind"]);
}

#[test]
#[ignore = "run by metrics_tests_run_in_a_controlled_environment"]
fn stalls_are_counted_and_timed_by_site_and_kind() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder
        .install()
        .expect("the only recorder of this test binary");

    let live = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&live);
    let watchdog = Watchdog::builder()
        .enabled(true)
        .threshold(THRESHOLD)
        .console(Console::Never)
        .capture_timeout(Duration::from_secs(2))
        .on_stall(move |report| {
            if report.still_blocked {
                seen.store(true, Ordering::SeqCst);
            }
        })
        .start()
        .expect("watchdog");

    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hold = Arc::clone(&live);
    current.block_on(async move {
        blockwatch::spawn_named("metered", async move { hold_until(&hold) })
            .await
            .unwrap();
    });
    assert!(watchdog.flush());
    live.store(false, Ordering::SeqCst);

    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hold = Arc::clone(&live);
    multi.block_on(async move {
        blockwatch::spawn(async move { hold_until(&hold) })
            .await
            .unwrap();
    });
    assert!(watchdog.flush());

    let snapshot: Vec<Metric> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let key = key.key();
            let labels = key
                .labels()
                .map(|label| (label.key().to_owned(), label.value().to_owned()))
                .collect();
            (key.name().to_owned(), labels, value)
        })
        .collect();

    let (kind, count) = metric(
        &snapshot,
        STALLS_TOTAL,
        "metered at tests/watchdog_metrics.rs:",
    );
    assert_eq!(kind, "task");
    assert!(matches!(count, DebugValue::Counter(1)), "{count:?}");
    let (kind, count) = metric(
        &snapshot,
        STALLS_TOTAL,
        "spawned at tests/watchdog_metrics.rs:",
    );
    assert_eq!(kind, "spawn");
    assert!(matches!(count, DebugValue::Counter(1)), "{count:?}");
    for site in ["metered at ", "spawned at "] {
        let (_, seconds) = metric(&snapshot, BLOCKED_SECONDS, site);
        let DebugValue::Histogram(samples) = seconds else {
            panic!("{BLOCKED_SECONDS} is a histogram");
        };
        assert_eq!(samples.len(), 1, "{site}: {samples:?}");
        assert!(
            samples[0].into_inner() >= THRESHOLD.as_secs_f64() * 0.5,
            "{site}: {samples:?}"
        );
    }
}
