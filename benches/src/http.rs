//! A small keep-alive HTTP/1.1 server and a bounded load generator, on loopback only.
//!
//! The server answers every `GET` with a fixed 13-byte body. The load generator opens a
//! fixed number of connections and sends one request at a time on each until a fixed
//! request count is reached or a deadline passes, whichever comes first, recording the
//! latency of every request. Both stop by themselves.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::workload::Spawner;

/// The request the load generator sends.
pub const REQUEST: &[u8] =
    b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: blockwatch-bench\r\n\r\n";

/// The response the server sends to every request.
pub const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

const HEADER_END: &[u8] = b"\r\n\r\n";

/// Counts the complete requests (header blocks; the server only serves body-less
/// requests) at the start of `buffer`, and how many bytes they take.
///
/// ```
/// use blockwatch_benches::http::{complete_requests, REQUEST};
/// let mut buffer = REQUEST.repeat(2);
/// buffer.extend_from_slice(b"GET / HT");
/// assert_eq!(complete_requests(&buffer), (2, 2 * REQUEST.len()));
/// ```
pub fn complete_requests(buffer: &[u8]) -> (usize, usize) {
    let mut count = 0;
    let mut consumed = 0;
    while let Some(end) = find(&buffer[consumed..], HEADER_END) {
        consumed += end + HEADER_END.len();
        count += 1;
    }
    (count, consumed)
}

/// The length of the complete response at the start of `buffer` (headers and the
/// `Content-Length` body), or `None` while it is incomplete.
///
/// # Errors
/// [`io::ErrorKind::InvalidData`] when the headers are complete but carry no valid
/// `Content-Length`.
///
/// ```
/// use blockwatch_benches::http::{response_length, RESPONSE};
/// assert_eq!(response_length(RESPONSE).unwrap(), Some(RESPONSE.len()));
/// assert_eq!(response_length(&RESPONSE[..20]).unwrap(), None);
/// ```
pub fn response_length(buffer: &[u8]) -> io::Result<Option<usize>> {
    let Some(end) = find(buffer, HEADER_END) else {
        return Ok(None);
    };
    let headers = std::str::from_utf8(&buffer[..end])
        .map_err(|_| invalid("response headers are not UTF-8"))?;
    let length = headers
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .ok_or_else(|| invalid("response has no Content-Length"))?
        .1
        .trim()
        .parse::<usize>()
        .map_err(|_| invalid("response has a bad Content-Length"))?;
    let total = end + HEADER_END.len() + length;
    Ok((buffer.len() >= total).then_some(total))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Accepts connections on `listener` forever, serving each in a task spawned by
/// `spawner` (so the mode's instrumentation covers the server's tasks).
///
/// # Errors
/// An error from `accept` other than a connection reset before it was accepted.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use blockwatch_benches::{http, workload::{Mode, Spawner}};
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// http::serve(listener, Spawner::new(Mode::Plain)).await
/// # }
/// ```
pub async fn serve(listener: TcpListener, spawner: Spawner) -> io::Result<()> {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) if error.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(error) => return Err(error),
        };
        spawner.spawn(async move {
            // A client that goes away mid-request is not the server's error.
            let _ = serve_connection(stream).await;
        });
    }
}

async fn serve_connection(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut pending = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let mut out = Vec::with_capacity(RESPONSE.len() * 4);
    loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        pending.extend_from_slice(&chunk[..read]);
        let (count, consumed) = complete_requests(&pending);
        pending.drain(..consumed);
        if pending.len() > 64 * 1024 {
            return Err(invalid("request headers too long"));
        }
        out.clear();
        for _ in 0..count {
            out.extend_from_slice(RESPONSE);
        }
        stream.write_all(&out).await?;
    }
}

/// How much load to generate.
///
/// ```
/// use std::time::Duration;
/// let load = blockwatch_benches::http::Load { connections: 16, requests: 10_000, deadline: Duration::from_secs(20) };
/// assert_eq!(load.requests, 10_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Load {
    /// Connections open at once, each with one request in flight.
    pub connections: usize,
    /// Requests to send in all.
    pub requests: u64,
    /// No request is started after this much time.
    pub deadline: Duration,
}

/// What the load generator measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    /// Requests answered.
    pub completed: u64,
    /// From the first request to the last answer.
    pub elapsed: Duration,
    /// The latency of every answered request, in microseconds.
    pub latencies_us: Vec<f64>,
}

