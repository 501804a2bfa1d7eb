//! Background workers: threads, channels and a runtime bridge.
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use futures::executor::block_on;
use tokio::runtime::Handle;

pub fn start_pool(n: usize) -> Vec<thread::JoinHandle<()>> {
    (0..n)
        .map(|i| {
            thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn(move || {
                    thread::sleep(Duration::from_millis(10));
                })
                .unwrap()
        })
        .collect()
}

pub async fn run_jobs(handles: Vec<thread::JoinHandle<()>>) {
    for h in handles {
        h.join().unwrap(); // expect: std::thread::JoinHandle::join
    }
}

pub async fn pipeline() {
    let (tx, rx) = mpsc::channel::<u32>();
    let producer = thread::spawn(move || {
        for i in 0..10 {
            tx.send(i).unwrap();
        }
    });
    while let Ok(v) = rx.recv() { // expect: std::sync::mpsc::Receiver::recv
        println!("got {v}");
    }
    let _ = producer;
    let (atx, mut arx) = tokio::sync::mpsc::channel::<u32>(8);
    tokio::spawn(async move {
        atx.send(1).await.ok();
    });
    while let Some(v) = arx.recv().await {
        println!("async got {v}");
    }
}

pub async fn bridge() -> u32 {
    let v = block_on(async { 1 }); // expect: futures::executor::block_on
    let h = Handle::current();
    let w = h.block_on(async { 2 }); // expect: tokio::runtime::Runtime::block_on
    v + w
}

pub fn sync_bridge() -> u32 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { 3 })
}

pub async fn timed(rx: mpsc::Receiver<u8>) -> Option<u8> {
    let first = rx.recv_timeout(Duration::from_secs(1)).ok(); // expect: std::sync::mpsc::Receiver::recv_timeout
    let all: Vec<u8> = rx.try_iter().collect();
    first.or(all.first().copied())
}

pub async fn scoped(data: &[u32]) -> u32 {
    let mut total = 0;
    thread::scope(|s| { // expect: std::thread::scope
        s.spawn(|| {
            thread::sleep(Duration::from_millis(1));
        });
        total = data.iter().sum();
    });
    total
}

pub async fn tokio_bits(mut rx: tokio::sync::mpsc::Receiver<u8>, m: std::sync::Arc<tokio::sync::Mutex<u8>>) {
    let v = rx.blocking_recv(); // expect: tokio::sync::mpsc::Receiver::blocking_recv
    let g = m.blocking_lock(); // expect: tokio::sync::Mutex::blocking_lock
    let _ = (v, g);
    let g2 = m.lock().await;
    drop(g2);
}
