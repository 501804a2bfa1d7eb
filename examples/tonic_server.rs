//! The watchdog on a tonic gRPC service: one attribute and one layer.
//!
//! `#[blockwatch::main]` starts the watchdog before the runtime; `WatchLayer` on tonic's
//! `Server` watches each call's future (tonic spawns the connection tasks itself) and
//! names it by the gRPC route, `POST /package.Service/Method`. The service is written
//! by hand, with UTF-8 strings for messages, so the example needs no `protoc`; a
//! generated service goes under the layer the same way. Its `Render` handler calls a
//! sync helper that blocks its worker for 300 ms; the watchdog reports it while the
//! call is still blocked.
//!
//! Run it with `cargo run --example tonic_server`: it serves on 127.0.0.1, calls itself
//! once with tonic's client, and exits.

#[path = "support/utf8_codec.rs"]
mod utf8_codec;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use blockwatch::WatchLayer;
use hyper::http::uri::PathAndQuery;
use tonic::body::Body;
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Endpoint, Server};
use tonic::{Request, Response, Status};
use utf8_codec::Utf8Codec;

/// The one method of the `billing.Invoices` service.
const RENDER: &str = "/billing.Invoices/Render";

/// A sync helper that blocks, as a PDF renderer or a sync database client would.
#[inline(never)]
fn render_invoice(id: &str) -> String {
    std::thread::sleep(Duration::from_millis(300));
    format!("invoice {id}: 3 items, 42.00 EUR")
}

/// The handler of `Render`.
struct RenderHandler;

impl UnaryService<String> for RenderHandler {
    type Response = String;
    type Future = Pin<Box<dyn Future<Output = Result<Response<String>, Status>> + Send>>;

    fn call(&mut self, request: Request<String>) -> Self::Future {
        Box::pin(async move { Ok(Response::new(render_invoice(&request.into_inner()))) })
    }
}

/// The service, as `tonic-build` would generate it: a tower service that picks the
/// handler by path.
#[derive(Clone)]
struct Invoices;

impl NamedService for Invoices {
    const NAME: &'static str = "billing.Invoices";
}

impl tower_service::Service<hyper::Request<Body>> for Invoices {
    type Response = hyper::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<hyper::Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: hyper::Request<Body>) -> Self::Future {
        if request.uri().path() != RENDER {
            let status = Status::unimplemented(format!("no method {}", request.uri().path()));
            return Box::pin(async move { Ok(status.into_http()) });
        }
        Box::pin(async move { Ok(Grpc::new(Utf8Codec).unary(RenderHandler, request).await) })
    }
}

#[blockwatch::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = Server::builder()
        .layer(WatchLayer::new())
        .add_service(Invoices)
        .serve_with_incoming(TcpIncoming::from(listener));
    tokio::spawn(server);

    let channel = Endpoint::from_shared(format!("http://{address}"))?
        .connect()
        .await?;
    let mut client = tonic::client::Grpc::new(channel);
    client.ready().await?;
    let reply = client
        .unary(
            Request::new("7".to_owned()),
            PathAndQuery::from_static(RENDER),
            Utf8Codec,
        )
        .await?;
    println!("{RENDER} -> {}", reply.into_inner());
    Ok(())
}