impl LoadReport {
    /// Answered requests per second.
    ///
    /// ```
    /// use std::time::Duration;
    /// let report = blockwatch_benches::http::LoadReport {
    ///     completed: 500, elapsed: Duration::from_millis(250), latencies_us: vec![],
    /// };
    /// assert_eq!(report.requests_per_second(), 2000.0);
    /// ```
    pub fn requests_per_second(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// Drives the server at `addr` (which must be a loopback address) with `load`.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] for a non-loopback address; any connection or
/// protocol error.
///
/// ```no_run
/// # async fn demo(addr: std::net::SocketAddr) -> std::io::Result<()> {
/// use std::time::Duration;
/// use blockwatch_benches::http::{generate, Load};
/// let load = Load { connections: 8, requests: 1_000, deadline: Duration::from_secs(10) };
/// let report = generate(addr, load).await?;
/// println!("{:.0} requests/s", report.requests_per_second());
/// # Ok(()) }
/// ```
pub async fn generate(addr: SocketAddr, load: Load) -> io::Result<LoadReport> {
    if !addr.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the load generator only targets loopback addresses, not {addr}"),
        ));
    }
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let stop_at = start + load.deadline;
    let mut clients = Vec::with_capacity(load.connections);
    for _ in 0..load.connections.max(1) {
        let issued = Arc::clone(&issued);
        clients.push(tokio::spawn(async move {
            client(addr, issued, load.requests, stop_at).await
        }));
    }
    let mut report = LoadReport::default();
    for client in clients {
        let latencies = client.await.map_err(io::Error::other)??;
        report.completed += latencies.len() as u64;
        report.latencies_us.extend(latencies);
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

async fn client(
    addr: SocketAddr,
    issued: Arc<AtomicU64>,
    requests: u64,
    stop_at: Instant,
) -> io::Result<Vec<f64>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut latencies = Vec::new();
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while issued.fetch_add(1, Ordering::Relaxed) < requests && Instant::now() < stop_at {
        let sent = Instant::now();
        stream.write_all(REQUEST).await?;
        loop {
            if let Some(length) = response_length(&buffer)? {
                buffer.drain(..length);
                break;
            }
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection mid-response",
                ));
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        latencies.push(sent.elapsed().as_secs_f64() * 1e6);
    }
    Ok(latencies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{runtime, Flavor, Mode};

    #[test]
    fn partial_requests_wait_for_more_bytes() {
        assert_eq!(complete_requests(b""), (0, 0));
        assert_eq!(complete_requests(&REQUEST[..REQUEST.len() - 1]), (0, 0));
        assert_eq!(complete_requests(REQUEST), (1, REQUEST.len()));
    }

    #[test]
    fn responses_need_their_whole_body_and_a_length() {
        let mut two = RESPONSE.to_vec();
        two.extend_from_slice(&RESPONSE[..10]);
        assert_eq!(response_length(&two).unwrap(), Some(RESPONSE.len()));
        assert_eq!(
            response_length(&RESPONSE[..RESPONSE.len() - 1]).unwrap(),
            None
        );
        let lower = b"HTTP/1.1 200 OK\r\ncontent-length:  2\r\n\r\nok";
        assert_eq!(response_length(lower).unwrap(), Some(lower.len()));
        assert!(response_length(b"HTTP/1.1 200 OK\r\n\r\n").is_err());
        assert!(response_length(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").is_err());
    }

    #[test]
    fn the_load_generator_refuses_other_hosts() {
        let rt = runtime(Flavor::CurrentThread, Mode::Plain).unwrap();
        let load = Load {
            connections: 1,
            requests: 1,
            deadline: Duration::from_secs(1),
        };
        let addr: SocketAddr = "192.0.2.1:80".parse().unwrap();
        let error = rt.block_on(generate(addr, load)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_bounded_load_gets_exactly_its_answers() {
        let server = runtime(Flavor::MultiThread, Mode::Plain).unwrap();
        let listener = server.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        server.spawn(serve(listener, Spawner::new(Mode::Plain)));
        let client = runtime(Flavor::CurrentThread, Mode::Plain).unwrap();
        let load = Load {
            connections: 4,
            requests: 200,
            deadline: Duration::from_secs(30),
        };
        let report = client.block_on(generate(addr, load)).unwrap();
        assert_eq!(report.completed, 200);
        assert_eq!(report.latencies_us.len(), 200);
        assert!(report.requests_per_second() > 0.0);
    }
}
