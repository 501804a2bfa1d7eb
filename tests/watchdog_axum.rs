//! `blockwatch::WatchLayer` on a real axum server on 127.0.0.1: a handler that blocks its
//! worker is reported while the request is still blocked, named by method and route
//! template, with the blocking helper on the stack. Both runtime flavors; run in debug
//! and release (`cargo test --release -p blockwatch --test watchdog_axum`).

#[path = "support/controlled_env.rs"]
mod controlled_env;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::routing::get;
use axum::Router;
use blockwatch::{Console, StallReport, WatchLayer, Watchdog};

const PATIENCE: Duration = Duration::from_secs(20);

/// What the watchdog reported, and whether the request had been answered by then.
#[derive(Clone, Default)]
struct Seen {
    live: Arc<Mutex<Option<(StallReport, bool)>>>,
    answered: Arc<Mutex<bool>>,
}

impl Seen {
    fn observe(&self, report: &StallReport) {
        let mut live = self.live.lock().unwrap();
        if report.still_blocked && live.is_none() {
            *live = Some((report.clone(), *self.answered.lock().unwrap()));
        }
    }
}

/// The blocking call a handler makes, hidden in a sync helper: held until the live
/// report is in.
#[inline(never)]
fn blocking_user_lookup(seen: &Seen, id: u32) -> String {
    let start = Instant::now();
    while seen.live.lock().unwrap().is_none() {
        assert!(start.elapsed() < PATIENCE, "no live report");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::hint::black_box(format!("user {id}"))
}

fn app(seen: Seen) -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(move |Path(id): Path<u32>| {
                let seen = seen.clone();
                async move { blocking_user_lookup(&seen, id) }
            }),
        )
        .route("/health", get(|| async { "ok" }))
        .layer(WatchLayer::new())
}

/// One HTTP/1.1 request over a plain socket; returns the response body.
fn get_body(address: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned()
}

fn serve_and_request(runtime: tokio::runtime::Runtime) {
    let seen = Seen::default();
    let probe = seen.clone();
    let watchdog = Watchdog::builder()
        .enabled(true)
        .threshold(Duration::from_millis(60))
        .capture_timeout(Duration::from_secs(2))
        .console(Console::Never)
        .on_stall(move |report| probe.observe(report))
        .start()
        .expect("watchdog");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let address = listener.local_addr().unwrap();
    let router = app(seen.clone());
    let server = runtime.spawn(async move { axum::serve(listener, router).await });
    let answered = Arc::clone(&seen.answered);
    let client = std::thread::spawn(move || {
        assert_eq!(get_body(address, "/health"), "ok");
        let body = get_body(address, "/users/7");
        *answered.lock().unwrap() = true;
        body
    });
    // A current-thread runtime serves only while this thread drives it.
    runtime.block_on(async {
        while !client.is_finished() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    assert_eq!(client.join().expect("client"), "user 7");
    server.abort();
    drop(runtime);
    assert!(watchdog.flush());

    let (live, answered_by_then) = seen.live.lock().unwrap().clone().expect("a live report");
    assert!(!answered_by_then, "reported while the request was blocked");
    assert!(live.still_blocked);
    assert_eq!(live.task, "GET /users/{id}");
    assert!(
        live.location
            .as_deref()
            .unwrap_or("")
            .contains("watchdog_axum.rs"),
        "points at the layer: {live}"
    );
    assert!(live.stack_contains("blocking_user_lookup"), "{live}");
    let reports = watchdog.reports();
    assert!(
        reports
            .iter()
            .all(|report| report.task == "GET /users/{id}"),
        "only the blocking route is blamed: {:?}",
        reports
            .iter()
            .map(|report| &report.task)
            .collect::<Vec<_>>()
    );
    assert_eq!(watchdog.summary().stalls(), 1, "{}", watchdog.summary());
}

/// One watchdog per process: the two tests take turns.
static TURN: Mutex<()> = Mutex::new(());

/// The tests below run in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`): the builder's `enabled(true)` and threshold are what the
/// watchdog runs with, whatever the shell that runs the suite has set.
#[test]
fn axum_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&[
        "a_blocking_handler_is_reported_live_by_route_multi_thread",
        "a_blocking_handler_is_reported_live_by_route_current_thread",
    ]);
}

#[test]
#[ignore = "run by axum_tests_run_in_a_controlled_environment"]
fn a_blocking_handler_is_reported_live_by_route_multi_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_request(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
}

#[test]
#[ignore = "run by axum_tests_run_in_a_controlled_environment"]
fn a_blocking_handler_is_reported_live_by_route_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_request(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
}
