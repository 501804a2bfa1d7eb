//! The built-in catalog table: every known blocking API, its category, why it blocks,
//! and the async replacement. One row per entry, static data; the README table and the
//! per-entry tests are generated from it.
//!
//! To add an API: add a row in its category's group (a `path`, a `prefix` ending in
//! `::`, or a `method` shape with its receiver), with a positive and a look-alike
//! negative in that category's test table, then regenerate the README table.

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
const UNIX_DATAGRAM: &[&str] = &["std::os::unix::net::UnixDatagram"];
/// Cells another thread may be filling.
const ONCE_LOCK: &[&str] = &["std::sync::OnceLock"];
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
/// Process-wide output handles: each write takes the handle's lock and waits on the
/// terminal or pipe.
const STDOUT: &[&str] = &[
    "std::io::stdout",
    "std::io::stderr",
    "std::io::Stdout",
    "std::io::Stderr",
];
const PARKING_LOT_CONDVAR: &[&str] = &["parking_lot::Condvar"];
/// r2d2 pools (also as diesel re-exports them).
const R2D2_POOL: &[&str] = &["r2d2::Pool", "diesel::r2d2::Pool"];
const MUTEX: &[&str] = &["std::sync::Mutex", "parking_lot::Mutex"];
const RWLOCK: &[&str] = &["std::sync::RwLock", "parking_lot::RwLock"];

/// An entry of `pattern`.
const fn entry(
    pattern: Pattern,
    category: Category,
    why: &'static str,
    replacement: &'static str,
    returns_unit: bool,
) -> Entry {
    Entry {
        pattern,
        category,
        why: Cow::Borrowed(why),
        replacement: Cow::Borrowed(replacement),
        returns_unit,
    }
}

/// A fn path entry.
const fn path(
    p: &'static str,
    category: Category,
    why: &'static str,
    replacement: &'static str,
) -> Entry {
    entry(
        Pattern::Path(Cow::Borrowed(p)),
        category,
        why,
        replacement,
        false,
    )
}

/// A fn path entry for an API that returns `()` (see [`Entry::returns_unit`]).
const fn unit_path(
    p: &'static str,
    category: Category,
    why: &'static str,
    replacement: &'static str,
) -> Entry {
    entry(
        Pattern::Path(Cow::Borrowed(p)),
        category,
        why,
        replacement,
        true,
    )
}

/// A path prefix entry (`p` ends in `::`).
const fn prefix(
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
        false,
    )
}

/// A method shape entry: name, arity, receiver, and the API it stands for.
const fn method(
    name: &'static str,
    arity: Option<usize>,
    receiver: Receiver,
    api: &'static str,
    category: Category,
    why: &'static str,
    replacement: &'static str,
) -> Entry {
    let pattern = Pattern::Method {
        name: Cow::Borrowed(name),
        arity,
        receiver,
        api: Cow::Borrowed(api),
    };
    entry(pattern, category, why, replacement, false)
}

const FS_WHY: &str =
    "a synchronous filesystem call holds the executor thread until the disk answers";

const STDOUT_WHY: &str =
    "takes the process-wide output lock and waits for the terminal or pipe on the executor thread";

const EXEC_WHY: &str = "runs a nested executor on this thread: blocks it until the future completes (and tokio panics: \"Cannot start a runtime from within a runtime\")";
const TOKIO_BLOCKING_WHY: &str =
    "tokio's blocking_* methods park the thread and panic when called inside a runtime";

