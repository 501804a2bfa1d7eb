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
        match self {
            Category::Sleep => "sleep",
            Category::Fs => "fs",
            Category::Stdio => "stdio",
            Category::Net => "net",
            Category::Dns => "dns",
            Category::Process => "process",
            Category::Thread => "thread",
            Category::Sync => "sync",
            Category::Executor => "executor",
            Category::TokioBlocking => "tokio-blocking",
            Category::Http => "http",
            Category::Db => "db",
            Category::Lock => "lock",
            Category::User => "user",
        }
    }

    /// Whether the category is checked without being asked for.
    pub fn enabled_by_default(self) -> bool {
        !matches!(self, Category::Lock)
    }
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
