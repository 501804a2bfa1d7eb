//! The Rust edition of the crate being compiled, read from its manifest.
//!
//! A proc macro cannot ask the compiler for the edition on stable, but cargo compiles a
//! target with the edition its manifest states: `package.edition`, inherited from
//! `workspace.package.edition` when it says `edition.workspace = true`, and 2015 when it
//! says nothing. A target table with an `edition` of its own (`[lib] edition = ..`) makes
//! the answer depend on which target is being compiled, so it counts as unknown.

use std::path::Path;
use std::sync::OnceLock;

/// Whether the crate being compiled (`CARGO_MANIFEST_DIR`) is edition 2024 or later, where
/// `impl Trait` in return position captures every lifetime in scope. Read once per
/// process; `false` when it cannot be told (no manifest, a target with its own edition).
pub fn captures_every_lifetime() -> bool {
    #[cfg(test)]
    if let Some(assumed) = tests::ASSUMED.with(std::cell::Cell::get) {
        return assumed;
    }
    static CAPTURES: OnceLock<bool> = OnceLock::new();
    *CAPTURES.get_or_init(|| {
        std::env::var_os("CARGO_MANIFEST_DIR")
            .and_then(|dir| edition_of(Path::new(&dir)))
            .is_some_and(|edition| edition >= 2024)
    })
}

/// The edition of the package whose manifest is in `dir`, as a year; `None` when the
/// manifest cannot be read or a target states an edition of its own.
///
/// ```ignore
/// // dir/Cargo.toml: [package] name = "app" edition = "2024"
/// assert_eq!(edition_of(dir), Some(2024));
/// ```
pub fn edition_of(dir: &Path) -> Option<u32> {
    let manifest = read_manifest(&dir.join("Cargo.toml"))?;
    let package = manifest.get("package")?;
    if target_states_its_own_edition(&manifest) {
        return None;
    }
    match package.get("edition") {
        None => Some(2015),
        Some(toml::Value::String(year)) => year.parse().ok(),
        Some(toml::Value::Table(t)) if t.get("workspace") == Some(&toml::Value::Boolean(true)) => {
            workspace_edition(dir)
        }
        Some(_) => None,
    }
}

/// `workspace.package.edition` of the nearest manifest at or above `dir` that has a
/// `[workspace]` (a root package may inherit from its own workspace table).
fn workspace_edition(dir: &Path) -> Option<u32> {
    dir.ancestors().find_map(|parent| {
        let manifest = read_manifest(&parent.join("Cargo.toml"))?;
        let workspace = manifest.get("workspace")?;
        // The first workspace root found is the package's: its edition or nothing.
        Some(
            workspace
                .get("package")
                .and_then(|p| p.get("edition"))
                .and_then(toml::Value::as_str)
                .and_then(|year| year.parse().ok()),
        )
    })?
}

fn read_manifest(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

fn target_states_its_own_edition(manifest: &toml::Table) -> bool {
    let has_edition = |target: &toml::Value| target.get("edition").is_some();
    manifest.get("lib").is_some_and(has_edition)
        || ["bin", "example", "test", "bench"].iter().any(|kind| {
            manifest
                .get(*kind)
                .and_then(toml::Value::as_array)
                .is_some_and(|targets| targets.iter().any(has_edition))
        })
}

/// Runs `f` as if the crate being compiled were (`true`) or were not edition 2024, on this
/// thread: the macro's own tests would otherwise read this package's own edition.
#[cfg(test)]
pub fn assuming<R>(captures_every_lifetime: bool, f: impl FnOnce() -> R) -> R {
    let before = tests::ASSUMED.replace(Some(captures_every_lifetime));
    let out = f();
    tests::ASSUMED.set(before);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::fs;
    use std::path::PathBuf;

    thread_local! {
        pub(super) static ASSUMED: Cell<Option<bool>> = const { Cell::new(None) };
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bw-edition-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("member")).unwrap();
        dir
    }

    #[test]
    fn the_package_states_its_edition_or_is_2015() {
        let dir = scratch("package");
        let member = dir.join("member");
        for (manifest, expected) in [
            ("[package]\nname = \"a\"\nedition = \"2024\"\n", Some(2024)),
            ("[package]\nname = \"a\"\nedition = \"2021\"\n", Some(2021)),
            ("[package]\nname = \"a\"\n", Some(2015)),
            ("[package]\nname = \"a\"\nedition = \"20x\"\n", None),
            ("[package]\nname = \"a\"\nedition = \"2024\"\n[lib]\nedition = \"2021\"\n", None),
            ("[package]\nname = \"a\"\nedition = \"2024\"\n[[bin]]\nname = \"b\"\nedition = \"2021\"\n", None),
            ("[workspace]\nmembers = []\n", None),
            ("not toml [", None),
        ] {
            fs::write(member.join("Cargo.toml"), manifest).unwrap();
            assert_eq!(edition_of(&member), expected, "{manifest}");
        }
        assert_eq!(edition_of(&dir.join("missing")), None);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_inherited_edition_comes_from_the_nearest_workspace_root() {
        let dir = scratch("workspace");
        let member = dir.join("member");
        fs::write(
            member.join("Cargo.toml"),
            "[package]\nname = \"a\"\nedition.workspace = true\n",
        )
        .unwrap();
        fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"member\"]\n[workspace.package]\nedition = \"2024\"\n",
        )
        .unwrap();
        assert_eq!(edition_of(&member), Some(2024));
        fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"member\"]\n",
        )
        .unwrap();
        assert_eq!(edition_of(&member), None);
        fs::remove_dir_all(dir).unwrap();
    }
}
