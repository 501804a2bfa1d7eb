//! The guard of `--fix`: files are rewritten only when git can give them back.
//!
//! As `cargo fix` does, `--fix` refuses to run when a file it would change has
//! uncommitted changes, is untracked or ignored, or is not under git at all, unless
//! `--allow-dirty`.

use std::path::Path;
use std::process::Command;

/// Why `files` (absolute paths) may not be rewritten, or `None` when all of them are
/// committed as they are.
pub(crate) fn refuse(root: &Path, files: &[&Path]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--ignored",
            "--",
        ])
        .args(files)
        .output();
    match output {
        Err(e) => Some(format!(
            "cannot run git to check for uncommitted changes ({e}); pass --allow-dirty to fix anyway"
        )),
        Ok(out) if !out.status.success() => Some(format!(
            "{} is not in a git repository, so the fixes could not be undone; pass --allow-dirty to fix anyway",
            root.display()
        )),
        Ok(out) => {
            let dirty: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.get(3..).map(str::to_string))
                .collect();
            if dirty.is_empty() {
                None
            } else {
                Some(format!(
                    "files to fix have uncommitted changes or are not tracked by git: {}; commit or stash them, or pass --allow-dirty",
                    dirty.join(", ")
                ))
            }
        }
    }
}
