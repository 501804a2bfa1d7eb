//! The fix rules of the catalog: for an entry, how a call to it is rewritten, as data.
//!
//! One row per catalog key. A row is machine-applicable only when the async API takes
//! the same arguments and gives the same result once awaited, so that the rewritten code
//! compiles wherever the old one did: `std::thread::sleep(d)` becomes
//! `tokio::time::sleep(d).await`. APIs whose types change (`File::open` returns a
//! `tokio::fs::File`, `TcpStream::connect` a `tokio::net::TcpStream`) are suggestions:
//! every later use of the value must change too. Entries without a row get the generic
//! suggestion, [`Rewrite::SpawnBlocking`].

/// How sure a fix is to be right.
///
/// ```
/// use blockwatch_lint::catalog::fixes::Applicability;
/// assert_eq!(Applicability::MachineApplicable.name(), "MachineApplicable");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// The rewrite keeps the program's meaning and types: `cargo blockwatch --fix`
    /// applies it.
    MachineApplicable,
    /// A suggestion for a person to review; never applied automatically.
    MaybeIncorrect,
}

impl Applicability {
    /// The name rustc's JSON diagnostics use for it.
    pub fn name(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
        }
    }
}

/// How the call is rewritten.
///
/// ```
/// use blockwatch_lint::catalog::fixes::{rule_for, Rewrite};
/// let rule = rule_for("std::thread::sleep");
/// assert_eq!(rule.rewrite, Rewrite::CallPath("tokio::time::sleep"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rewrite {
    /// A path call: the callee path becomes this one (written out in full, so no `use`
    /// is needed).
    CallPath(&'static str),
    /// A method call whose receiver chain starts with a constructor of the blocking type
    /// (`std::process::Command::new(..)`): the type in the constructor becomes this one.
    ReceiverType(&'static str),
    /// The whole call moves to the blocking pool:
    /// `tokio::task::spawn_blocking(move || CALL).await`. Its result is wrapped in a
    /// `Result<_, JoinError>` and its borrows must become owned values, so it is always
    /// a suggestion.
    SpawnBlocking,
    /// No rewrite: the catalog's replacement is advice for a person (a lock guard
    /// cannot leave the blocking pool).
    Manual,
}

/// A crate (and one of its features) the rewritten code needs.
///
/// ```
/// let rule = blockwatch_lint::catalog::fixes::rule_for("std::fs::read");
/// assert_eq!((rule.requires.krate, rule.requires.feature), ("tokio", "fs"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Requirement {
    /// The package name, as written in `[dependencies]`.
    pub krate: &'static str,
    /// The feature that enables the API (`full` enables every tokio feature).
    pub feature: &'static str,
}

/// One fix rule: the catalog key it applies to and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixRule {
    /// The catalog key ([`Entry::key`](crate::Entry::key)).
    pub key: &'static str,
    /// The rewrite.
    pub rewrite: Rewrite,
    /// Whether `.await` goes after the rewritten call.
    pub awaits: bool,
    /// Machine-applicable, or a suggestion.
    pub applicability: Applicability,
    /// What the rewritten code needs.
    pub requires: Requirement,
}

const TOKIO_FS: Requirement = Requirement {
    krate: "tokio",
    feature: "fs",
};
const TOKIO_TIME: Requirement = Requirement {
    krate: "tokio",
    feature: "time",
};
const TOKIO_PROCESS: Requirement = Requirement {
    krate: "tokio",
    feature: "process",
};
const TOKIO_NET: Requirement = Requirement {
    krate: "tokio",
    feature: "net",
};
/// `spawn_blocking` needs tokio's runtime.
pub const TOKIO_RT: Requirement = Requirement {
    krate: "tokio",
    feature: "rt",
};

use Applicability::{MachineApplicable as Apply, MaybeIncorrect as Suggest};
use Rewrite::{CallPath, ReceiverType};

const fn row(
    key: &'static str,
    rewrite: Rewrite,
    applicability: Applicability,
    requires: Requirement,
) -> FixRule {
    FixRule {
        key,
        rewrite,
        awaits: true,
        applicability,
        requires,
    }
}

