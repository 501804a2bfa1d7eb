//! Turning raw frame addresses into function names, files and lines.
//!
//! This runs on the reporter thread, never on the scanner: the first resolution loads
//! debug info (about half a second in a debug build) and must not blind the watchdog.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use crate::report::Frame;

/// Whether the warm-up has loaded the debug info: from then on a stack symbolizes in
/// milliseconds, and reports wait for their names.
static READY: AtomicBool = AtomicBool::new(false);

/// Starts loading debug info on a thread of its own (once per process), so that the
/// reporter can send a live report with raw addresses meanwhile instead of waiting
/// for seconds.
pub(crate) fn start_warm_up() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("blockwatch-symbols".to_owned())
            .spawn(|| {
                warm_up_symbolizer();
                READY.store(true, Ordering::Release);
            });
        if spawned.is_err() {
            // No thread to spare: symbolize inline, as slowly as that is.
            READY.store(true, Ordering::Release);
        }
    });
}

/// Whether stacks can be symbolized without loading debug info first.
pub(crate) fn symbols_ready() -> bool {
    READY.load(Ordering::Acquire)
}

/// Frames for a report sent before symbols are ready: each address as the loaded object
/// it is in and its offset there (`libc.so.6+0xe5c7f`, what `addr2line -e` takes), with
/// the nearest exported symbol when the object exports one. Needs no debug info.
pub(crate) fn raw_frames(ips: &[usize]) -> Vec<Frame> {
    // The unwinder ends some stacks with a null address: not a frame.
    ips.iter()
        .filter(|&&ip| ip != 0)
        .map(|&ip| Frame {
            function: raw_name(ip),
            file: None,
            line: None,
        })
        .collect()
}

#[cfg(target_os = "linux")]
fn raw_name(ip: usize) -> String {
    use std::ffi::CStr;

    // SAFETY: `Dl_info` is plain data; all-zero is a valid value for it.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr only reads the loader's tables and fills `info`; any address is
    // a valid argument (it returns 0 when no object contains it).
    if unsafe { libc::dladdr(ip as *const libc::c_void, &mut info) } == 0
        || info.dli_fbase.is_null()
    {
        return format!("{ip:#x}");
    }
    let object = if info.dli_fname.is_null() {
        String::new()
    } else {
        // SAFETY: a non-null dli_fname is a NUL-terminated path owned by the loader.
        let path = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy();
        path.rsplit('/').next().unwrap_or_default().to_owned()
    };
    let object = if object.is_empty() {
        std::env::current_exe()
            .ok()
            .and_then(|exe| {
                exe.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "<program>".to_owned())
    } else {
        object
    };
    let offset = ip.wrapping_sub(info.dli_fbase as usize);
    if info.dli_sname.is_null() || info.dli_saddr.is_null() {
        return format!("{object}+{offset:#x}");
    }
    // SAFETY: a non-null dli_sname is a NUL-terminated name owned by the loader.
    let symbol = unsafe { CStr::from_ptr(info.dli_sname) }.to_string_lossy();
    let into = ip.wrapping_sub(info.dli_saddr as usize);
    format!("{symbol}+{into:#x} ({object}+{offset:#x})")
}

#[cfg(not(target_os = "linux"))]
fn raw_name(ip: usize) -> String {
    format!("{ip:#x}")
}

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

/// Loads debug info now, so the first real report is not delayed by it: the program's
/// own, and the C library's, which is on the stack of nearly every blocking call
/// (`sleep`, file and socket I/O, locks). The symbolizer keeps only a few objects
/// loaded at once, so only these two are warmed.
pub(crate) fn warm_up_symbolizer() {
    let here = warm_up_symbolizer as *const () as usize;
    let _ = symbolize(&[here + 1]);
    #[cfg(target_os = "linux")]
    if let Some(address) = c_library_code_address() {
        let _ = symbolize(&[address]);
    }
}

/// An address inside the C library's executable code, found among the loaded objects.
#[cfg(target_os = "linux")]
fn c_library_code_address() -> Option<usize> {
    use std::ffi::CStr;

    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        found: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes a valid info record for the duration of the call,
        // and `found` is the `Option<usize>` handed to dl_iterate_phdr below.
        let (info, found) = unsafe { (&*info, &mut *found.cast::<Option<usize>>()) };
        if info.dlpi_name.is_null() || info.dlpi_phdr.is_null() {
            return 0;
        }
        // SAFETY: a non-null dlpi_name is a NUL-terminated path owned by the loader.
        let path = unsafe { CStr::from_ptr(info.dlpi_name) }.to_bytes();
        let file = path.rsplit(|&byte| byte == b'/').next().unwrap_or(path);
        if !(file.starts_with(b"libc.so") || file.starts_with(b"libc-")) {
            return 0;
        }
        // SAFETY: dlpi_phdr points to dlpi_phnum program headers.
        let headers =
            unsafe { std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum)) };
        let code = headers.iter().find(|header| {
            header.p_type == libc::PT_LOAD && header.p_flags & libc::PF_X != 0 && header.p_memsz > 0
        });
        match code {
            Some(header) => {
                let start = (info.dlpi_addr as usize).wrapping_add(header.p_vaddr as usize);
                // An address a little inside the segment, where functions are.
                *found = Some(start + (header.p_memsz as usize / 2));
                1
            }
            None => 0,
        }
    }

    let mut found: Option<usize> = None;
    // SAFETY: `visit` only reads the records it is given and writes `found`, which
    // outlives the call.
    unsafe {
        libc::dl_iterate_phdr(Some(visit), (&mut found as *mut Option<usize>).cast());
    }
    found
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn raw_frames_name_the_object_and_offset_without_debug_info() {
        let address = c_library_code_address().expect("libc is loaded");
        let frame = &raw_frames(&[address])[0];
        assert!(frame.function.contains("libc"), "{frame}");
        assert!(frame.function.contains("+0x"), "{frame}");
        let here = raw_frames(&[raw_frames as *const () as usize])[0]
            .function
            .clone();
        let exe = std::env::current_exe().unwrap();
        let exe = exe.file_name().unwrap().to_string_lossy();
        assert!(here.starts_with(&format!("{exe}+0x")), "{here}");
    }

    #[test]
    fn the_c_library_is_found_among_the_loaded_objects() {
        let address = c_library_code_address().expect("libc is loaded");
        let frames = symbolize(&[address]);
        // Resolved to a name, not left as the bare address (libc exports its symbols).
        assert!(
            frames.iter().any(|frame| !frame.function.starts_with("0x")),
            "{frames:?}"
        );
    }
}
