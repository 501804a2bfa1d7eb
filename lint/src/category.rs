//! Categories of blocking APIs.

use std::fmt;
use std::str::FromStr;

/// What kind of blocking an API does. Each catalog entry belongs to one category;
/// categories can be switched on and off as a whole.
///
/// ```
/// use blockwatch_lint::Category;
/// assert_eq!("fs".parse::<Category>().unwrap(), Category::Fs);
/// assert!(!Category::Lock.enabled_by_default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// `std::thread::sleep`, `park`, `park_timeout`.
    Sleep,
    /// Blocking `std::fs` calls.
    Fs,
    /// Reading stdin synchronously.
    Stdio,
    /// Blocking `std::net` sockets.
    Net,
    /// Synchronous DNS resolution (`to_socket_addrs`).
    Dns,
    /// Waiting for child processes.
    Process,
    /// Joining OS threads.
    Thread,
    /// Condvar, Barrier, mpsc receive.
    Sync,
    /// Running a nested executor (`block_on`).
    Executor,
    /// tokio's own `blocking_*` methods, which panic inside a runtime.
    TokioBlocking,
    /// Synchronous HTTP clients.
    Http,
    /// Synchronous database clients.
    Db,
    /// `std::sync::Mutex::lock` and `RwLock` (opt-in).
    Lock,
    /// Blocking APIs added by the user's configuration.
    User,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: &'static [Category] = &[
        Category::Sleep,
        Category::Fs,
        Category::Stdio,
        Category::Net,
        Category::Dns,
        Category::Process,
        Category::Thread,
        Category::Sync,
        Category::Executor,
        Category::TokioBlocking,
        Category::Http,
        Category::Db,
        Category::Lock,
        Category::User,
    ];

    /// The short name used in configuration, CLI flags and rule ids (`fs`, `sleep`, ...).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether the category is checked without being asked for.
    pub fn enabled_by_default(self) -> bool {
        self.info().enabled_by_default
    }

    /// What the category covers, in a few words (the `--help` category list).
    ///
    /// ```
    /// assert_eq!(blockwatch_lint::Category::Dns.description(), "synchronous DNS resolution");
    /// ```
    pub fn description(self) -> &'static str {
        self.info().description
    }

    /// The one-line title of the category's rule (SARIF `shortDescription`).
    ///
    /// ```
    /// assert_eq!(blockwatch_lint::Category::Fs.title(), "Blocking file-system call in async code");
    /// ```
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// A sentence on why the category's APIs block and what to use (SARIF
    /// `fullDescription`).
    ///
    /// ```
    /// assert!(blockwatch_lint::Category::Net.explanation().contains("tokio::net"));
    /// ```
    pub fn explanation(self) -> &'static str {
        self.info().explanation
    }

    /// Everything declared about the category, in one place: a new category does not
    /// compile until it is described here.
    fn info(self) -> &'static CategoryInfo {
        match self {
            Category::Sleep => &CategoryInfo {
                name: "sleep",
                enabled_by_default: true,
                description: "thread sleep and park",
                title: "Thread sleep in async code",
                explanation: "`std::thread::sleep` or `park` suspends the whole worker thread, not just the task.",
            },
            Category::Fs => &CategoryInfo {
                name: "fs",
                enabled_by_default: true,
                description: "blocking file-system calls",
                title: "Blocking file-system call in async code",
                explanation: "`std::fs` calls wait for the disk on the worker thread; use `tokio::fs` or spawn_blocking.",
            },
            Category::Stdio => &CategoryInfo {
                name: "stdio",
                enabled_by_default: true,
                description: "reading stdin synchronously",
                title: "Blocking stdin read in async code",
                explanation: "Reading stdin synchronously waits for the user on the worker thread; use `tokio::io::stdin`.",
            },
            Category::Net => &CategoryInfo {
                name: "net",
                enabled_by_default: true,
                description: "blocking std::net sockets",
                title: "Blocking socket call in async code",
                explanation: "`std::net` sockets wait for the network on the worker thread; use `tokio::net`.",
            },
            Category::Dns => &CategoryInfo {
                name: "dns",
                enabled_by_default: true,
                description: "synchronous DNS resolution",
                title: "Blocking DNS resolution in async code",
                explanation: "`to_socket_addrs` resolves names synchronously; use `tokio::net::lookup_host`.",
            },
            Category::Process => &CategoryInfo {
                name: "process",
                enabled_by_default: true,
                description: "waiting for child processes",
                title: "Waiting for a child process in async code",
                explanation: "`std::process` waits block the worker thread until the child exits; use `tokio::process`.",
            },
            Category::Thread => &CategoryInfo {
                name: "thread",
                enabled_by_default: true,
                description: "joining OS threads",
                title: "Joining an OS thread in async code",
                explanation: "`JoinHandle::join` blocks until the thread ends; use spawn_blocking's awaitable handle.",
            },
            Category::Sync => &CategoryInfo {
                name: "sync",
                enabled_by_default: true,
                description: "Condvar, Barrier, mpsc receive",
                title: "Blocking synchronization wait in async code",
                explanation: "Condvar, Barrier and `std::sync::mpsc` receives block the worker; use tokio::sync.",
            },
            Category::Executor => &CategoryInfo {
                name: "executor",
                enabled_by_default: true,
                description: "nested executors (block_on)",
                title: "Nested executor (`block_on`) in async code",
                explanation: "Running a nested executor inside async code blocks the worker and can deadlock or panic.",
            },
            Category::TokioBlocking => &CategoryInfo {
                name: "tokio-blocking",
                enabled_by_default: true,
                description: "tokio's blocking_* methods",
                title: "tokio `blocking_*` method in async code",
                explanation: "tokio's `blocking_*` methods panic when called from inside a runtime; await the async form.",
            },
            Category::Http => &CategoryInfo {
                name: "http",
                enabled_by_default: true,
                description: "synchronous HTTP clients",
                title: "Synchronous HTTP client in async code",
                explanation: "Blocking HTTP clients wait for the network on the worker thread; use an async client.",
            },
            Category::Db => &CategoryInfo {
                name: "db",
                enabled_by_default: true,
                description: "synchronous database clients",
                title: "Synchronous database call in async code",
                explanation: "Synchronous database clients wait for the server on the worker thread; use an async driver.",
            },
            Category::Lock => &CategoryInfo {
                name: "lock",
                enabled_by_default: false,
                description: "std Mutex and RwLock locks",
                title: "std Mutex/RwLock lock in async code",
                explanation: "A contended `std::sync::Mutex` blocks the worker thread; hold it briefly or use tokio::sync::Mutex.",
            },
            Category::User => &CategoryInfo {
                name: "user",
                enabled_by_default: true,
                description: "APIs the configuration declares blocking",
                title: "Configured blocking API in async code",
                explanation: "An API listed as blocking in the blockwatch configuration is called from async code.",
            },
        }
    }
}

/// What is declared about a category, read through `Category`'s accessors.
struct CategoryInfo {
    name: &'static str,
    enabled_by_default: bool,
    description: &'static str,
    title: &'static str,
    explanation: &'static str,
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`Category`] from an unknown name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCategory(pub String);

impl fmt::Display for UnknownCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
        write!(
            f,
            "unknown category `{}`; expected one of: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownCategory {}

impl FromStr for Category {
    type Err = UnknownCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownCategory(s.to_string()))
    }
}
