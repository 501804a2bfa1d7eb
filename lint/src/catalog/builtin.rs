//! The built-in catalog table: every known blocking API, its category, why it blocks,
//! and the async replacement. One row per entry; the README table is generated from it.

use std::borrow::Cow;

use super::{Entry, Pattern, Receiver};
use crate::Category::{self, *};

/// Receivers of process-waiting methods.
const COMMAND: &[&str] = &["std::process::Command", "std::process::Child"];
/// Receivers of stdin-reading methods.
const STDIN: &[&str] = &["std::io::stdin", "std::io::Stdin"];
/// Blocking socket receivers for the `std::io::Read`/`Write`/`BufRead` methods (values
/// derived from a listener, as `listener.accept()` or `incoming()` items, are streams).
const SOCKETS: &[&str] = &[
    "std::net::TcpStream",
    "std::net::TcpListener",
    "std::os::unix::net::UnixStream",
    "std::os::unix::net::UnixListener",
];
/// Blocking file receivers for the `std::io::Read`/`Write`/`BufRead` methods.
const FILES: &[&str] = &["std::fs::File"];
const LISTENER: &[&str] = &["std::net::TcpListener", "std::os::unix::net::UnixListener"];
const UDP: &[&str] = &["std::net::UdpSocket"];
const PATH: &[&str] = &["std::path::Path", "std::path::PathBuf"];
const OPEN_OPTIONS: &[&str] = &["std::fs::OpenOptions", "std::fs::File::options"];
const CONDVAR: &[&str] = &["std::sync::Condvar", "parking_lot::Condvar"];
const BARRIER: &[&str] = &["std::sync::Barrier"];
const RECEIVER: &[&str] = &[
    "std::sync::mpsc::channel",
    "std::sync::mpsc::sync_channel",
    "std::sync::mpsc::Receiver",
    "crossbeam_channel::",
    "crossbeam::channel::",
];
const SYNC_SENDER: &[&str] = &[
    "std::sync::mpsc::sync_channel",
    "std::sync::mpsc::SyncSender",
    "crossbeam_channel::bounded",
    "crossbeam::channel::bounded",
];
const REQWEST: &[&str] = &["reqwest::blocking::"];
const POSTGRES: &[&str] = &["postgres::"];
const RUSQLITE: &[&str] = &["rusqlite::"];
const MUTEX: &[&str] = &["std::sync::Mutex", "parking_lot::Mutex"];
const RWLOCK: &[&str] = &["std::sync::RwLock", "parking_lot::RwLock"];

fn entry(
    pattern: Pattern,
    category: Category,
    why: &'static str,
    replacement: impl Into<Cow<'static, str>>,
) -> Entry {
    Entry {
        pattern,
        category,
        why: Cow::Borrowed(why),
        replacement: replacement.into(),
    }
}

fn path(
    p: &'static str,
    category: Category,
    why: &'static str,
    replacement: &'static str,
) -> Entry {
    entry(Pattern::Path(Cow::Borrowed(p)), category, why, replacement)
}

fn prefix(
    p: &'static str,
    category: Category,
    why: &'static str,
    replacement: &'static str,
) -> Entry {
    entry(
        Pattern::Prefix(Cow::Borrowed(p)),
        category,
        why,
        replacement,
    )
}

fn method(
    name: &'static str,
    arity: Option<usize>,
    receiver: Receiver,
    api: impl Into<Cow<'static, str>>,
    category: Category,
    why: &'static str,
    replacement: impl Into<Cow<'static, str>>,
) -> Entry {
    let pattern = Pattern::Method {
        name: Cow::Borrowed(name),
        arity,
        receiver,
        api: api.into(),
    };
    entry(pattern, category, why, replacement)
}

const FS_WHY: &str =
    "a synchronous filesystem call holds the executor thread until the disk answers";

