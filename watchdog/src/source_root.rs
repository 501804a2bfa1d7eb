//! Source paths as reports print them: relative to the project being run, where that is
//! known, so a frame of the application reads `examples/spinner.rs:33` and not the
//! absolute path debug info records.
//!
//! The root is `CARGO_MANIFEST_DIR` from the environment (cargo sets it for `cargo run`
//! and `cargo test`), else the working directory at the first report. Paths outside it
//! (the standard library under `/rustc/`, the registry, libc's sources) stay as they are.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The directory source paths are shown relative to, if any.
fn root() -> Option<&'static str> {
    static ROOT: OnceLock<Option<String>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::current_dir().ok())?;
        let mut dir = dir.to_str()?.trim_end_matches('/').to_owned();
        if dir.is_empty() {
            return None;
        }
        dir.push('/');
        Some(dir)
    })
    .as_deref()
}

/// `file` relative to the project root when it lies under it, else unchanged.
pub(crate) fn display_path(file: &str) -> &str {
    relative_to(file, root())
}

fn relative_to<'a>(file: &'a str, root: Option<&str>) -> &'a str {
    match root {
        Some(root) => file.strip_prefix(root).unwrap_or(file),
        None => file,
    }
}

#[cfg(test)]
mod tests {
    use super::relative_to;

    #[test]
    fn paths_under_the_root_are_shown_relative_and_others_as_they_are() {
        let root = Some("/work/app/");
        assert_eq!(relative_to("/work/app/src/main.rs", root), "src/main.rs");
        assert_eq!(
            relative_to("/rustc/abc/library/std/src/thread/mod.rs", root),
            "/rustc/abc/library/std/src/thread/mod.rs"
        );
        assert_eq!(
            relative_to("/work/application/src/lib.rs", root),
            "/work/application/src/lib.rs"
        );
        assert_eq!(
            relative_to("./time/clock_nanosleep.c", root),
            "./time/clock_nanosleep.c"
        );
        assert_eq!(
            relative_to("/work/app/src/main.rs", None),
            "/work/app/src/main.rs"
        );
    }
}
