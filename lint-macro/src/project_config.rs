//! The project configuration as the attribute sees it: discovered once per process and
//! package directory, then overlaid with the options written on the attribute.

use std::collections::{HashMap, HashSet};
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

/// Discovers the configuration of `dir`, at most once per process.
///
/// rustc expands every `#[no_blocking]` of a crate in one process, so this reads the
/// configuration files once per crate, not once per annotated item.
pub fn load_cached(dir: &Path) -> Result<ProjectConfig, String> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Result<ProjectConfig, String>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // A panic while holding the lock cannot leave a half-written entry: recover the map.
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(dir.to_path_buf())
        .or_insert_with(|| load(dir))
        .clone()
}

/// The files among `files` that no expansion in this process has made the build depend
/// on yet; they are marked as done.
///
/// One `include_bytes!` of a configuration file anywhere in the crate makes rustc rebuild
/// the crate when the file changes, and rustc re-expands every attribute on every build,
/// so the first annotated item of the crate carries the dependency for all of them. Each
/// `include_bytes!` is a constant rustc must check: one per item cost about 1 ms each.
pub fn not_yet_tracked(files: Vec<PathBuf>) -> Vec<PathBuf> {
    static TRACKED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let tracked = TRACKED.get_or_init(|| Mutex::new(HashSet::new()));
    let mut tracked = tracked
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files
        .into_iter()
        .filter(|file| tracked.insert(file.clone()))
        .collect()
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
