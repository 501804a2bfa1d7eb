//! The crates the attribute compile-time benchmark generates: the same many async fns,
//! with no attribute, with `#[blockwatch::no_blocking]` (with and without its watchdog
//! wrapper), or with `#[tracing::instrument]`.
//!
//! They are written to a scratch directory (never to the repository), all depend on the
//! same crates (this repository's facade, tokio, tracing), and differ only in the
//! attribute, so `cargo check` time differences are the attribute's cost.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Which attribute every generated async fn carries.
///
/// ```
/// use blockwatch_benches::generated_crate::Attribute;
/// assert_eq!(Attribute::NoBlocking.as_written(), "#[blockwatch::no_blocking]");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribute {
    /// No attribute: the baseline.
    None,
    /// `#[blockwatch::no_blocking]`.
    NoBlocking,
    /// `#[blockwatch::no_blocking(watch = false)]`: the check alone, without the
    /// debug-build watchdog wrapper, to tell the analysis from the wrapper's cost.
    NoBlockingUnwatched,
    /// `#[tracing::instrument]`: the reference most users already pay for.
    TracingInstrument,
    /// `#[attr_bench_identity::identity]`: an attribute macro (built like ours, unoptimized)
    /// that returns the item untouched: the floor of any attribute macro's cost.
    Identity,
}

impl Attribute {
    /// All of them, baseline first.
    pub const ALL: [Attribute; 5] = [
        Attribute::None,
        Attribute::NoBlocking,
        Attribute::NoBlockingUnwatched,
        Attribute::TracingInstrument,
        Attribute::Identity,
    ];

    /// The attribute as written on each fn (empty for [`Attribute::None`]).
    pub fn as_written(self) -> &'static str {
        match self {
            Attribute::None => "",
            Attribute::NoBlocking => "#[blockwatch::no_blocking]",
            Attribute::NoBlockingUnwatched => "#[blockwatch::no_blocking(watch = false)]",
            Attribute::TracingInstrument => "#[tracing::instrument]",
            Attribute::Identity => "#[attr_bench_identity::identity]",
        }
    }

    /// The name printed in result tables.
    ///
    /// ```
    /// assert_eq!(blockwatch_benches::generated_crate::Attribute::None.name(), "no attribute");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Attribute::None => "no attribute",
            Attribute::NoBlocking => "#[blockwatch::no_blocking]",
            Attribute::NoBlockingUnwatched => "#[blockwatch::no_blocking(watch = false)]",
            Attribute::TracingInstrument => "#[tracing::instrument]",
            Attribute::Identity => "identity attribute (the floor)",
        }
    }

    /// The generated package's name.
    pub fn package(self) -> &'static str {
        match self {
            Attribute::None => "attr_bench_none",
            Attribute::NoBlocking => "attr_bench_no_blocking",
            Attribute::NoBlockingUnwatched => "attr_bench_no_blocking_unwatched",
            Attribute::TracingInstrument => "attr_bench_tracing",
            Attribute::Identity => "attr_bench_identity_user",
        }
    }
}

/// The `src/lib.rs` of a generated crate: `fns` async fns, each with `attribute`.
///
/// ```
/// use blockwatch_benches::generated_crate::{lib_source, Attribute};
/// let source = lib_source(Attribute::TracingInstrument, 3);
/// assert_eq!(source.matches("#[tracing::instrument]").count(), 3);
/// assert!(syn::parse_file(&source).is_ok());
/// ```
pub fn lib_source(attribute: Attribute, fns: usize) -> String {
    lib_source_with(attribute, fns, Helpers::None)
}

/// Whether a generated crate holds blocking code besides its async fns.
///
/// ```
/// use blockwatch_benches::generated_crate::Helpers;
/// assert_eq!(Helpers::Blocking.package_suffix(), "_helpers");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Helpers {
    /// Only the async fns: no file names anything that can block.
    None,
    /// [`HELPER_FILES`] more modules of sync helpers that read files and sleep, which no
    /// async fn calls: the check still passes, but the crate view must read the files
    /// that can reach them, as in a crate that holds blocking code somewhere.
    Blocking,
}

