//! Trimming a captured stack to the part that matters: from the blocking call down to
//! the instrumented poll. Signal-handler and unwinder frames above it and runtime
//! frames below it are dropped.

use crate::report::Frame;

/// Functions that mark the signal delivery: everything up to and including the last
/// of them belongs to the capture machinery.
const DELIVERY: &[&str] = &[
    "blockwatch_watchdog::stack::signal::on_signal",
    "__restore_rt",
    "__kernel_rt_sigreturn",
];

/// Functions that mark where the instrumented poll began: the stack is cut above them.
const POLL_BOUNDARY: &[&str] = &[
    "blockwatch_watchdog::watched::Watched<",
    "tokio::runtime::task::core::Core<",
    "tokio::runtime::task::harness::",
    "tokio::runtime::scheduler::",
];

/// This crate's source directory, as debug info names it (absolute, unless remapped).
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Whether `frame` comes from `source` (a path inside this crate). Inlined frames in
/// `line-tables-only` builds carry short names (`on_signal`, `poll<..>`), so the file
/// is what identifies them.
fn from_own_source(frame: &Frame, source: &str) -> bool {
    frame.file.as_deref().is_some_and(|file| {
        let file = file.replace('\\', "/");
        file.starts_with(CRATE_DIR) && file.ends_with(source)
    })
}

fn is_delivery(frame: &Frame) -> bool {
    DELIVERY
        .iter()
        .any(|marker| frame.function.contains(marker))
        || from_own_source(frame, "/src/stack/signal.rs")
}

fn is_poll_boundary(frame: &Frame) -> bool {
    POLL_BOUNDARY
        .iter()
        .any(|marker| frame.function.contains(marker))
        || from_own_source(frame, "/src/watched.rs")
        || frame.file.as_deref().is_some_and(|file| {
            let file = file.replace('\\', "/");
            file.contains("tokio")
                && (file.contains("/src/runtime/task/") || file.contains("/src/runtime/scheduler/"))
        })
}

/// Trims `frames` (innermost first) to the blocking code.
pub(crate) fn trim(mut frames: Vec<Frame>) -> Vec<Frame> {
    let start = frames.iter().rposition(is_delivery).map_or_else(
        || {
            frames
                .iter()
                .take_while(|frame| frame.function.starts_with("backtrace::"))
                .count()
        },
        |index| index + 1,
    );
    frames.drain(..start.min(frames.len()));
    // The signal trampoline is often a local symbol that does not resolve to a name.
    if frames
        .first()
        .is_some_and(|frame| frame.function.starts_with("0x") && frame.file.is_none())
    {
        frames.remove(0);
    }
    if let Some(end) = frames.iter().position(is_poll_boundary) {
        if end > 0 {
            frames.truncate(end);
        }
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(function: &str) -> Frame {
        Frame {
            function: function.to_owned(),
            file: None,
            line: None,
        }
    }

    fn names(frames: &[Frame]) -> Vec<&str> {
        frames.iter().map(|frame| frame.function.as_str()).collect()
    }

    #[test]
    fn keeps_the_frames_between_delivery_and_poll() {
        let frames = vec![
            frame("backtrace::backtrace::libunwind::trace"),
            frame("blockwatch_watchdog::stack::signal::on_signal"),
            frame("0x7f28dfcd2050"),
            frame("clock_nanosleep"),
            frame("std::thread::sleep"),
            frame("app::slow::{{closure}}"),
            frame(
                "<blockwatch_watchdog::watched::Watched<F> as core::future::future::Future>::poll",
            ),
            frame("tokio::runtime::task::core::Core<T,S>::poll"),
        ];
        assert_eq!(
            names(&trim(frames)),
            [
                "clock_nanosleep",
                "std::thread::sleep",
                "app::slow::{{closure}}"
            ]
        );
    }

    #[test]
    fn short_inlined_names_are_recognised_by_their_file() {
        let own = |function: &str, source: &str| Frame {
            function: function.to_owned(),
            file: Some(format!("{CRATE_DIR}{source}")),
            line: Some(1),
        };
        let frames = vec![
            own("on_signal", "/src/stack/signal.rs"),
            frame("0x7f40ec922050"),
            frame("std::thread::functions::sleep"),
            Frame {
                function: "{async_fn#0}".to_owned(),
                file: Some("/app/examples/spinner.rs".to_owned()),
                line: Some(27),
            },
            own(
                "poll<spinner::supervisor::{async_fn_env#0}>",
                "/src/watched.rs",
            ),
            Frame {
                function: "poll<F>".to_owned(),
                file: Some("/registry/tokio-1.54.1/src/runtime/task/core.rs".to_owned()),
                line: Some(9),
            },
        ];
        assert_eq!(
            names(&trim(frames)),
            ["std::thread::functions::sleep", "{async_fn#0}"]
        );
    }

    #[test]
    fn without_markers_only_unwinder_frames_go() {
        let frames = vec![frame("backtrace::trace"), frame("app::spin"), frame("main")];
        assert_eq!(names(&trim(frames)), ["app::spin", "main"]);
    }

    #[test]
    fn a_boundary_on_top_keeps_the_stack() {
        let frames = vec![frame("tokio::runtime::task::harness::poll"), frame("main")];
        assert_eq!(trim(frames).len(), 2);
    }
}
