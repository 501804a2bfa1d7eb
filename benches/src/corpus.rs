//! The scanner's corpus: Rust source files found under a directory, read into memory
//! once so that every mode measures parsing and analysis, not the disk.

use std::io;
use std::path::{Path, PathBuf};

/// One source file of the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Its number of lines.
    pub lines: usize,
}

/// The corpus: files in path order, and what could not be used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corpus {
    /// The readable UTF-8 files.
    pub files: Vec<SourceFile>,
    /// Files skipped because they are not UTF-8 or could not be read.
    pub unreadable: usize,
}

impl Corpus {
    /// Reads every `.rs` file under `root` (recursively; symlinks are not followed,
    /// `target` directories are skipped), in path order.
    ///
    /// # Errors
    /// An I/O error listing a directory (unreadable files are counted, not errors).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("corpus-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("a.rs"), "fn a() {}\nfn b() {}\n").unwrap();
    /// let corpus = blockwatch_benches::corpus::Corpus::read(&dir).unwrap();
    /// assert_eq!(corpus.total_lines(), 2);
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn read(root: &Path) -> io::Result<Corpus> {
        let mut paths = Vec::new();
        collect(root, &mut paths)?;
        paths.sort();
        let mut corpus = Corpus::default();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let lines = text.lines().count();
                    corpus.files.push(SourceFile { path, text, lines });
                }
                Err(_) => corpus.unreadable += 1,
            }
        }
        Ok(corpus)
    }

    /// Keeps every `nth` file (all of them for `nth <= 1`): a smaller corpus drawn
    /// evenly from the whole one, for quick runs.
    ///
    /// ```
    /// let mut corpus = blockwatch_benches::corpus::Corpus::default();
    /// corpus.keep_every(3);
    /// assert!(corpus.files.is_empty());
    /// ```
    pub fn keep_every(&mut self, nth: usize) {
        if nth > 1 {
            let files = std::mem::take(&mut self.files);
            self.files = files.into_iter().step_by(nth).collect();
        }
    }

    /// Lines in all files.
    pub fn total_lines(&self) -> usize {
        self.files.iter().map(|file| file.lines).sum()
    }

    /// Bytes in all files.
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|file| file.text.len()).sum()
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            if entry.file_name() != "target" {
                collect(&path, out)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The unpacked sources of every crate cargo has downloaded: `$CARGO_HOME/registry/src`
/// (`~/.cargo/registry/src` by default), if it exists.
///
/// ```no_run
/// if let Some(dir) = blockwatch_benches::corpus::registry_sources() {
///     println!("corpus: {}", dir.display());
/// }
/// ```
pub fn registry_sources() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    let dir = home.join("registry").join("src");
    dir.is_dir().then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rust_files_in_order_and_skips_the_rest() {
        let dir = std::env::temp_dir().join(format!("bw-corpus-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b/target")).unwrap();
        std::fs::write(dir.join("b/z.rs"), "fn z() {}\n").unwrap();
        std::fs::write(dir.join("a.rs"), "fn a() {}\n\nfn b() {}").unwrap();
        std::fs::write(dir.join("b/target/built.rs"), "fn built() {}").unwrap();
        std::fs::write(dir.join("notes.txt"), "not rust").unwrap();
        std::fs::write(dir.join("bad.rs"), [0xff, 0xfe, 0x00]).unwrap();
        let mut corpus = Corpus::read(&dir).unwrap();
        let names: Vec<_> = corpus
            .files
            .iter()
            .map(|file| file.path.strip_prefix(&dir).unwrap().to_owned())
            .collect();
        assert_eq!(names, [PathBuf::from("a.rs"), PathBuf::from("b/z.rs")]);
        assert_eq!(corpus.unreadable, 1);
        assert_eq!(corpus.total_lines(), 4);
        assert_eq!(corpus.total_bytes(), 30);
        corpus.keep_every(2);
        assert_eq!(corpus.files.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_root_is_an_error() {
        assert!(Corpus::read(Path::new("/nonexistent/blockwatch/corpus")).is_err());
    }
}