impl Helpers {
    /// Appended to the package name, so both kinds live side by side in one scratch
    /// directory and one target directory.
    pub fn package_suffix(self) -> &'static str {
        match self {
            Helpers::None => "",
            Helpers::Blocking => "_helpers",
        }
    }
}

/// The Rust edition of a generated crate (the attribute's wrapper takes a cheaper shape
/// from 2024 on: lint-macro's `future_fn`).
///
/// ```
/// use blockwatch_benches::generated_crate::Edition;
/// assert_eq!(Edition::parse("2024"), Some(Edition::E2024));
/// assert_eq!(Edition::E2024.package_suffix(), "_e2024");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    /// Edition 2021.
    E2021,
    /// Edition 2024.
    E2024,
}

impl Edition {
    /// `2021` or `2024`; `None` for anything else.
    pub fn parse(year: &str) -> Option<Edition> {
        match year {
            "2021" => Some(Edition::E2021),
            "2024" => Some(Edition::E2024),
            _ => None,
        }
    }

    /// The manifest's `edition` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2021 => "2021",
            Edition::E2024 => "2024",
        }
    }

    /// Appended to the package name, so crates of both editions share a scratch and
    /// target directory.
    pub fn package_suffix(self) -> &'static str {
        match self {
            Edition::E2021 => "",
            Edition::E2024 => "_e2024",
        }
    }
}

/// How many modules of blocking helpers [`Helpers::Blocking`] adds, one file each.
pub const HELPER_FILES: usize = 3;

