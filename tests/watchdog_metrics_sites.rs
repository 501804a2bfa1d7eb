//! Feature `metrics` on the sites a service has: a stall of the `#[blockwatch::main]`
//! future is counted with `kind = "fn"` and the fn's name, a stall in an axum handler
//! under `WatchLayer` with `kind = "task"` and the route template, each read back
//! through a real recorder (metrics-util's `DebuggingRecorder`). Both runtime flavors.

#[path = "../watchdog/tests/capture/mod.rs"]
mod capture;
#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/hold.rs"]
mod hold;

use axum::body::Body;
use axum::extract::Path;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use blockwatch::{WatchLayer, STALLS_TOTAL};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use tower_service::Service;

/// The stalls counted per `(site, kind)`.
fn stall_counts(snapshotter: &Snapshotter) -> Vec<(String, String, u64)> {
    let mut counts: Vec<(String, String, u64)> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, _, _, _)| key.key().name() == STALLS_TOTAL)
        .map(|(key, _, _, value)| {
            let label = |name: &str| {
                key.key()
                    .labels()
                    .find(|label| label.key() == name)
                    .map(|label| label.value().to_owned())
                    .unwrap_or_default()
            };
            let DebugValue::Counter(count) = value else {
                panic!("{STALLS_TOTAL} is a counter: {value:?}");
            };
            (label("site"), label("kind"), count)
        })
        .collect();
    counts.sort();
    counts
}

/// A sync helper that blocks the handler until its live report is out.
#[inline(never)]
fn blocking_report(id: u32) -> String {
    hold::hold_until_reported("GET /reports/{id}");
    format!("report {id}")
}

#[blockwatch::main(flavor = "current_thread")]
async fn service_main() {
    tokio::task::yield_now().await;
    hold::hold_until_reported("watchdog_metrics_sites::service_main");
}

#[blockwatch::main(worker_threads = 2)]
async fn service_with_routes() -> u16 {
    let mut app = Router::new()
        .route(
            "/reports/{id}",
            get(|Path(id): Path<u32>| async move { blocking_report(id) }),
        )
        .layer(WatchLayer::new());
    // As axum's connection tasks do: the request runs in a task of its own.
    tokio::spawn(async move {
        std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut app, cx))
            .await
            .expect("ready");
        let request = Request::get("/reports/7").body(Body::empty()).unwrap();
        app.call(request)
            .await
            .expect("a response")
            .status()
            .as_u16()
    })
    .await
    .unwrap()
}

/// The test below runs in a child whose only watchdog variable is `BLOCKWATCH=1`: on in
/// any build, with the attribute's defaults.
#[test]
fn metrics_sites_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests_with(
        &["the_main_future_and_a_route_are_counted_by_site_and_kind"],
        &[("BLOCKWATCH", "1")],
    );
}

#[test]
#[ignore = "run by metrics_sites_tests_run_in_a_controlled_environment"]
fn the_main_future_and_a_route_are_counted_by_site_and_kind() {
    capture::install();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder
        .install()
        .expect("the only recorder of this test binary");

    service_main();
    let counts = stall_counts(&snapshotter);
    assert_eq!(counts.len(), 1, "{counts:?}");
    let (site, kind, count) = &counts[0];
    assert!(
        site.starts_with(
            "watchdog_metrics_sites::service_main at tests/watchdog_metrics_sites.rs:"
        ),
        "{site}"
    );
    assert_eq!((kind.as_str(), *count), ("fn", 1));

    assert_eq!(service_with_routes(), 200);
    let counts = stall_counts(&snapshotter);
    assert_eq!(counts.len(), 2, "{counts:?}");
    let (site, kind, count) = &counts[0];
    assert!(
        site.starts_with("GET /reports/{id} at tests/watchdog_metrics_sites.rs:"),
        "{site}"
    );
    assert_eq!((kind.as_str(), *count), ("task", 1));
}