/// The table. Keys not listed get [`Rewrite::SpawnBlocking`] as a suggestion.
pub const RULES: &[FixRule] = &[
    row(
        "std::thread::sleep",
        CallPath("tokio::time::sleep"),
        Apply,
        TOKIO_TIME,
    ),
    // Same arguments, same `io::Result<T>` once awaited.
    row(
        "std::fs::canonicalize",
        CallPath("tokio::fs::canonicalize"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::copy",
        CallPath("tokio::fs::copy"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::create_dir",
        CallPath("tokio::fs::create_dir"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::create_dir_all",
        CallPath("tokio::fs::create_dir_all"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::exists",
        CallPath("tokio::fs::try_exists"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::hard_link",
        CallPath("tokio::fs::hard_link"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::metadata",
        CallPath("tokio::fs::metadata"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::read",
        CallPath("tokio::fs::read"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::read_link",
        CallPath("tokio::fs::read_link"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::read_to_string",
        CallPath("tokio::fs::read_to_string"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::remove_dir",
        CallPath("tokio::fs::remove_dir"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::remove_dir_all",
        CallPath("tokio::fs::remove_dir_all"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::remove_file",
        CallPath("tokio::fs::remove_file"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::rename",
        CallPath("tokio::fs::rename"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::set_permissions",
        CallPath("tokio::fs::set_permissions"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::symlink_metadata",
        CallPath("tokio::fs::symlink_metadata"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::fs::write",
        CallPath("tokio::fs::write"),
        Apply,
        TOKIO_FS,
    ),
    row(
        "std::os::unix::fs::symlink",
        CallPath("tokio::fs::symlink"),
        Apply,
        TOKIO_FS,
    ),
    // A `tokio::fs::ReadDir` / `File` is not an iterator / `std::io::Read`: later uses change.
    row(
        "std::fs::read_dir",
        CallPath("tokio::fs::read_dir"),
        Suggest,
        TOKIO_FS,
    ),
    row(
        "std::fs::File::open",
        CallPath("tokio::fs::File::open"),
        Suggest,
        TOKIO_FS,
    ),
    row(
        "std::fs::File::create",
        CallPath("tokio::fs::File::create"),
        Suggest,
        TOKIO_FS,
    ),
    // The builder is a temporary of the chain; `output()`/`status()` give the same
    // `io::Result<Output>` / `io::Result<ExitStatus>` once awaited.
    row(
        "std::process::Command::output",
        ReceiverType("tokio::process::Command"),
        Apply,
        TOKIO_PROCESS,
    ),
    row(
        "std::process::Command::status",
        ReceiverType("tokio::process::Command"),
        Apply,
        TOKIO_PROCESS,
    ),
    // The stream's type changes: its reads and writes must change with it.
    row(
        "std::net::TcpStream::connect",
        CallPath("tokio::net::TcpStream::connect"),
        Suggest,
        TOKIO_NET,
    ),
    row(
        "std::net::TcpListener::bind",
        CallPath("tokio::net::TcpListener::bind"),
        Suggest,
        TOKIO_NET,
    ),
    row(
        "std::net::UdpSocket::bind",
        CallPath("tokio::net::UdpSocket::bind"),
        Suggest,
        TOKIO_NET,
    ),
    row(
        "std::os::unix::net::UnixStream::connect",
        CallPath("tokio::net::UnixStream::connect"),
        Suggest,
        TOKIO_NET,
    ),
    // The guard is not `Send`: it cannot come back from `spawn_blocking`.
    row("std::sync::Mutex::lock", Rewrite::Manual, Suggest, TOKIO_RT),
    row(
        "std::sync::RwLock::read",
        Rewrite::Manual,
        Suggest,
        TOKIO_RT,
    ),
    row(
        "std::sync::RwLock::write",
        Rewrite::Manual,
        Suggest,
        TOKIO_RT,
    ),
];

/// The fallback for catalog entries without a row.
pub const SPAWN_BLOCKING: FixRule = FixRule {
    key: "",
    rewrite: Rewrite::SpawnBlocking,
    awaits: true,
    applicability: Applicability::MaybeIncorrect,
    requires: TOKIO_RT,
};

/// The rule for catalog key `key`: its row, else [`SPAWN_BLOCKING`].
///
/// ```
/// use blockwatch_lint::catalog::fixes::{rule_for, Applicability, Rewrite};
/// assert_eq!(rule_for("std::fs::write").applicability, Applicability::MachineApplicable);
/// assert_eq!(rule_for("rusqlite::Connection::execute").rewrite, Rewrite::SpawnBlocking);
/// ```
pub fn rule_for(key: &str) -> &'static FixRule {
    RULES
        .iter()
        .find(|r| r.key == key)
        .unwrap_or(&SPAWN_BLOCKING)
}
