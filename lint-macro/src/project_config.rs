//! The project configuration as the attribute sees it: discovered once per process and
//! package directory, then overlaid with the options written on the attribute.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use blockwatch_lint::Config;

/// The discovered configuration of one package directory, and the files it came from.
#[derive(Debug, Clone, Default)]
pub struct ProjectConfig {
    /// The merged configuration files of the package and its workspace.
    pub config: Config,
    /// Every configuration file read; the expansion makes the build depend on them.
    pub files: Vec<PathBuf>,
}

/// Reads the configuration of the package being compiled (`CARGO_MANIFEST_DIR`).
///
/// The error is the configuration error's text (it names the file and the problem).
/// Without `CARGO_MANIFEST_DIR` (rustc invoked by hand) there is no project configuration.
pub fn for_current_package() -> Result<ProjectConfig, String> {
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => load_cached(Path::new(&dir)),
        None => Ok(ProjectConfig::default()),
    }
}

/// A package directory and what its configuration discovery gave.
type Discovered = (PathBuf, Result<ProjectConfig, String>);

/// Discovers the configuration of `dir`, at most once per process.
///
/// rustc expands every `#[no_blocking]` of a crate in one process, so this reads the
/// configuration files once per crate, not once per annotated item.
pub fn load_cached(dir: &Path) -> Result<ProjectConfig, String> {
    // A list, compared by bytes: one package per compiler process (a few in a proc-macro
    // server), and hashing a path walks its components, slowly when built unoptimized.
    static CACHE: OnceLock<Mutex<Vec<Discovered>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    // A panic while holding the lock cannot leave a half-written entry: recover the list.
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, found)) = cache.iter().find(|(d, _)| d.as_os_str() == dir.as_os_str()) {
        return found.clone();
    }
    let found = load(dir);
    cache.push((dir.to_path_buf(), found.clone()));
    found
}

/// Whether every one of `files` is tracked already: [`not_yet_tracked`] would give none.
pub fn all_tracked(files: &[PathBuf]) -> bool {
    let tracked = tracked()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files
        .iter()
        .all(|file| tracked.iter().any(|t| t.as_os_str() == file.as_os_str()))
}

/// The configuration files some item of this process already tracks.
fn tracked() -> &'static Mutex<Vec<PathBuf>> {
    static TRACKED: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    TRACKED.get_or_init(|| Mutex::new(Vec::new()))
}

/// on yet; they are marked as done.
///
/// One `include_bytes!` of a configuration file anywhere in the crate makes rustc rebuild
/// the crate when the file changes, and rustc re-expands every attribute on every build,
/// so the first annotated item of the crate carries the dependency for all of them. Each
/// `include_bytes!` is a constant rustc must check: one per item cost about 1 ms each.
pub fn not_yet_tracked(files: Vec<PathBuf>) -> Vec<PathBuf> {
    // A list compared by bytes, as in `load_cached`: a package has two or three files.
    let mut tracked = tracked()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut fresh = Vec::new();
    for file in files {
        if !tracked.iter().any(|t| t.as_os_str() == file.as_os_str()) {
            tracked.push(file.clone());
            fresh.push(file);
        }
    }
    fresh
}

fn load(dir: &Path) -> Result<ProjectConfig, String> {
    let discovered = Config::discover(dir).map_err(|err| err.to_string())?;
    Ok(ProjectConfig {
        config: discovered.config,
        files: discovered.files,
    })
}

/// Lays the attribute's options over the project configuration ([`Config::merge`]): lists
/// are appended, and a category the attribute enables (or disables) wins over the
/// project's opposite choice.
pub fn overlay(mut project: Config, attribute: Config) -> Config {
    project.merge(attribute);
    project
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockwatch_lint::{CatalogConfig, Category};

    #[test]
    fn attribute_wins_over_project_categories() {
        let project = Config {
            catalog: CatalogConfig {
                disable: vec![Category::Fs],
                enable: vec![Category::Lock],
                ..CatalogConfig::default()
            },
            ..Config::default()
        };
        let attribute = Config {
            catalog: CatalogConfig {
                enable: vec![Category::Fs],
                disable: vec![Category::Lock],
                exempt: vec!["std::fs::metadata".into()],
                ..CatalogConfig::default()
            },
            ..Config::default()
        };
        let merged = overlay(project, attribute);
        assert!(merged.is_category_enabled(Category::Fs));
        assert!(!merged.is_category_enabled(Category::Lock));
        assert_eq!(merged.catalog.exempt, vec!["std::fs::metadata".to_string()]);
    }

    /// A fresh directory under the system temp dir, holding `blockwatch.toml` = `body`.
    fn package_with_config(name: &str, body: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("blockwatch-macros-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n[workspace]\n",
        )
        .unwrap();
        std::fs::write(dir.join("blockwatch.toml"), body).unwrap();
        dir
    }

    #[test]
    fn configuration_files_are_read_and_listed() {
        let dir = package_with_config("good", "disable = [\"fs\"]\n");
        let found = load_cached(&dir).unwrap();
        assert!(!found.config.is_category_enabled(Category::Fs));
        assert!(
            found.files.contains(&dir.join("blockwatch.toml")),
            "{:?}",
            found.files
        );
        assert!(
            found.files.contains(&dir.join("Cargo.toml")),
            "{:?}",
            found.files
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn configuration_error_names_the_file_and_problem() {
        let dir = package_with_config("bad", "\nenable = [\"locks\"]\n");
        let err = load_cached(&dir).unwrap_err();
        assert!(err.contains("blockwatch.toml:2"), "{err}");
        assert!(err.contains("unknown category `locks`"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn each_file_is_tracked_by_the_first_expansion_only() {
        let a = PathBuf::from("/tracking-test/a/blockwatch.toml");
        let b = PathBuf::from("/tracking-test/b/blockwatch.toml");
        assert_eq!(not_yet_tracked(vec![a.clone()]), vec![a.clone()]);
        assert_eq!(not_yet_tracked(vec![a.clone(), b.clone()]), vec![b.clone()]);
        assert!(not_yet_tracked(vec![a, b]).is_empty());
    }

    #[test]
    fn missing_directory_has_no_configuration() {
        // At the top of the file system: no enclosing workspace (as `$TMPDIR` may have)
        // can lend it a configuration.
        let dir = PathBuf::from("/blockwatch-macros-no-such-dir");
        let found = load_cached(&dir).unwrap();
        assert!(found.files.is_empty());
        assert_eq!(found.config, Config::default());
    }
}
