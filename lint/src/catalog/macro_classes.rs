//! How the engine reads a macro's body, by the macro's name.

/// Macros whose arguments are expressions (format-like, assert-like, `vec!`, ...).
///
/// ```
/// assert!(blockwatch_lint::catalog::EXPR_MACROS.contains(&"println"));
/// ```
pub const EXPR_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "format_args",
    "write",
    "writeln",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "info",
    "debug",
    "warn",
    "error",
    "trace",
    "event",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "vec",
    "dbg",
    "anyhow",
    "bail",
    "ensure",
    "eyre",
    "pin",
];

/// Macros whose tokens are not code that runs here.
///
/// ```
/// assert!(blockwatch_lint::catalog::SKIP_MACROS.contains(&"quote"));
/// ```
pub const SKIP_MACROS: &[&str] = &[
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "stringify",
    "concat",
    "include",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "cfg",
    "compile_error",
    "line",
    "column",
    "file",
    "module_path",
    "macro_rules",
    "asm",
    "global_asm",
    "concat_idents",
];

/// Macros that await each branch's future (`tokio::select!`, `futures::select!`).
///
/// ```
/// assert!(blockwatch_lint::catalog::SELECT_MACROS.contains(&"select"));
/// ```
pub const SELECT_MACROS: &[&str] = &["select", "select_biased"];

/// Macros whose arguments are futures they await (`join!`, `try_join!`).
///
/// ```
/// assert!(blockwatch_lint::catalog::JOIN_MACROS.contains(&"try_join"));
/// ```
pub const JOIN_MACROS: &[&str] = &["join", "try_join"];

/// How a macro's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MacroClass {
    /// Not code that runs here ([`SKIP_MACROS`]): not read.
    NotCode,
    /// Branches whose futures are awaited ([`SELECT_MACROS`]).
    Select,
    /// Arguments that are awaited futures ([`JOIN_MACROS`]).
    Join,
    /// `matches!`: only the scrutinee is code.
    Matches,
    /// Comma-separated expressions ([`EXPR_MACROS`]).
    Expressions,
    /// Anything else: parsed as expressions or statements when possible.
    Other,
}

/// The class of the macro named `name` (its last path segment).
pub(crate) fn macro_class(name: &str) -> MacroClass {
    if SKIP_MACROS.contains(&name) {
        MacroClass::NotCode
    } else if SELECT_MACROS.contains(&name) {
        MacroClass::Select
    } else if JOIN_MACROS.contains(&name) {
        MacroClass::Join
    } else if name == "matches" {
        MacroClass::Matches
    } else if EXPR_MACROS.contains(&name) {
        MacroClass::Expressions
    } else {
        MacroClass::Other
    }
}