/// Every built-in entry, in matching order.
pub(super) static BUILTIN: &[Entry] = &[
    // sleep & park
    unit_path("std::thread::sleep", Sleep, "puts the whole executor thread to sleep, so no other task on it runs", "tokio::time::sleep(..).await"),
    path("std::thread::sleep_ms", Sleep, "puts the whole executor thread to sleep, so no other task on it runs", "tokio::time::sleep(..).await"),
    unit_path("std::thread::park", Sleep, "parks the executor thread until another thread unparks it", "tokio::sync::Notify::notified().await"),
    unit_path("std::thread::park_timeout", Sleep, "parks the executor thread until unparked or the timeout elapses", "tokio::time::timeout(.., notify.notified()).await"),
    unit_path("std::thread::park_timeout_ms", Sleep, "parks the executor thread until unparked or the timeout elapses", "tokio::time::timeout(.., notify.notified()).await"),
    // filesystem
    path("std::fs::canonicalize", Fs, FS_WHY, "tokio::fs::canonicalize(..).await"),
    path("std::fs::copy", Fs, FS_WHY, "tokio::fs::copy(..).await"),
    path("std::fs::create_dir", Fs, FS_WHY, "tokio::fs::create_dir(..).await"),
    path("std::fs::create_dir_all", Fs, FS_WHY, "tokio::fs::create_dir_all(..).await"),
    path("std::fs::exists", Fs, FS_WHY, "tokio::fs::try_exists(..).await"),
    path("std::fs::hard_link", Fs, FS_WHY, "tokio::fs::hard_link(..).await"),
    path("std::fs::metadata", Fs, FS_WHY, "tokio::fs::metadata(..).await"),
    path("std::fs::read", Fs, FS_WHY, "tokio::fs::read(..).await"),
    path("std::fs::read_dir", Fs, FS_WHY, "tokio::fs::read_dir(..).await"),
    path("std::fs::read_link", Fs, FS_WHY, "tokio::fs::read_link(..).await"),
    path("std::fs::read_to_string", Fs, FS_WHY, "tokio::fs::read_to_string(..).await"),
    path("std::fs::remove_dir", Fs, FS_WHY, "tokio::fs::remove_dir(..).await"),
    path("std::fs::remove_dir_all", Fs, FS_WHY, "tokio::fs::remove_dir_all(..).await"),
    path("std::fs::remove_file", Fs, FS_WHY, "tokio::fs::remove_file(..).await"),
    path("std::fs::rename", Fs, FS_WHY, "tokio::fs::rename(..).await"),
    path("std::fs::set_permissions", Fs, FS_WHY, "tokio::fs::set_permissions(..).await"),
    path("std::fs::soft_link", Fs, FS_WHY, "tokio::fs::symlink(..).await"),
    path("std::fs::symlink_metadata", Fs, FS_WHY, "tokio::fs::symlink_metadata(..).await"),
    path("std::fs::write", Fs, FS_WHY, "tokio::fs::write(..).await"),
    path("std::fs::File::open", Fs, FS_WHY, "tokio::fs::File::open(..).await"),
    path("std::fs::File::create", Fs, FS_WHY, "tokio::fs::File::create(..).await"),
    path("std::fs::File::create_new", Fs, FS_WHY, "tokio::fs::File::create_new(..).await"),
    path("std::fs::OpenOptions::open", Fs, FS_WHY, "tokio::fs::OpenOptions::open(..).await"),
    path("std::fs::DirBuilder::create", Fs, FS_WHY, "tokio::fs::DirBuilder::create(..).await"),
    path("std::os::unix::fs::symlink", Fs, FS_WHY, "tokio::fs::symlink(..).await"),
    path("std::os::unix::fs::chown", Fs, FS_WHY, "tokio::task::spawn_blocking(..).await"),
    path("std::os::unix::fs::lchown", Fs, FS_WHY, "tokio::task::spawn_blocking(..).await"),
    method("open", Some(1), Receiver::ChainCalls(OPEN_OPTIONS), "std::fs::OpenOptions::open", Fs, FS_WHY, "tokio::fs::OpenOptions::new()..open(..).await"),
    method("read", Some(1), Receiver::ChainCalls(FILES), "std::io::Read::read", Fs, FS_WHY, "tokio::io::AsyncReadExt::read(..).await"),
    method("read_exact", Some(1), Receiver::ChainCalls(FILES), "std::io::Read::read_exact", Fs, FS_WHY, "tokio::io::AsyncReadExt::read_exact(..).await"),
    method("read_to_end", Some(1), Receiver::ChainCalls(FILES), "std::io::Read::read_to_end", Fs, FS_WHY, "tokio::io::AsyncReadExt::read_to_end(..).await"),
    method("read_to_string", Some(1), Receiver::ChainCalls(FILES), "std::io::Read::read_to_string", Fs, FS_WHY, "tokio::io::AsyncReadExt::read_to_string(..).await"),
    method("write", Some(1), Receiver::ChainCalls(FILES), "std::io::Write::write", Fs, FS_WHY, "tokio::io::AsyncWriteExt::write(..).await"),
    method("write_all", Some(1), Receiver::ChainCalls(FILES), "std::io::Write::write_all", Fs, FS_WHY, "tokio::io::AsyncWriteExt::write_all(..).await"),
    method("flush", Some(0), Receiver::ChainCalls(FILES), "std::io::Write::flush", Fs, FS_WHY, "tokio::io::AsyncWriteExt::flush().await"),
    method("write_fmt", Some(1), Receiver::ChainCalls(FILES), "std::io::Write::write_fmt", Fs, FS_WHY, "tokio::io::AsyncWriteExt::write_all(&mut file, format!(..).as_bytes()).await"),
    method("sync_all", Some(0), Receiver::ChainCalls(FILES), "std::fs::File::sync_all", Fs, "waits until the disk has every written byte and the metadata, on the executor thread", "tokio::fs::File::sync_all().await"),
    method("sync_data", Some(0), Receiver::ChainCalls(FILES), "std::fs::File::sync_data", Fs, "waits until the disk has every written byte, on the executor thread", "tokio::fs::File::sync_data().await"),
    method("set_len", Some(1), Receiver::ChainCalls(FILES), "std::fs::File::set_len", Fs, FS_WHY, "tokio::fs::File::set_len(..).await"),
    method("lock", Some(0), Receiver::ChainCalls(FILES), "std::fs::File::lock", Fs, "waits for an exclusive advisory lock on the file, held by any other process, on the executor thread", "tokio::task::spawn_blocking(move || file.lock()).await"),
    method("lock_shared", Some(0), Receiver::ChainCalls(FILES), "std::fs::File::lock_shared", Fs, "waits for a shared advisory lock on the file, held exclusively by any other process, on the executor thread", "tokio::task::spawn_blocking(move || file.lock_shared()).await"),
    method("read_line", Some(1), Receiver::ChainCalls(FILES), "std::io::BufRead::read_line", Fs, FS_WHY, "tokio::io::AsyncBufReadExt::read_line(..).await"),
    method("read_until", Some(2), Receiver::ChainCalls(FILES), "std::io::BufRead::read_until", Fs, FS_WHY, "tokio::io::AsyncBufReadExt::read_until(..).await"),
    method("lines", Some(0), Receiver::ChainCalls(FILES), "std::io::BufRead::lines", Fs, FS_WHY, "tokio::io::AsyncBufReadExt::lines().next_line().await"),
    method("exists", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::exists", Fs, FS_WHY, "tokio::fs::try_exists(..).await"),
    method("try_exists", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::try_exists", Fs, FS_WHY, "tokio::fs::try_exists(..).await"),
    method("is_file", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::is_file", Fs, FS_WHY, "tokio::fs::metadata(..).await?.is_file()"),
    method("is_dir", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::is_dir", Fs, FS_WHY, "tokio::fs::metadata(..).await?.is_dir()"),
    method("is_symlink", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::is_symlink", Fs, FS_WHY, "tokio::fs::symlink_metadata(..).await?.is_symlink()"),
    method("metadata", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::metadata", Fs, FS_WHY, "tokio::fs::metadata(..).await"),
    method("symlink_metadata", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::symlink_metadata", Fs, FS_WHY, "tokio::fs::symlink_metadata(..).await"),
    method("canonicalize", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::canonicalize", Fs, FS_WHY, "tokio::fs::canonicalize(..).await"),
    method("read_dir", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::read_dir", Fs, FS_WHY, "tokio::fs::read_dir(..).await"),
    method("read_link", Some(0), Receiver::ChainCalls(PATH), "std::path::Path::read_link", Fs, FS_WHY, "tokio::fs::read_link(..).await"),
    // stdio
    method("read_line", Some(1), Receiver::ChainCalls(STDIN), "std::io::Stdin::read_line", Stdio, "waits on the terminal for a whole line while holding the executor thread", "tokio::io::BufReader::new(tokio::io::stdin()).read_line(..).await"),
    method("lines", Some(0), Receiver::ChainCalls(STDIN), "std::io::Stdin::lines", Stdio, "each item waits on the terminal while holding the executor thread", "tokio::io::BufReader::new(tokio::io::stdin()).lines().next_line().await"),
    method("read_to_string", Some(1), Receiver::ChainCalls(STDIN), "std::io::Stdin::read_to_string", Stdio, "waits for end of input while holding the executor thread", "tokio::io::stdin().read_to_string(..).await"),
    method("read_to_end", Some(1), Receiver::ChainCalls(STDIN), "std::io::Stdin::read_to_end", Stdio, "waits for end of input while holding the executor thread", "tokio::io::stdin().read_to_end(..).await"),
    method("read", Some(1), Receiver::ChainCalls(STDIN), "std::io::Stdin::read", Stdio, "waits on the terminal for input while holding the executor thread", "tokio::io::AsyncReadExt::read(&mut tokio::io::stdin(), ..).await"),
    method("read_exact", Some(1), Receiver::ChainCalls(STDIN), "std::io::Stdin::read_exact", Stdio, "waits on the terminal for input while holding the executor thread", "tokio::io::AsyncReadExt::read_exact(&mut tokio::io::stdin(), ..).await"),
    method("write", Some(1), Receiver::ChainCalls(STDOUT), "std::io::Stdout::write", Stdio, STDOUT_WHY, "tokio::io::AsyncWriteExt::write(&mut tokio::io::stdout(), ..).await"),
    method("write_all", Some(1), Receiver::ChainCalls(STDOUT), "std::io::Stdout::write_all", Stdio, STDOUT_WHY, "tokio::io::AsyncWriteExt::write_all(&mut tokio::io::stdout(), ..).await"),
    method("write_fmt", Some(1), Receiver::ChainCalls(STDOUT), "std::io::Stdout::write_fmt", Stdio, STDOUT_WHY, "tokio::io::AsyncWriteExt::write_all(&mut tokio::io::stdout(), format!(..).as_bytes()).await"),
    method("flush", Some(0), Receiver::ChainCalls(STDOUT), "std::io::Stdout::flush", Stdio, STDOUT_WHY, "tokio::io::AsyncWriteExt::flush(&mut tokio::io::stdout()).await"),
    method("lock", Some(0), Receiver::ChainCalls(STDOUT), "std::io::Stdout::lock", Stdio, "waits for the process-wide output lock, which any thread writing to the terminal holds", "tokio::io::stdout()"),
    path("std::io::copy", Stdio, "copies between blocking readers and writers (files, sockets, pipes) until end of input on the executor thread", "tokio::io::copy(..).await"),
    path("std::io::read_to_string", Stdio, "reads a blocking reader to its end on the executor thread", "tokio::io::AsyncReadExt::read_to_string(..).await"),
    // network
    path("std::net::TcpStream::connect", Net, "a blocking connect waits for the TCP handshake on the executor thread", "tokio::net::TcpStream::connect(..).await"),
    path("std::net::TcpStream::connect_timeout", Net, "a blocking connect waits for the TCP handshake on the executor thread", "tokio::time::timeout(.., tokio::net::TcpStream::connect(..)).await"),
    path("std::net::TcpListener::bind", Net, "creates a blocking listener whose accept() would stall the executor", "tokio::net::TcpListener::bind(..).await"),
    path("std::net::UdpSocket::bind", Net, "creates a blocking socket whose receives would stall the executor", "tokio::net::UdpSocket::bind(..).await"),
    path("std::os::unix::net::UnixStream::connect", Net, "a blocking connect on the executor thread", "tokio::net::UnixStream::connect(..).await"),
    path("std::os::unix::net::UnixListener::bind", Net, "creates a blocking listener whose accept() would stall the executor", "tokio::net::UnixListener::bind(..)"),
    path("std::os::unix::net::UnixDatagram::bind", Net, "creates a blocking socket whose receives would stall the executor", "tokio::net::UnixDatagram::bind(..)"),
    method("accept", Some(0), Receiver::ChainCalls(LISTENER), "std::net::TcpListener::accept", Net, "waits for a client on the executor thread", "tokio::net::TcpListener::accept().await"),
    method("incoming", Some(0), Receiver::ChainCalls(LISTENER), "std::net::TcpListener::incoming", Net, "each item waits for a client on the executor thread", "loop { listener.accept().await }"),
    method("recv_from", Some(1), Receiver::ChainCalls(UDP), "std::net::UdpSocket::recv_from", Net, "waits for a datagram on the executor thread", "tokio::net::UdpSocket::recv_from(..).await"),
    method("recv", Some(1), Receiver::ChainCalls(UDP), "std::net::UdpSocket::recv", Net, "waits for a datagram on the executor thread", "tokio::net::UdpSocket::recv(..).await"),
    method("send_to", Some(2), Receiver::ChainCalls(UDP), "std::net::UdpSocket::send_to", Net, "a blocking send on the executor thread", "tokio::net::UdpSocket::send_to(..).await"),
    method("send", Some(1), Receiver::ChainCalls(UDP), "std::net::UdpSocket::send", Net, "a blocking send on the executor thread", "tokio::net::UdpSocket::send(..).await"),
    method("peek_from", Some(1), Receiver::ChainCalls(UDP), "std::net::UdpSocket::peek_from", Net, "waits for a datagram on the executor thread", "tokio::net::UdpSocket::peek_from(..).await"),
    method("peek", Some(1), Receiver::ChainCalls(UDP), "std::net::UdpSocket::peek", Net, "waits for a datagram on the executor thread", "tokio::net::UdpSocket::peek(..).await"),
    method("peek", Some(1), Receiver::ChainCalls(SOCKETS), "std::net::TcpStream::peek", Net, "waits for data on a blocking socket on the executor thread", "tokio::net::TcpStream::peek(..).await"),
    method("write_fmt", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Write::write_fmt", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncWriteExt::write_all(&mut stream, format!(..).as_bytes()).await"),
    method("recv", Some(1), Receiver::ChainCalls(UNIX_DATAGRAM), "std::os::unix::net::UnixDatagram::recv", Net, "waits for a datagram on the executor thread", "tokio::net::UnixDatagram::recv(..).await"),
    method("recv_from", Some(1), Receiver::ChainCalls(UNIX_DATAGRAM), "std::os::unix::net::UnixDatagram::recv_from", Net, "waits for a datagram on the executor thread", "tokio::net::UnixDatagram::recv_from(..).await"),
    method("send", Some(1), Receiver::ChainCalls(UNIX_DATAGRAM), "std::os::unix::net::UnixDatagram::send", Net, "a blocking send on the executor thread", "tokio::net::UnixDatagram::send(..).await"),
    method("send_to", Some(2), Receiver::ChainCalls(UNIX_DATAGRAM), "std::os::unix::net::UnixDatagram::send_to", Net, "a blocking send on the executor thread", "tokio::net::UnixDatagram::send_to(..).await"),
    method("read", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Read::read", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncReadExt::read(..).await"),
    method("read_exact", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Read::read_exact", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncReadExt::read_exact(..).await"),
    method("read_to_end", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Read::read_to_end", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncReadExt::read_to_end(..).await"),
    method("read_to_string", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Read::read_to_string", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncReadExt::read_to_string(..).await"),
    method("write", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Write::write", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncWriteExt::write(..).await"),
    method("write_all", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::Write::write_all", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncWriteExt::write_all(..).await"),
    method("flush", Some(0), Receiver::ChainCalls(SOCKETS), "std::io::Write::flush", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncWriteExt::flush().await"),
    method("read_line", Some(1), Receiver::ChainCalls(SOCKETS), "std::io::BufRead::read_line", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncBufReadExt::read_line(..).await"),
    method("read_until", Some(2), Receiver::ChainCalls(SOCKETS), "std::io::BufRead::read_until", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncBufReadExt::read_until(..).await"),
    method("lines", Some(0), Receiver::ChainCalls(SOCKETS), "std::io::BufRead::lines", Net, "I/O on a blocking socket waits on the executor thread", "tokio::io::AsyncBufReadExt::lines().next_line().await"),
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
    method("wait_for", Some(2), Receiver::ChainCalls(PARKING_LOT_CONDVAR), "parking_lot::Condvar::wait_for", Sync, "parks the executor thread until notified or timed out", "tokio::time::timeout(.., notify.notified()).await"),
    method("wait_until", Some(2), Receiver::ChainCalls(PARKING_LOT_CONDVAR), "parking_lot::Condvar::wait_until", Sync, "parks the executor thread until notified or the deadline passes", "tokio::time::timeout_at(.., notify.notified()).await"),
    method("wait_while_for", Some(3), Receiver::ChainCalls(PARKING_LOT_CONDVAR), "parking_lot::Condvar::wait_while_for", Sync, "parks the executor thread until notified or timed out", "tokio::time::timeout(.., notify.notified()).await"),
    method("wait_while_until", Some(3), Receiver::ChainCalls(PARKING_LOT_CONDVAR), "parking_lot::Condvar::wait_while_until", Sync, "parks the executor thread until notified or the deadline passes", "tokio::time::timeout_at(.., notify.notified()).await"),
    method("wait", Some(0), Receiver::ChainCalls(BARRIER), "std::sync::Barrier::wait", Sync, "parks the executor thread until every party arrives", "tokio::sync::Barrier::wait().await"),
    method("wait", Some(0), Receiver::ChainCalls(ONCE_LOCK), "std::sync::OnceLock::wait", Sync, "parks the executor thread until another thread fills the cell", "tokio::sync::OnceCell::get_or_init(..).await"),
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
    method("query", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::query", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::query(..).await"),
    method("query_one", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::query_one", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::query_one(..).await"),
    method("query_opt", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::query_opt", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::query_opt(..).await"),
    method("execute", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::execute", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::execute(..).await"),
    method("batch_execute", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::batch_execute", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::batch_execute(..).await"),
    method("transaction", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::transaction", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::transaction(..).await"),
    method("prepare", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::prepare", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::prepare(..).await"),
    method("copy_in", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::copy_in", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::copy_in(..).await"),
    method("copy_out", None, Receiver::ChainCalls(POSTGRES), "postgres::Client::copy_out", Db, "the synchronous postgres client waits for the server on the executor thread", "tokio_postgres::Client::copy_out(..).await"),
    method("execute", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::execute", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("execute_batch", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::execute_batch", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("query_row", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::query_row", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("query_map", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::query_map", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("prepare", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::prepare", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("query", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::query", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("transaction", None, Receiver::ChainCalls(RUSQLITE), "rusqlite::Connection::transaction", Db, "rusqlite runs SQLite queries synchronously on the calling thread", "tokio::task::spawn_blocking(move || ..).await"),
    method("get", Some(0), Receiver::ChainCalls(R2D2_POOL), "r2d2::Pool::get", Db, "waits on a condvar, up to the pool's timeout, until a connection is free", "bb8::Pool::get().await"),
    method("load", Some(1), Receiver::ImportedCrate("diesel"), "diesel::RunQueryDsl::load", Db, "diesel executes queries synchronously on the calling thread", "diesel_async::RunQueryDsl::load(..).await"),
    method("get_result", Some(1), Receiver::ImportedCrate("diesel"), "diesel::RunQueryDsl::get_result", Db, "diesel executes queries synchronously on the calling thread", "diesel_async::RunQueryDsl::get_result(..).await"),
    method("get_results", Some(1), Receiver::ImportedCrate("diesel"), "diesel::RunQueryDsl::get_results", Db, "diesel executes queries synchronously on the calling thread", "diesel_async::RunQueryDsl::get_results(..).await"),
    method("execute", Some(1), Receiver::ImportedCrate("diesel"), "diesel::RunQueryDsl::execute", Db, "diesel executes queries synchronously on the calling thread", "diesel_async::RunQueryDsl::execute(..).await"),
    method("first", Some(1), Receiver::ImportedCrate("diesel"), "diesel::RunQueryDsl::first", Db, "diesel executes queries synchronously on the calling thread", "diesel_async::RunQueryDsl::first(..).await"),
    // locks (opt-in)
    method("lock", Some(0), Receiver::ChainCalls(MUTEX), "std::sync::Mutex::lock", Lock, "waits for the lock on the executor thread; held across .await it can deadlock", "tokio::sync::Mutex::lock().await"),
    method("read", Some(0), Receiver::ChainCalls(RWLOCK), "std::sync::RwLock::read", Lock, "waits for the lock on the executor thread", "tokio::sync::RwLock::read().await"),
    method("write", Some(0), Receiver::ChainCalls(RWLOCK), "std::sync::RwLock::write", Lock, "waits for the lock on the executor thread", "tokio::sync::RwLock::write().await"),
];