/// `std::fs` free fns with their `tokio::fs` counterparts.
const FS_FNS: &[(&str, &str)] = &[
    ("std::fs::canonicalize", "tokio::fs::canonicalize(..).await"),
    ("std::fs::copy", "tokio::fs::copy(..).await"),
    ("std::fs::create_dir", "tokio::fs::create_dir(..).await"),
    (
        "std::fs::create_dir_all",
        "tokio::fs::create_dir_all(..).await",
    ),
    ("std::fs::exists", "tokio::fs::try_exists(..).await"),
    ("std::fs::hard_link", "tokio::fs::hard_link(..).await"),
    ("std::fs::metadata", "tokio::fs::metadata(..).await"),
    ("std::fs::read", "tokio::fs::read(..).await"),
    ("std::fs::read_dir", "tokio::fs::read_dir(..).await"),
    ("std::fs::read_link", "tokio::fs::read_link(..).await"),
    (
        "std::fs::read_to_string",
        "tokio::fs::read_to_string(..).await",
    ),
    ("std::fs::remove_dir", "tokio::fs::remove_dir(..).await"),
    (
        "std::fs::remove_dir_all",
        "tokio::fs::remove_dir_all(..).await",
    ),
    ("std::fs::remove_file", "tokio::fs::remove_file(..).await"),
    ("std::fs::rename", "tokio::fs::rename(..).await"),
    (
        "std::fs::set_permissions",
        "tokio::fs::set_permissions(..).await",
    ),
    ("std::fs::soft_link", "tokio::fs::symlink(..).await"),
    (
        "std::fs::symlink_metadata",
        "tokio::fs::symlink_metadata(..).await",
    ),
    ("std::fs::write", "tokio::fs::write(..).await"),
    ("std::fs::File::open", "tokio::fs::File::open(..).await"),
    ("std::fs::File::create", "tokio::fs::File::create(..).await"),
    (
        "std::fs::File::create_new",
        "tokio::fs::File::create_new(..).await",
    ),
    (
        "std::fs::OpenOptions::open",
        "tokio::fs::OpenOptions::open(..).await",
    ),
    (
        "std::fs::DirBuilder::create",
        "tokio::fs::DirBuilder::create(..).await",
    ),
    ("std::os::unix::fs::symlink", "tokio::fs::symlink(..).await"),
    (
        "std::os::unix::fs::chown",
        "tokio::task::spawn_blocking(..).await",
    ),
    (
        "std::os::unix::fs::lchown",
        "tokio::task::spawn_blocking(..).await",
    ),
];

/// `Path` methods that touch the filesystem.
const PATH_FS_METHODS: &[(&str, &str, &str)] = &[
    (
        "exists",
        "std::path::Path::exists",
        "tokio::fs::try_exists(..).await",
    ),
    (
        "try_exists",
        "std::path::Path::try_exists",
        "tokio::fs::try_exists(..).await",
    ),
    (
        "is_file",
        "std::path::Path::is_file",
        "tokio::fs::metadata(..).await?.is_file()",
    ),
    (
        "is_dir",
        "std::path::Path::is_dir",
        "tokio::fs::metadata(..).await?.is_dir()",
    ),
    (
        "is_symlink",
        "std::path::Path::is_symlink",
        "tokio::fs::symlink_metadata(..).await?.is_symlink()",
    ),
    (
        "metadata",
        "std::path::Path::metadata",
        "tokio::fs::metadata(..).await",
    ),
    (
        "symlink_metadata",
        "std::path::Path::symlink_metadata",
        "tokio::fs::symlink_metadata(..).await",
    ),
    (
        "canonicalize",
        "std::path::Path::canonicalize",
        "tokio::fs::canonicalize(..).await",
    ),
    (
        "read_dir",
        "std::path::Path::read_dir",
        "tokio::fs::read_dir(..).await",
    ),
    (
        "read_link",
        "std::path::Path::read_link",
        "tokio::fs::read_link(..).await",
    ),
];

