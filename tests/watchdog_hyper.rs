//! `blockwatch::WatchLayer` on a hyper-util service stack on 127.0.0.1: a hand-written
//! tower service under the layer, each connection served by hyper 1's HTTP/1 connection
//! through hyper-util's tower adapter in a task spawned with plain `tokio::spawn` (as a
//! framework would). A request that blocks its worker is reported while it is still
//! blocked, named by method and path, with the blocking helper on the stack. Both
//! runtime flavors.

#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/live_request.rs"]
mod live_request;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use blockwatch::{Console, WatchLayer, Watchdog};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use live_request::Seen;
use tower_layer::Layer;

/// The blocking call a request makes, hidden in a sync helper: held until the live
/// report with names is in.
#[inline(never)]
fn blocking_report_render(seen: &Seen) -> String {
    seen.hold_until_named();
    std::hint::black_box("report".to_owned())
}

/// A tower service written by hand: `/report` blocks, anything else answers at once.
#[derive(Clone)]
struct Reports {
    seen: Seen,
}

impl tower_service::Service<Request<Incoming>> for Reports {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        let seen = self.seen.clone();
        Box::pin(async move {
            let body = match request.uri().path() {
                "/report" => blocking_report_render(&seen),
                _ => "ok".to_owned(),
            };
            Ok(Response::new(Full::new(Bytes::from(body))))
        })
    }
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
    let service = WatchLayer::new().layer(Reports { seen: seen.clone() });
    let server = runtime.spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    assert_eq!(
        live_request::request_while_driving(&runtime, address, "/report", &seen),
        "report"
    );
    server.abort();
    drop(runtime);
    assert!(watchdog.flush());

    let (first, live) = seen.live_while_blocked();
    assert_eq!(
        first.task, "GET /report",
        "the first report names the request: {first}"
    );
    assert_eq!(live.task, "GET /report");
    assert!(
        live.location
            .as_deref()
            .unwrap_or("")
            .starts_with("tests/watchdog_hyper.rs:"),
        "points at the layer: {live}"
    );
    assert!(live.stack_contains("blocking_report_render"), "{live}");
    let tasks: Vec<String> = watchdog
        .reports()
        .iter()
        .map(|report| report.task.clone())
        .collect();
    assert_eq!(
        tasks,
        ["GET /report", "GET /report"],
        "a live and a final report"
    );
    assert_eq!(watchdog.summary().stalls(), 1, "{}", watchdog.summary());
}

/// One watchdog per process: the two tests take turns.
static TURN: Mutex<()> = Mutex::new(());

/// The tests below run in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`).
#[test]
fn hyper_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&[
        "a_blocking_request_on_a_hyper_util_stack_is_reported_live_multi_thread",
        "a_blocking_request_on_a_hyper_util_stack_is_reported_live_current_thread",
    ]);
}

#[test]
#[ignore = "run by hyper_tests_run_in_a_controlled_environment"]
fn a_blocking_request_on_a_hyper_util_stack_is_reported_live_multi_thread() {
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
#[ignore = "run by hyper_tests_run_in_a_controlled_environment"]
fn a_blocking_request_on_a_hyper_util_stack_is_reported_live_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_request(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
}
