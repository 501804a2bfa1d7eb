//! `blockwatch::WatchLayer` on a real tonic server on 127.0.0.1: a gRPC service written
//! by hand (a UTF-8 codec instead of protobuf, so no `protoc`), called by tonic's own
//! client over HTTP/2. A call whose handler blocks its worker is reported while it is
//! still blocked, named by the gRPC route (`POST /package.Service/Method`), with the
//! blocking helper on the stack. Two stacks: the layer on tonic's `Server` (it sees the
//! request before routing) and on the axum router inside tonic's `Routes` (it sees
//! axum's `MatchedPath`, which for a gRPC service is `/package.Service/{*rest}`, not
//! the method). Both runtime flavors; run in debug and release
//! (`cargo test --release -p blockwatch --test watchdog_tonic`).

#[path = "support/controlled_env.rs"]
mod controlled_env;
#[path = "support/live_request.rs"]
mod live_request;
#[path = "../examples/support/utf8_codec.rs"]
mod utf8_codec;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use blockwatch::{Console, WatchLayer, Watchdog};
use hyper::http::uri::PathAndQuery;
use live_request::{Seen, PATIENCE};
use tonic::body::Body;
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Endpoint, Server};
use tonic::Status;
use utf8_codec::Utf8Codec;

/// The gRPC service of these tests, as a `.proto` file would name it.
const SERVICE: &str = "blockwatch.test.Reports";
/// Its method whose handler blocks.
const RENDER: &str = "/blockwatch.test.Reports/Render";
/// Its method that answers at once.
const HEALTH: &str = "/blockwatch.test.Reports/Health";

/// The blocking call the `Render` handler makes, hidden in a sync helper: held until the
/// live report with names is in.
#[inline(never)]
fn blocking_report_render(seen: &Seen, name: &str) -> String {
    seen.hold_until_named();
    std::hint::black_box(format!("rendered {name}"))
}

type UnaryFuture = Pin<Box<dyn Future<Output = Result<tonic::Response<String>, Status>> + Send>>;

/// The handler of one method.
struct Handler {
    seen: Seen,
    blocking: bool,
}

impl UnaryService<String> for Handler {
    type Response = String;
    type Future = UnaryFuture;

    fn call(&mut self, request: tonic::Request<String>) -> UnaryFuture {
        let seen = self.seen.clone();
        let blocking = self.blocking;
        Box::pin(async move {
            let name = request.into_inner();
            let reply = if blocking {
                blocking_report_render(&seen, &name)
            } else {
                "ok".to_owned()
            };
            Ok(tonic::Response::new(reply))
        })
    }
}

/// The service as `tonic-build` would generate it: a tower service over HTTP requests
/// that picks the handler by path.
#[derive(Clone)]
struct Reports {
    seen: Seen,
}

impl NamedService for Reports {
    const NAME: &'static str = SERVICE;
}

type HttpFuture = Pin<Box<dyn Future<Output = Result<hyper::Response<Body>, Infallible>> + Send>>;

impl tower_service::Service<hyper::Request<Body>> for Reports {
    type Response = hyper::Response<Body>;
    type Error = Infallible;
    type Future = HttpFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: hyper::Request<Body>) -> HttpFuture {
        let path = request.uri().path();
        if path != RENDER && path != HEALTH {
            let status = Status::unimplemented(format!("no method {path}"));
            return Box::pin(async move { Ok(status.into_http()) });
        }
        let handler = Handler {
            seen: self.seen.clone(),
            blocking: path == RENDER,
        };
        Box::pin(async move { Ok(Grpc::new(Utf8Codec).unary(handler, request).await) })
    }
}

/// One unary call with tonic's client.
async fn unary(
    client: &mut tonic::client::Grpc<Channel>,
    method: &'static str,
    message: &str,
) -> String {
    client.ready().await.expect("the channel is ready");
    client
        .unary(
            tonic::Request::new(message.to_owned()),
            PathAndQuery::from_static(method),
            Utf8Codec,
        )
        .await
        .unwrap_or_else(|status| panic!("{method}: {status}"))
        .into_inner()
}

