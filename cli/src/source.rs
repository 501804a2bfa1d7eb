//! Reading one source file safely: only regular files, never blocking on a FIFO or a
//! device that happens to be named `*.rs`, never loading a file too large to analyse.
//!
//! Opening a FIFO with no writer waits forever, so the type is checked before the file
//! is opened (following symbolic links, as the open does), then type and size again on
//! the open handle, so that a file changed after the walk is still checked. (Only a
//! regular file replaced by a FIFO in the instant between the check and the open could
//! still make the open wait; nothing in a source tree does that.)

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest file analysed, in bytes. Hand-written Rust stays far below (the largest
/// generated files of popular crates, such as `windows-sys` bindings and Unicode tables,
/// are 1–2 MiB); parsing keeps about a hundred bytes of syntax tree and span data per
/// byte of source, so a bigger file would cost gigabytes of memory and minutes of time.
pub(crate) const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a source file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The OS refused (missing, permission, broken link, ...): the reason as text.
    Io(String),
    /// Not a regular file: a FIFO, a socket, a device or a directory, named in the text.
    NotAFile(&'static str),
    /// Larger than [`MAX_FILE_BYTES`]; the size in bytes.
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(reason) => write!(f, "cannot read: {reason}"),
            ReadError::NotAFile(kind) => write!(f, "not a regular file ({kind}): not read"),
            ReadError::TooLarge(size) => write!(
                f,
                "{:.1} MiB, larger than the {} MiB limit for one file: not analysed",
                *size as f64 / (1u64 << 20) as f64,
                MAX_FILE_BYTES >> 20
            ),
        }
    }
}

/// Reads `path` as bytes if it is a regular file no larger than `limit`.
pub(crate) fn read_source(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(crate::walk::describe_io(Some(path), &e));
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotAFile(describe_kind(&kind)));
    }
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotAFile(describe_kind(&kind)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len()));
    }
    // The size can change after the check: never read more than the limit allows.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn describe_kind(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("blockwatch-source-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn regular_files_within_the_limit_are_read_whole() {
        let dir = scratch("regular");
        let path = dir.join("a.rs");
        std::fs::write(&path, "fn f() {}\n").unwrap();
        assert_eq!(read_source(&path, 100).unwrap(), b"fn f() {}\n");
        assert_eq!(read_source(&path, 3), Err(ReadError::TooLarge(10)));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn directories_and_missing_files_are_errors() {
        let dir = scratch("kinds");
        let sub = dir.join("d.rs");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(
            read_source(&sub, MAX_FILE_BYTES),
            Err(ReadError::NotAFile("a directory"))
        );
        let missing = read_source(&dir.join("missing.rs"), MAX_FILE_BYTES).unwrap_err();
        assert!(matches!(missing, ReadError::Io(_)), "{missing:?}");
        assert!(
            missing.to_string().starts_with("cannot read: "),
            "{missing}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = scratch("fifo");
        let fifo = dir.join("pipe.rs");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        assert_eq!(
            read_source(&fifo, MAX_FILE_BYTES),
            Err(ReadError::NotAFile("a FIFO"))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_size_error_names_the_limit() {
        let text = ReadError::TooLarge(50 << 20).to_string();
        assert!(text.contains("50.0 MiB"), "{text}");
        assert!(text.contains("16 MiB limit"), "{text}");
    }
}
