//! A blocking request on a real server on 127.0.0.1, as the framework tests of
//! `WatchLayer` drive it: what the watchdog reported live, and whether the request had
//! been answered by then.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blockwatch::StallReport;

/// How long any wait of these tests may take before it counts as a failure.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The live reports of a stall, fed by the watchdog's callback.
#[derive(Clone, Default)]
pub struct Seen {
    /// The first live report, and whether the request had been answered by then. In a
    /// fresh debug process it has raw frames (symbols still loading).
    pub first: Arc<Mutex<Option<(StallReport, bool)>>>,
    /// The first live report with names (the first one, or its update), and whether
    /// the request had been answered by then.
    pub named: Arc<Mutex<Option<(StallReport, bool)>>>,
    /// Set by the client once the response is in.
    pub answered: Arc<Mutex<bool>>,
}

impl Seen {
    /// The watchdog's callback.
    pub fn observe(&self, report: &StallReport) {
        if !report.still_blocked {
            return;
        }
        let answered = *self.answered.lock().unwrap();
        self.first
            .lock()
            .unwrap()
            .get_or_insert_with(|| (report.clone(), answered));
        if report.symbolized {
            self.named
                .lock()
                .unwrap()
                .get_or_insert_with(|| (report.clone(), answered));
        }
    }

    /// Holds the calling (worker) thread until the named live report is in.
    pub fn hold_until_named(&self) {
        let start = Instant::now();
        while self.named.lock().unwrap().is_none() {
            assert!(start.elapsed() < PATIENCE, "no named live report");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The first and the named live report; panics if either is missing or came after
    /// the request was answered.
    pub fn live_while_blocked(&self) -> (StallReport, StallReport) {
        let (first, first_answered) = self.first.lock().unwrap().clone().expect("a live report");
        let (named, named_answered) = self
            .named
            .lock()
            .unwrap()
            .clone()
            .expect("a named live report");
        assert!(!first_answered, "reported while the request was blocked");
        assert!(!named_answered, "named while the request was blocked");
        assert_eq!(first.stall_key(), named.stall_key(), "one stall: {named}");
        (first, named)
    }
}

/// One HTTP/1.1 request over a plain socket; returns the response body.
#[allow(dead_code)] // the gRPC test brings its own client
pub fn get_body(address: SocketAddr, path: &str) -> String {
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

/// Asks `/health` (which must answer `ok`) and then `path` from a client thread, while
/// this thread drives `runtime` (a current-thread runtime serves only while driven);
/// marks `seen` answered when the response is in and returns its body.
#[allow(dead_code)] // the gRPC test brings its own client
pub fn request_while_driving(
    runtime: &tokio::runtime::Runtime,
    address: SocketAddr,
    path: &'static str,
    seen: &Seen,
) -> String {
    client_while_driving(runtime, seen, move || {
        assert_eq!(get_body(address, "/health"), "ok");
        get_body(address, path)
    })
}

/// Runs `client` on a thread of its own while this thread drives `runtime`; marks
/// `seen` answered when `client` has returned, and returns what it returned.
#[allow(dead_code)] // used by the framework tests, not by every includer of `Seen`
pub fn client_while_driving<T: Send + 'static>(
    runtime: &tokio::runtime::Runtime,
    seen: &Seen,
    client: impl FnOnce() -> T + Send + 'static,
) -> T {
    let answered = Arc::clone(&seen.answered);
    let client = std::thread::spawn(move || {
        let response = client();
        *answered.lock().unwrap() = true;
        response
    });
    runtime.block_on(async {
        while !client.is_finished() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    client.join().expect("client")
}
