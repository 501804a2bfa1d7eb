//! Hand-written futures and streams.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

pub struct Delay {
    until: std::time::Instant,
}

impl Future for Delay {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::time::Instant::now() < self.until {
            std::thread::sleep(Duration::from_millis(1)); // expect: std::thread::sleep
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(())
    }
}

impl Delay {
    pub fn new(d: Duration) -> Self {
        std::thread::sleep(Duration::from_nanos(1));
        Delay { until: std::time::Instant::now() + d }
    }
}

pub struct Lines {
    inner: Vec<String>,
}

impl futures::Stream for Lines {
    type Item = String;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<String>> {
        if self.inner.is_empty() {
            let more = std::fs::read_to_string("more.txt").ok(); // expect: std::fs::read_to_string
            return Poll::Ready(more);
        }
        Poll::Ready(self.inner.pop())
    }
}

impl Drop for Lines {
    fn drop(&mut self) {
        let _ = std::fs::remove_file("more.txt");
    }
}

pub trait Store {
    fn get(&self, key: &str) -> Option<String>;

    async fn get_async(&self, key: &str) -> Option<String> {
        let raw = std::fs::read(key).ok()?; // expect: std::fs::read
        String::from_utf8(raw).ok()
    }
}

pub struct FileStore;

impl Store for FileStore {
    fn get(&self, key: &str) -> Option<String> {
        std::fs::read_to_string(key).ok()
    }
}
