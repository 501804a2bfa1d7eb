//! A tower `Layer` that watches each request's future (feature `tower`): the way to cover
//! axum, tonic and hyper-util handlers on stable Rust, where the framework spawns the
//! connection tasks itself.
//!
//! Each request is named by its method and route: axum's `MatchedPath` (the route
//! template, such as `/users/{id}`) when feature `axum` is on and the router set one,
//! otherwise the URI path. A gRPC call (content type `application/grpc...`) is always
//! named by its path, which is the method (`/package.Service/Method`): tonic mounts a
//! service on axum as `/package.Service/{*rest}`, a template that names every method of
//! the service alike. Names are interned for the life of the process, so paths are
//! capped: after [`MAX_RAW_PATHS`] distinct ones, further paths share the name
//! `"{METHOD} (other paths)"`.

use std::panic::Location;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use crate::origin::Origin;
use crate::scope;
use crate::watched::Watched;

/// How many distinct raw URI paths get a name of their own (route templates and tonic
/// method paths are bounded by the code; raw paths with ids in them are not).
pub const MAX_RAW_PATHS: usize = 256;

static RAW_PATHS: AtomicUsize = AtomicUsize::new(0);

/// Watches every request's future of the service it wraps, named by method and route
/// and by the place the layer was added.
///
/// ```
/// use std::convert::Infallible;
/// use std::task::{Context, Poll};
/// use blockwatch_watchdog::WatchLayer;
/// use tower_layer::Layer;
///
/// struct Hello;
/// impl tower_service::Service<http::Request<()>> for Hello {
///     type Response = &'static str;
///     type Error = Infallible;
///     type Future = std::future::Ready<Result<&'static str, Infallible>>;
///     fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
///         Poll::Ready(Ok(()))
///     }
///     fn call(&mut self, _: http::Request<()>) -> Self::Future {
///         std::future::ready(Ok("hello"))
///     }
/// }
///
/// let service = WatchLayer::new().layer(Hello); // each request's future is watched
/// ```
///
/// With axum: `Router::new().route("/users/{id}", get(user)).layer(WatchLayer::new())`
/// reports a stall in `user` as task `GET /users/{id}`.
#[derive(Clone, Copy, Debug)]
pub struct WatchLayer {
    location: &'static Location<'static>,
}

impl WatchLayer {
    /// A layer whose reports point at the caller's location.
    ///
    /// ```
    /// let layer = blockwatch_watchdog::WatchLayer::new();
    /// ```
    #[track_caller]
    pub fn new() -> WatchLayer {
        WatchLayer {
            location: Location::caller(),
        }
    }

    /// The name the layer gives `request`'s reports: `"{METHOD} {route}"`. A gRPC call
    /// is named by its method path, even when the router matched a wider template
    /// (past [`MAX_RAW_PATHS`] distinct paths, reports say `"{METHOD} (other paths)"`).
    ///
    /// ```
    /// use blockwatch_watchdog::WatchLayer;
    ///
    /// let call = http::Request::post("/shop.Orders/Place")
    ///     .header("content-type", "application/grpc")
    ///     .body(())
    ///     .unwrap();
    /// assert_eq!(WatchLayer::request_name(&call), "POST /shop.Orders/Place");
    ///
    /// let page = http::Request::get("/orders/7").body(()).unwrap();
    /// assert_eq!(WatchLayer::request_name(&page), "GET /orders/7");
    /// ```
    pub fn request_name<B>(request: &http::Request<B>) -> String {
        format!("{} {}", request.method().as_str(), route_of(request).name())
    }
}

impl Default for WatchLayer {
    #[track_caller]
    fn default() -> WatchLayer {
        WatchLayer::new()
    }
}

impl<S> tower_layer::Layer<S> for WatchLayer {
    type Service = WatchService<S>;

    fn layer(&self, inner: S) -> WatchService<S> {
        WatchService {
            inner,
            location: self.location,
        }
    }
}