/// `std::io::Read`/`Write`/`BufRead` methods on blocking sockets and files:
/// (name, arity, API, async replacement).
const SYNC_IO_METHODS: &[(&str, usize, &str, &str)] = &[
    (
        "read",
        1,
        "std::io::Read::read",
        "tokio::io::AsyncReadExt::read(..).await",
    ),
    (
        "read_exact",
        1,
        "std::io::Read::read_exact",
        "tokio::io::AsyncReadExt::read_exact(..).await",
    ),
    (
        "read_to_end",
        1,
        "std::io::Read::read_to_end",
        "tokio::io::AsyncReadExt::read_to_end(..).await",
    ),
    (
        "read_to_string",
        1,
        "std::io::Read::read_to_string",
        "tokio::io::AsyncReadExt::read_to_string(..).await",
    ),
    (
        "write",
        1,
        "std::io::Write::write",
        "tokio::io::AsyncWriteExt::write(..).await",
    ),
    (
        "write_all",
        1,
        "std::io::Write::write_all",
        "tokio::io::AsyncWriteExt::write_all(..).await",
    ),
    (
        "flush",
        0,
        "std::io::Write::flush",
        "tokio::io::AsyncWriteExt::flush().await",
    ),
    (
        "read_line",
        1,
        "std::io::BufRead::read_line",
        "tokio::io::AsyncBufReadExt::read_line(..).await",
    ),
    (
        "read_until",
        2,
        "std::io::BufRead::read_until",
        "tokio::io::AsyncBufReadExt::read_until(..).await",
    ),
    (
        "lines",
        0,
        "std::io::BufRead::lines",
        "tokio::io::AsyncBufReadExt::lines().next_line().await",
    ),
];

const EXEC_WHY: &str = "runs a nested executor on this thread: blocks it until the future completes (and tokio panics: \"Cannot start a runtime from within a runtime\")";
const TOKIO_BLOCKING_WHY: &str =
    "tokio's blocking_* methods park the thread and panic when called inside a runtime";

