//! The allow-list: sites whose long polls are expected and not reported.

use crate::origin::OriginInfo;

/// Patterns from `Builder::allow`.
#[derive(Clone, Debug, Default)]
pub(crate) struct AllowList {
    patterns: Vec<String>,
}

impl AllowList {
    pub(crate) fn new(patterns: Vec<String>) -> AllowList {
        AllowList { patterns }
    }

    /// Whether the site described by `info` is allowed.
    pub(crate) fn allows(&self, info: &OriginInfo) -> bool {
        self.patterns.iter().any(|pattern| matches(pattern, info))
    }
}

fn matches(pattern: &str, info: &OriginInfo) -> bool {
    if let Some(name) = &info.name {
        if name == pattern || name.ends_with(&format!("::{pattern}")) {
            return true;
        }
    }
    let Some(file) = info.file else {
        return false;
    };
    if let Some((file_pattern, line)) = pattern.rsplit_once(':') {
        if let Ok(line) = line.parse::<u32>() {
            return info.line == Some(line) && path_ends_with(file, file_pattern);
        }
    }
    path_ends_with(file, pattern)
}

/// Suffix match on whole path components, with either separator.
fn path_ends_with(file: &str, suffix: &str) -> bool {
    let file = file.replace('\\', "/");
    let suffix = suffix.replace('\\', "/");
    file == suffix || file.ends_with(&format!("/{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: Option<&str>, file: &'static str, line: u32) -> OriginInfo {
        OriginInfo {
            name: name.map(str::to_owned),
            location: Some(format!("{file}:{line}:1")),
            file: Some(file),
            line: Some(line),
        }
    }

    #[test]
    fn names_match_whole_or_by_path_suffix() {
        let list = AllowList::new(vec!["load_config".into()]);
        assert!(list.allows(&info(Some("app::startup::load_config"), "src/a.rs", 1)));
        assert!(list.allows(&info(Some("load_config"), "src/a.rs", 1)));
        assert!(!list.allows(&info(Some("app::reload_config"), "src/a.rs", 1)));
    }

    #[test]
    fn files_match_by_component_suffix_with_optional_line() {
        let list = AllowList::new(vec!["src/db.rs:42".into(), "migrations.rs".into()]);
        assert!(list.allows(&info(None, "crates/app/src/db.rs", 42)));
        assert!(!list.allows(&info(None, "crates/app/src/db.rs", 43)));
        assert!(list.allows(&info(None, "src/migrations.rs", 7)));
        assert!(!list.allows(&info(None, "src/old_migrations.rs", 7)));
    }
}