/// The `src/store_<index>.rs` module of blocking helpers: sync fns that read a file,
/// sleep, and write to a file, next to ones that do not block.
///
/// ```
/// use blockwatch_benches::generated_crate::helper_source;
/// let source = helper_source(1);
/// assert!(source.contains("std::fs::read_to_string"));
/// assert!(syn::parse_file(&source).is_ok());
/// ```
pub fn helper_source(index: usize) -> String {
    format!(
        "//! Generated by blockwatch-benches (attribute_cost): blocking helpers nobody calls.
use std::io::Write as _;

pub struct Store{index} {{
    pub root: std::path::PathBuf,
}}

impl Store{index} {{
    pub fn load_{index}(&self, key: &str) -> std::io::Result<String> {{
        std::fs::read_to_string(self.root.join(key))
    }}

    pub fn save_{index}(&self, key: &str, value: &str) -> std::io::Result<()> {{
        let mut file = std::fs::File::create(self.root.join(key))?;
        writeln!(file, \"{{value}}\")
    }}

    pub fn key_{index}(&self, id: u64) -> String {{
        format!(\"{{}}-{{id}}\", {index})
    }}
}}

pub fn backoff_{index}(attempt: u32) {{
    std::thread::sleep(std::time::Duration::from_millis(u64::from(attempt) * 10));
}}
"
    )
}

/// [`lib_source`], with `helpers`' modules declared when there are any.
///
/// ```
/// use blockwatch_benches::generated_crate::{lib_source_with, Attribute, Helpers, HELPER_FILES};
/// let source = lib_source_with(Attribute::NoBlocking, 3, Helpers::Blocking);
/// assert_eq!(source.matches("pub mod store_").count(), HELPER_FILES);
/// ```
pub fn lib_source_with(attribute: Attribute, fns: usize, helpers: Helpers) -> String {
    let mut source = String::from(
        "//! Generated by blockwatch-benches (attribute_cost); not part of the repository.\n\
         #![allow(dead_code)]\n\n\
         use std::fmt::Write as _;\n\
         use std::time::Duration;\n\n",
    );
    if helpers == Helpers::Blocking {
        for index in 0..HELPER_FILES {
            // Writing to a String cannot fail.
            let _ = writeln!(source, "pub mod store_{index};");
        }
        source.push('\n');
    }
    for index in 0..fns {
        let attribute = attribute.as_written();
        // Writing to a String cannot fail.
        let _ = write!(
            source,
            "{attribute}
pub async fn handler_{index}(id: u64, name: &str) -> Result<String, std::fmt::Error> {{
    tokio::time::sleep(Duration::from_micros(id % 7)).await;
    let mut out = String::with_capacity(name.len() + 24);
    write!(out, \"{{name}}-{{}}\", id.wrapping_add({index}))?;
    if out.len() > 64 {{
        out.truncate(64);
    }}
    tokio::task::yield_now().await;
    Ok(out)
}}

"
        );
    }
    source
}

/// The `Cargo.toml` of a generated crate, with `repo` (this repository's root) as the
/// path of the `blockwatch` dependency. The crate is its own workspace.
///
/// ```
/// use blockwatch_benches::generated_crate::{manifest, Attribute};
/// let toml = manifest(Attribute::None, std::path::Path::new("/src/blockwatch"));
/// assert!(toml.contains("name = \"attr_bench_none\""));
/// assert!(toml.contains("path = \"/src/blockwatch\""));
/// ```
pub fn manifest(attribute: Attribute, repo: &Path) -> String {
    let repo = repo.display().to_string().replace('\\', "/");
    format!(
        "[package]
name = \"{}\"
version = \"0.0.0\"
edition = \"2021\"
publish = false

[dependencies]
blockwatch = {{ path = \"{repo}\" }}
tokio = {{ version = \"1\", features = [\"time\", \"rt\"] }}
tracing = \"0.1\"
attr_bench_identity = {{ path = \"../{IDENTITY_PACKAGE}\" }}

[workspace]
",
        attribute.package()
    )
}

/// The proc-macro package of [`Attribute::Identity`], next to the generated crates.
pub const IDENTITY_PACKAGE: &str = "attr_bench_identity";

/// The identity attribute's package under `parent`: one `#[proc_macro_attribute]` that
/// returns the item as it came. Every generated crate depends on it (only one uses it),
/// so the dependency sets stay the same.
///
/// # Errors
/// Any I/O error writing its files.
fn write_identity(parent: &Path) -> io::Result<()> {
    let dir = parent.join(IDENTITY_PACKAGE);
    std::fs::create_dir_all(dir.join("src"))?;
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{IDENTITY_PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[lib]\nproc-macro = true\n"
        ),
    )?;
    write_if_changed(
        &dir.join("src").join("lib.rs"),
        "//! Generated by blockwatch-benches (attribute_cost): the identity attribute.\n\
         extern crate proc_macro;\n\
         /// Returns the item unchanged.\n\
         #[proc_macro_attribute]\n\
         pub fn identity(_args: proc_macro::TokenStream, item: proc_macro::TokenStream) -> proc_macro::TokenStream {\n    item\n}\n",
    )
}

/// Writes the crate for `attribute` under `parent` (replacing an older one), with a
/// copy of `repo`'s `Cargo.lock` so it resolves to the versions the repository uses.
/// Returns the crate's directory.
///
/// # Errors
/// Any I/O error writing the files or copying the lock file.
///
/// ```no_run
/// use blockwatch_benches::generated_crate::{write_crate, Attribute};
/// let scratch = std::env::temp_dir().join("attr-bench");
/// let dir = write_crate(&scratch, Attribute::NoBlocking, 500, std::path::Path::new(".."))?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_crate(
    parent: &Path,
    attribute: Attribute,
    fns: usize,
    repo: &Path,
) -> io::Result<PathBuf> {
    write_crate_named(
        parent,
        attribute.package(),
        attribute,
        fns,
        (Helpers::None, Edition::E2021),
        repo,
    )
}

/// [`write_crate`] under another package name: the same crate against another checkout
/// (say, the base commit) measured in the same run and target directory, with or
/// without `helpers`, in `edition`.
///
/// # Errors
/// As [`write_crate`].
///
/// ```no_run
/// use blockwatch_benches::generated_crate::{write_crate_named, Attribute, Edition, Helpers};
/// let scratch = std::env::temp_dir().join("attr-bench");
/// let base = std::path::Path::new("/tmp/base-checkout");
/// let kind = (Helpers::None, Edition::E2024);
/// write_crate_named(&scratch, "base_no_blocking", Attribute::NoBlocking, 500, kind, base)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_crate_named(
    parent: &Path,
    package: &str,
    attribute: Attribute,
    fns: usize,
    (helpers, edition): (Helpers, Edition),
    repo: &Path,
) -> io::Result<PathBuf> {
    write_identity(parent)?;
    let dir = parent.join(package);
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = manifest(attribute, repo)
        .replace(
            &format!("name = \"{}\"", attribute.package()),
            &format!("name = \"{package}\""),
        )
        .replace(
            "edition = \"2021\"",
            &format!("edition = \"{}\"", edition.as_str()),
        );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let src = dir.join("src");
    write_if_changed(
        &src.join("lib.rs"),
        &lib_source_with(attribute, fns, helpers),
    )?;
    if helpers == Helpers::Blocking {
        for index in 0..HELPER_FILES {
            write_if_changed(
                &src.join(format!("store_{index}.rs")),
                &helper_source(index),
            )?;
        }
    }
    let lock = repo.join("Cargo.lock");
    if lock.is_file() && !dir.join("Cargo.lock").is_file() {
        std::fs::copy(lock, dir.join("Cargo.lock"))?;
    }
    Ok(dir)
}

/// Writes `text` unless the file already holds it, so a warm build stays warm.
fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// Marks `file` as modified now, so cargo rebuilds the crate that owns it.
///
/// # Errors
/// Any I/O error opening the file or setting its time.
///
/// ```no_run
/// blockwatch_benches::generated_crate::touch(std::path::Path::new("src/lib.rs"))?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn touch(file: &Path) -> io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(file)?
        .set_modified(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_is_valid_rust_with_the_same_fns() {
        for attribute in Attribute::ALL {
            let source = lib_source(attribute, 20);
            let file = syn::parse_file(&source).expect("generated code parses");
            let fns = file
                .items
                .iter()
                .filter(|item| matches!(item, syn::Item::Fn(f) if f.sig.asyncness.is_some()))
                .count();
            assert_eq!(fns, 20, "{attribute:?}");
            let attributes = file
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Fn(f) => Some(f.attrs.len()),
                    _ => None,
                })
                .sum::<usize>();
            let expected = if attribute == Attribute::None { 0 } else { 20 };
            assert_eq!(attributes, expected, "{attribute:?}");
        }
    }

    #[test]
    fn a_crate_with_helpers_declares_and_writes_each_blocking_module() {
        let scratch = std::env::temp_dir().join(format!("bw-gen-helpers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = write_crate_named(
            &scratch,
            "with_helpers",
            Attribute::NoBlocking,
            2,
            (Helpers::Blocking, Edition::E2024),
            &repo,
        )
        .unwrap();
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        for index in 0..HELPER_FILES {
            assert!(lib.contains(&format!("pub mod store_{index};")), "{lib}");
            let helper =
                std::fs::read_to_string(dir.join(format!("src/store_{index}.rs"))).unwrap();
            let file = syn::parse_file(&helper).expect("helper module parses");
            assert!(helper.contains("std::thread::sleep"));
            assert!(file.items.len() >= 3);
        }
        let plain = lib_source(Attribute::NoBlocking, 2);
        assert!(!plain.contains("mod store_"));
        std::fs::remove_dir_all(&scratch).unwrap();
    }

    #[test]
    fn writing_twice_keeps_the_files_untouched_and_touch_updates_them() {
        let scratch = std::env::temp_dir().join(format!("bw-gen-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = write_crate(&scratch, Attribute::None, 2, &repo).unwrap();
        let lib = dir.join("src/lib.rs");
        let before = std::fs::metadata(&lib).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_crate(&scratch, Attribute::None, 2, &repo).unwrap();
        assert_eq!(std::fs::metadata(&lib).unwrap().modified().unwrap(), before);
        assert!(dir.join("Cargo.lock").is_file());
        touch(&lib).unwrap();
        assert!(std::fs::metadata(&lib).unwrap().modified().unwrap() > before);
        std::fs::remove_dir_all(&scratch).unwrap();
    }
}