pub(super) fn entries() -> Vec<Entry> {
    let mut v = vec![
        // sleep & park
        path(
            "std::thread::sleep",
            Sleep,
            "puts the whole executor thread to sleep, so no other task on it runs",
            "tokio::time::sleep(..).await",
        ),
        path(
            "std::thread::sleep_ms",
            Sleep,
            "puts the whole executor thread to sleep, so no other task on it runs",
            "tokio::time::sleep(..).await",
        ),
        path(
            "std::thread::park",
            Sleep,
            "parks the executor thread until another thread unparks it",
            "tokio::sync::Notify::notified().await",
        ),
        path(
            "std::thread::park_timeout",
            Sleep,
            "parks the executor thread until unparked or the timeout elapses",
            "tokio::time::timeout(.., notify.notified()).await",
        ),
    ];
    for (p, r) in FS_FNS {
        v.push(path(p, Fs, FS_WHY, r));
    }
    v.push(method(
        "open",
        Some(1),
        Receiver::ChainCalls(OPEN_OPTIONS),
        "std::fs::OpenOptions::open",
        Fs,
        FS_WHY,
        "tokio::fs::OpenOptions::new()..open(..).await",
    ));
    for (name, arity, api, r) in SYNC_IO_METHODS {
        v.push(method(
            name,
            Some(*arity),
            Receiver::ChainCalls(FILES),
            *api,
            Fs,
            FS_WHY,
            *r,
        ));
    }
    for (name, api, r) in PATH_FS_METHODS {
        v.push(method(
            name,
            Some(0),
            Receiver::ChainCalls(PATH),
            *api,
            Fs,
            FS_WHY,
            *r,
        ));
    }
    v.extend([
        // stdio
        method(
            "read_line",
            Some(1),
            Receiver::ChainCalls(STDIN),
            "std::io::Stdin::read_line",
            Stdio,
            "waits on the terminal for a whole line while holding the executor thread",
            "tokio::io::BufReader::new(tokio::io::stdin()).read_line(..).await",
        ),
        method(
            "lines",
            Some(0),
            Receiver::ChainCalls(STDIN),
            "std::io::Stdin::lines",
            Stdio,
            "each item waits on the terminal while holding the executor thread",
            "tokio::io::BufReader::new(tokio::io::stdin()).lines().next_line().await",
        ),
        method(
            "read_to_string",
            Some(1),
            Receiver::ChainCalls(STDIN),
            "std::io::Stdin::read_to_string",
            Stdio,
            "waits for end of input while holding the executor thread",
            "tokio::io::stdin().read_to_string(..).await",
        ),
        method(
            "read_to_end",
            Some(1),
            Receiver::ChainCalls(STDIN),
            "std::io::Stdin::read_to_end",
            Stdio,
            "waits for end of input while holding the executor thread",
            "tokio::io::stdin().read_to_end(..).await",
        ),
        path(
            "std::io::read_to_string",
            Stdio,
            "reads a blocking reader to its end on the executor thread",
            "tokio::io::AsyncReadExt::read_to_string(..).await",
        ),
        // network
        path(
            "std::net::TcpStream::connect",
            Net,
            "a blocking connect waits for the TCP handshake on the executor thread",
            "tokio::net::TcpStream::connect(..).await",
        ),
        path(
            "std::net::TcpStream::connect_timeout",
            Net,
            "a blocking connect waits for the TCP handshake on the executor thread",
            "tokio::time::timeout(.., tokio::net::TcpStream::connect(..)).await",
        ),
        path(
            "std::net::TcpListener::bind",
            Net,
            "creates a blocking listener whose accept() would stall the executor",
            "tokio::net::TcpListener::bind(..).await",
        ),
        path(
            "std::net::UdpSocket::bind",
            Net,
            "creates a blocking socket whose receives would stall the executor",
            "tokio::net::UdpSocket::bind(..).await",
        ),
        path(
            "std::os::unix::net::UnixStream::connect",
            Net,
            "a blocking connect on the executor thread",
            "tokio::net::UnixStream::connect(..).await",
        ),
        method(
            "accept",
            Some(0),
            Receiver::ChainCalls(LISTENER),
            "std::net::TcpListener::accept",
            Net,
            "waits for a client on the executor thread",
            "tokio::net::TcpListener::accept().await",
        ),
        method(
            "incoming",
            Some(0),
            Receiver::ChainCalls(LISTENER),
            "std::net::TcpListener::incoming",
            Net,
            "each item waits for a client on the executor thread",
            "loop { listener.accept().await }",
        ),
        method(
            "recv_from",
            Some(1),
            Receiver::ChainCalls(UDP),
            "std::net::UdpSocket::recv_from",
            Net,
            "waits for a datagram on the executor thread",
            "tokio::net::UdpSocket::recv_from(..).await",
        ),
        method(
            "recv",
            Some(1),
            Receiver::ChainCalls(UDP),
            "std::net::UdpSocket::recv",
            Net,
            "waits for a datagram on the executor thread",
            "tokio::net::UdpSocket::recv(..).await",
        ),
        method(
            "send_to",
            Some(2),
            Receiver::ChainCalls(UDP),
            "std::net::UdpSocket::send_to",
            Net,
            "a blocking send on the executor thread",
            "tokio::net::UdpSocket::send_to(..).await",
        ),
    ]);
    for (name, arity, api, r) in SYNC_IO_METHODS {
        v.push(method(
            name,
            Some(*arity),
            Receiver::ChainCalls(SOCKETS),
            *api,
            Net,
            "I/O on a blocking socket waits on the executor thread",
            *r,
        ));
    }
    v.extend([
        // dns
        path("std::net::ToSocketAddrs::to_socket_addrs", Dns, "resolves names with the system resolver, synchronously", "tokio::net::lookup_host(..).await"),
        method("to_socket_addrs", Some(0), Receiver::Any, "std::net::ToSocketAddrs::to_socket_addrs", Dns, "resolves names with the system resolver, synchronously", "tokio::net::lookup_host(..).await"),
        // processes
        method("output", Some(0), Receiver::ChainCalls(COMMAND), "std::process::Command::output", Process, "runs the child to completion while holding the executor thread", "tokio::process::Command::new(..).output().await"),
        method("status", Some(0), Receiver::ChainCalls(COMMAND), "std::process::Command::status", Process, "runs the child to completion while holding the executor thread", "tokio::process::Command::new(..).status().await"),
        method("wait", Some(0), Receiver::ChainCalls(COMMAND), "std::process::Child::wait", Process, "waits for the child to exit on the executor thread", "tokio::process::Child::wait().await"),
        method("wait_with_output", Some(0), Receiver::ChainCalls(COMMAND), "std::process::Child::wait_with_output", Process, "waits for the child to exit on the executor thread", "tokio::process::Child::wait_with_output().await"),
        // threads
        method("join", Some(0), Receiver::Any, "std::thread::JoinHandle::join", Thread, "waits for an OS thread to finish on the executor thread", "tokio::task::spawn_blocking(..).await"),
        path("std::thread::scope", Thread, "returns only when every scoped thread has finished", "tokio::task::spawn_blocking(..).await"),
        // sync waits
        method("wait", Some(1), Receiver::ChainCalls(CONDVAR), "std::sync::Condvar::wait", Sync, "parks the executor thread until notified", "tokio::sync::Notify::notified().await"),
        method("wait_while", Some(2), Receiver::ChainCalls(CONDVAR), "std::sync::Condvar::wait_while", Sync, "parks the executor thread until notified", "tokio::sync::Notify::notified().await"),
        method("wait_timeout", Some(2), Receiver::ChainCalls(CONDVAR), "std::sync::Condvar::wait_timeout", Sync, "parks the executor thread until notified or timed out", "tokio::time::timeout(.., notify.notified()).await"),
        method("wait_timeout_while", Some(3), Receiver::ChainCalls(CONDVAR), "std::sync::Condvar::wait_timeout_while", Sync, "parks the executor thread until notified or timed out", "tokio::time::timeout(.., notify.notified()).await"),
        method("wait", Some(0), Receiver::ChainCalls(BARRIER), "std::sync::Barrier::wait", Sync, "parks the executor thread until every party arrives", "tokio::sync::Barrier::wait().await"),
        method("recv", Some(0), Receiver::ChainCalls(RECEIVER), "std::sync::mpsc::Receiver::recv", Sync, "parks the executor thread until a message arrives", "tokio::sync::mpsc::Receiver::recv().await"),
        method("recv_timeout", Some(1), Receiver::Any, "std::sync::mpsc::Receiver::recv_timeout", Sync, "parks the executor thread until a message arrives or the timeout elapses", "tokio::time::timeout(.., rx.recv()).await"),
        method("iter", Some(0), Receiver::ChainCalls(RECEIVER), "std::sync::mpsc::Receiver::iter", Sync, "each item parks the executor thread until a message arrives", "while let Some(v) = rx.recv().await"),
        method("send", Some(1), Receiver::ChainCalls(SYNC_SENDER), "std::sync::mpsc::SyncSender::send", Sync, "a bounded channel's send parks the thread while the channel is full", "tokio::sync::mpsc::Sender::send(..).await"),
        // executors
        path("futures::executor::block_on", Executor, EXEC_WHY, ".await"),
        path("futures::executor::block_on_stream", Executor, EXEC_WHY, "futures::StreamExt::next(..).await"),
        path("futures_executor::block_on", Executor, EXEC_WHY, ".await"),
        path("futures_lite::future::block_on", Executor, EXEC_WHY, ".await"),
        path("pollster::block_on", Executor, EXEC_WHY, ".await"),
        path("async_std::task::block_on", Executor, EXEC_WHY, ".await"),
        path("smol::block_on", Executor, EXEC_WHY, ".await"),
        path("tokio::runtime::Runtime::block_on", Executor, EXEC_WHY, ".await"),
        path("tokio::runtime::Handle::block_on", Executor, EXEC_WHY, ".await"),
        method("block_on", Some(1), Receiver::Any, "tokio::runtime::Runtime::block_on", Executor, EXEC_WHY, ".await"),
        // tokio's blocking_* methods
        method("blocking_recv", Some(0), Receiver::Any, "tokio::sync::mpsc::Receiver::blocking_recv", TokioBlocking, TOKIO_BLOCKING_WHY, "rx.recv().await"),
        method("blocking_recv_many", Some(2), Receiver::Any, "tokio::sync::mpsc::Receiver::blocking_recv_many", TokioBlocking, TOKIO_BLOCKING_WHY, "rx.recv_many(..).await"),
        method("blocking_send", Some(1), Receiver::Any, "tokio::sync::mpsc::Sender::blocking_send", TokioBlocking, TOKIO_BLOCKING_WHY, "tx.send(..).await"),
        method("blocking_lock", Some(0), Receiver::Any, "tokio::sync::Mutex::blocking_lock", TokioBlocking, TOKIO_BLOCKING_WHY, "mutex.lock().await"),
        method("blocking_lock_owned", Some(0), Receiver::Any, "tokio::sync::Mutex::blocking_lock_owned", TokioBlocking, TOKIO_BLOCKING_WHY, "mutex.lock_owned().await"),
        method("blocking_read", Some(0), Receiver::Any, "tokio::sync::RwLock::blocking_read", TokioBlocking, TOKIO_BLOCKING_WHY, "rwlock.read().await"),
        method("blocking_write", Some(0), Receiver::Any, "tokio::sync::RwLock::blocking_write", TokioBlocking, TOKIO_BLOCKING_WHY, "rwlock.write().await"),
        // sync HTTP
        prefix("reqwest::blocking::", Http, "reqwest's blocking client runs its own runtime and waits on this thread (it panics inside an async context)", "reqwest::Client::new().get(..).send().await"),
        method("send", Some(0), Receiver::ChainCalls(REQWEST), "reqwest::blocking::RequestBuilder::send", Http, "waits for the HTTP response on the executor thread", "reqwest::RequestBuilder::send().await"),
        prefix("ureq::", Http, "ureq is a synchronous HTTP client: every request waits on the executor thread", "reqwest::Client::new().get(..).send().await"),
        prefix("attohttpc::", Http, "attohttpc is a synchronous HTTP client: every request waits on the executor thread", "reqwest::Client::new().get(..).send().await"),
        // sync DB
        prefix("postgres::Client::", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::connect(..).await"),
        prefix("rusqlite::Connection::", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    ]);
    for name in [
        "query",
        "query_one",
        "query_opt",
        "execute",
        "batch_execute",
        "transaction",
        "prepare",
        "copy_in",
        "copy_out",
    ] {
        v.push(method(
            name,
            None,
            Receiver::ChainCalls(POSTGRES),
            format!("postgres::Client::{name}"),
            Db,
            "the synchronous postgres client waits for the server on the executor thread",
            format!("tokio_postgres::Client::{name}(..).await"),
        ));
    }
    for name in [
        "execute",
        "execute_batch",
        "query_row",
        "query_map",
        "prepare",
        "query",
        "transaction",
    ] {
        v.push(method(
            name,
            None,
            Receiver::ChainCalls(RUSQLITE),
            format!("rusqlite::Connection::{name}"),
            Db,
            "rusqlite runs SQLite queries synchronously on the calling thread",
            "tokio::task::spawn_blocking(move || ..).await",
        ));
    }
    for name in ["load", "get_result", "get_results", "execute", "first"] {
        v.push(method(
            name,
            Some(1),
            Receiver::ImportedCrate("diesel"),
            format!("diesel::RunQueryDsl::{name}"),
            Db,
            "diesel executes queries synchronously on the calling thread",
            format!("diesel_async::RunQueryDsl::{name}(..).await"),
        ));
    }
    v.extend([
        // locks (opt-in)
        method(
            "lock",
            Some(0),
            Receiver::ChainCalls(MUTEX),
            "std::sync::Mutex::lock",
            Lock,
            "waits for the lock on the executor thread; held across .await it can deadlock",
            "tokio::sync::Mutex::lock().await",
        ),
        method(
            "read",
            Some(0),
            Receiver::ChainCalls(RWLOCK),
            "std::sync::RwLock::read",
            Lock,
            "waits for the lock on the executor thread",
            "tokio::sync::RwLock::read().await",
        ),
        method(
            "write",
            Some(0),
            Receiver::ChainCalls(RWLOCK),
            "std::sync::RwLock::write",
            Lock,
            "waits for the lock on the executor thread",
            "tokio::sync::RwLock::write().await",
        ),
    ]);
    v
}