/// Calls `Health` and then `Render` over one HTTP/2 connection, on a runtime of the
/// client's own.
fn call_health_then_render(address: SocketAddr) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let channel = Endpoint::from_shared(format!("http://{address}"))
            .expect("an endpoint")
            .timeout(PATIENCE * 2)
            .connect()
            .await
            .expect("connect");
        let mut client = tonic::client::Grpc::new(channel);
        assert_eq!(unary(&mut client, HEALTH, "ping").await, "ok");
        unary(&mut client, RENDER, "invoice 7").await
    })
}

/// Where the layer goes.
#[derive(Clone, Copy, Debug)]
enum Stack {
    /// `Server::builder().layer(WatchLayer::new())`: around tonic's router.
    OnTheServer,
    /// `Routes::into_axum_router().layer(WatchLayer::new())`: on each route of the
    /// axum router that tonic's `Routes` is made of, after the route matched.
    OnTheRoutes,
}

fn serve_and_call(runtime: tokio::runtime::Runtime, stack: Stack) {
    let seen = Seen::default();
    let probe = seen.clone();
    let watchdog = Watchdog::builder()
        .enabled(true)
        .threshold(std::time::Duration::from_millis(60))
        .capture_timeout(std::time::Duration::from_secs(2))
        .console(Console::Never)
        .on_stall(move |report| probe.observe(report))
        .start()
        .expect("watchdog");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let address = listener.local_addr().unwrap();
    let incoming = TcpIncoming::from(listener);
    let reports = Reports { seen: seen.clone() };
    let server = match stack {
        Stack::OnTheServer => runtime.spawn(
            Server::builder()
                .layer(WatchLayer::new())
                .add_service(reports)
                .serve_with_incoming(incoming),
        ),
        Stack::OnTheRoutes => {
            let router = Routes::new(reports)
                .into_axum_router()
                .layer(WatchLayer::new());
            runtime.spawn(
                Server::builder()
                    .add_routes(Routes::from(router))
                    .serve_with_incoming(incoming),
            )
        }
    };
    assert_eq!(
        live_request::client_while_driving(&runtime, &seen, move || {
            call_health_then_render(address)
        }),
        "rendered invoice 7"
    );
    server.abort();
    drop(runtime);
    assert!(watchdog.flush());

    let route = format!("POST {RENDER}");
    let (first, live) = seen.live_while_blocked();
    assert_eq!(
        first.task, route,
        "the first report names the method: {first}"
    );
    assert_eq!(live.task, route);
    assert!(
        live.location
            .as_deref()
            .unwrap_or("")
            .starts_with("tests/watchdog_tonic.rs:"),
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
        [route.clone(), route],
        "a live and a final report ({stack:?})"
    );
    assert_eq!(watchdog.summary().stalls(), 1, "{}", watchdog.summary());
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One watchdog per process: the tests take turns.
static TURN: Mutex<()> = Mutex::new(());

/// The tests below run in a child without `BLOCKWATCH*` variables (see
/// `support/controlled_env.rs`).
#[test]
fn tonic_tests_run_in_a_controlled_environment() {
    controlled_env::run_ignored_tests(&[
        "a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_server_multi_thread",
        "a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_server_current_thread",
        "a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_routes_multi_thread",
        "a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_routes_current_thread",
    ]);
}

#[test]
#[ignore = "run by tonic_tests_run_in_a_controlled_environment"]
fn a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_server_multi_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_call(multi_thread(), Stack::OnTheServer);
}

#[test]
#[ignore = "run by tonic_tests_run_in_a_controlled_environment"]
fn a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_server_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_call(current_thread(), Stack::OnTheServer);
}

#[test]
#[ignore = "run by tonic_tests_run_in_a_controlled_environment"]
fn a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_routes_multi_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_call(multi_thread(), Stack::OnTheRoutes);
}

#[test]
#[ignore = "run by tonic_tests_run_in_a_controlled_environment"]
fn a_blocking_grpc_call_is_reported_live_by_method_layer_on_the_routes_current_thread() {
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    serve_and_call(current_thread(), Stack::OnTheRoutes);
}
