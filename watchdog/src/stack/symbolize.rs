//! Turning raw frame addresses into function names, files and lines.
//!
//! This runs on the reporter thread, never on the scanner: the first resolution loads
//! debug info (about half a second in a debug build) and must not blind the watchdog.

use crate::report::Frame;

/// Resolves each address; inlined calls become frames of their own, innermost first.
pub(crate) fn symbolize(ips: &[usize]) -> Vec<Frame> {
    let mut frames = Vec::with_capacity(ips.len());
    for &ip in ips {
        let before = frames.len();
        resolve(ip, &mut frames);
        if frames.len() == before {
            frames.push(Frame {
                function: format!("{ip:#x}"),
                file: None,
                line: None,
            });
        }
    }
    frames
}

#[cfg(target_os = "linux")]
fn resolve(ip: usize, frames: &mut Vec<Frame>) {
    backtrace::resolve(ip as *mut std::ffi::c_void, |symbol| {
        let function = match symbol.name() {
            Some(name) => format!("{name:#}"),
            None => format!("{ip:#x}"),
        };
        frames.push(Frame {
            function,
            file: symbol.filename().map(|file| file.display().to_string()),
            line: symbol.lineno(),
        });
    });
}

#[cfg(not(target_os = "linux"))]
fn resolve(_ip: usize, _frames: &mut Vec<Frame>) {}

/// Loads debug info now, so the first real report is not delayed by it.
pub(crate) fn warm_up_symbolizer() {
    let here = warm_up_symbolizer as *const () as usize;
    let _ = symbolize(&[here + 1]);
}
