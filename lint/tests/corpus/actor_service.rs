//! An actor-style service with a sync storage backend behind a mutex.
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

pub enum Msg {
    Get(String, oneshot::Sender<Option<String>>),
    Put(String, String),
    Flush,
}

pub struct Store {
    map: BTreeMap<String, String>,
    log: File,
}

impl Store {
    pub fn open(dir: &Path) -> std::io::Result<Store> {
        let path = dir.join("store.log");
        let mut map = BTreeMap::new();
        if path.exists() {
            for line in BufReader::new(File::open(&path)?).lines() {
                let line = line?;
                if let Some((k, v)) = line.split_once('=') {
                    map.insert(k.to_string(), v.to_string());
                }
            }
        }
        let log = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Store { map, log })
    }

    pub fn put(&mut self, k: String, v: String) -> std::io::Result<()> {
        writeln!(self.log, "{k}={v}")?;
        self.map.insert(k, v);
        Ok(())
    }
}

pub async fn actor(mut store: Store, mut rx: mpsc::Receiver<Msg>) {
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Get(k, reply) => {
                let _ = reply.send(store.map.get(&k).cloned());
            }
            Msg::Put(k, v) => {
                if let Err(e) = store.put(k, v) {
                    tracing::error!(error = %e, "put failed");
                }
            }
            Msg::Flush => {
                store.log.flush().ok(); // expect: std::io::Write::flush
            }
        }
    }
}

pub async fn open_in_async(dir: &Path) -> Store {
    let store = Store::open(dir).unwrap();
    let extra = OpenOptions::new().read(true).open(dir.join("extra")); // expect: std::fs::OpenOptions::open
    let _ = extra;
    store
}

pub async fn shared(state: Arc<Mutex<BTreeMap<String, String>>>) -> usize {
    let guard = state.lock().unwrap();
    guard.len()
}

pub struct Client {
    tx: mpsc::Sender<Msg>,
}

impl Client {
    pub async fn get(&self, k: &str) -> Option<String> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Msg::Get(k.into(), reply)).await.ok()?;
        rx.await.ok().flatten()
    }

    pub fn get_blocking(&self, k: &str) -> Option<String> {
        let (reply, rx) = oneshot::channel();
        self.tx.blocking_send(Msg::Get(k.into(), reply)).ok()?;
        rx.blocking_recv().ok().flatten()
    }

    pub async fn get_wrong(&self, k: &str) -> Option<String> {
        let (reply, rx) = oneshot::channel();
        self.tx.blocking_send(Msg::Get(k.into(), reply)).ok()?; // expect: tokio::sync::mpsc::Sender::blocking_send
        rx.await.ok().flatten()
    }
}