/// The service [`WatchLayer`] makes: the inner service, with each response future
/// wrapped in [`Watched`].
#[derive(Clone, Copy, Debug)]
pub struct WatchService<S> {
    inner: S,
    location: &'static Location<'static>,
}

impl<S, B> tower_service::Service<http::Request<B>> for WatchService<S>
where
    S: tower_service::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Watched<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Watched<S::Future> {
        let origin = request_origin(&request, self.location);
        Watched::new(self.inner.call(request), origin, scope::current())
    }
}

/// `"{METHOD} {route}"`, interned at the layer's place.
fn request_origin<B>(request: &http::Request<B>, location: &'static Location<'static>) -> Origin {
    let route = route_of(request);
    let name = format!("{} {}", request.method().as_str(), route.name());
    if let Route::Template(_) = route {
        return Origin::named(&name, location);
    }
    if let Some(origin) = Origin::cached(&name, location) {
        return origin;
    }
    if RAW_PATHS.fetch_add(1, Ordering::Relaxed) < MAX_RAW_PATHS {
        Origin::named(&name, location)
    } else {
        RAW_PATHS.fetch_sub(1, Ordering::Relaxed);
        Origin::named(
            &format!("{} (other paths)", request.method().as_str()),
            location,
        )
    }
}

/// What names a request after its method.
enum Route<'a> {
    /// A route template the router matched: bounded by the code.
    Template(&'a str),
    /// The URI path (a gRPC method, or a path with ids in it): bounded by the clients.
    Path(&'a str),
}

impl<'a> Route<'a> {
    fn name(&self) -> &'a str {
        match self {
            Route::Template(route) | Route::Path(route) => route,
        }
    }
}

/// The route template axum matched, unless the request is a gRPC call; else the path.
fn route_of<B>(request: &http::Request<B>) -> Route<'_> {
    if !is_grpc(request) {
        if let Some(route) = matched_route(request) {
            return Route::Template(route);
        }
    }
    Route::Path(request.uri().path())
}

/// Whether `request` is a gRPC or gRPC-Web call (`application/grpc`,
/// `application/grpc+proto`, `application/grpc-web`, ...): its path is the method.
fn is_grpc<B>(request: &http::Request<B>) -> bool {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|content_type| content_type.starts_with("application/grpc"))
}

/// The route template axum matched, when there is one.
fn matched_route<B>(request: &http::Request<B>) -> Option<&str> {
    #[cfg(feature = "axum")]
    {
        request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map(axum::extract::MatchedPath::as_str)
    }
    #[cfg(not(feature = "axum"))]
    {
        let _ = request;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_named_by_method_and_path() {
        let here = Location::caller();
        let request = http::Request::post("/rpc.Echo/Say").body(()).unwrap();
        let origin = request_origin(&request, here);
        assert_eq!(origin.info().name.as_deref(), Some("POST /rpc.Echo/Say"));
        assert_eq!(origin, request_origin(&request, here), "interned once");
    }

    #[test]
    fn grpc_calls_are_told_by_their_content_type() {
        let with = |content_type: &str| {
            http::Request::post("/rpc.Echo/Say")
                .header(http::header::CONTENT_TYPE, content_type)
                .body(())
                .unwrap()
        };
        for grpc in [
            "application/grpc",
            "application/grpc+proto",
            "application/grpc-web",
            "application/grpc-web-text+proto",
        ] {
            assert!(is_grpc(&with(grpc)), "{grpc}");
        }
        for other in [
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
        ] {
            assert!(!is_grpc(&with(other)), "{other}");
        }
        assert!(!is_grpc(
            &http::Request::post("/rpc.Echo/Say").body(()).unwrap()
        ));
        assert_eq!(
            WatchLayer::request_name(&with("application/grpc")),
            "POST /rpc.Echo/Say"
        );
    }
}
