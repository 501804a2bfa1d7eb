//! Finding the configuration files that apply to a package directory.

use std::path::Path;

use super::toml_reader::{parse_cargo, Doc};
use super::{Config, ConfigError, Discovered};

/// See [`Config::discover`].
pub(super) fn discover(dir: &Path) -> Result<Discovered, ConfigError> {
    let mut found = Discovered::default();
    let own_manifest = dir.join("Cargo.toml");
    let mut own_is_workspace = false;
    let own_text = read_optional(&own_manifest)?;
    if let Some(text) = &own_text {
        found.files.push(own_manifest.clone());
        own_is_workspace = has_workspace_table(text, &own_manifest)?;
    }
    if !own_is_workspace {
        // Walk up from an absolute path, so a relative `dir` (".") still finds the
        // workspace root above the current directory.
        let absolute = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|cwd| cwd.join(dir))
                .unwrap_or_else(|_| dir.to_path_buf())
        };
        let mut parent = absolute.parent();
        while let Some(p) = parent {
            let manifest = p.join("Cargo.toml");
            if let Some(text) = read_optional(&manifest)? {
                found.files.push(manifest.clone());
                if has_workspace_table(&text, &manifest)? {
                    found
                        .config
                        .merge(parse_cargo(&text, &manifest, true, false)?);
                    break;
                }
            }
            parent = p.parent();
        }
    }
    if let Some(text) = &own_text {
        found
            .config
            .merge(parse_cargo(text, &own_manifest, own_is_workspace, true)?);
    }
    let own_toml = dir.join("blockwatch.toml");
    if let Some(text) = read_optional(&own_toml)? {
        found.files.push(own_toml.clone());
        found.config.merge(Config::from_toml_str(&text, &own_toml)?);
    }
    Ok(found)
}

pub(super) fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError {
            file: path.to_path_buf(),
            line: None,
            key: None,
            message: format!("cannot read: {e}"),
        }),
    }
}

fn has_workspace_table(text: &str, file: &Path) -> Result<bool, ConfigError> {
    let doc = Doc { text, file };
    let root = doc.parse()?;
    Ok(root
        .get_ref()
        .iter()
        .any(|(k, _)| k.get_ref() == "workspace"))
}
