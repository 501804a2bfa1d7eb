//! What a method call's receiver is, read from the paths its value came from
//! ([`CallSite::receiver`](crate::CallSite::receiver)): the workspace types it may be
//! (whose methods the call graph looks up first), or, when every type named is from
//! outside the workspace, those types' names (so a workspace method of the same name
//! on another type is not taken for the call).

use crate::catalog::DEREF_WRAPPERS;
use crate::resolve::CRATE;

/// The receiver paths of one method call, split into segments.
pub(crate) struct ReceiverTypes<'a> {
    paths: Vec<(Home<'a>, Vec<&'a str>)>,
    /// The stepped origins ([`crate::method_steps`]): each chain's start and methods.
    chains: Vec<(&'a str, Vec<&'a str>)>,
}

/// Where a receiver path lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home<'a> {
    /// In the workspace: the crate it names first (`None` for `crate::`).
    Workspace(Option<&'a str>),
    /// In a crate outside the workspace (`env_logger::Builder`, `std::sync::Arc`).
    Foreign,
    /// A bare name nothing resolved (a generic parameter, a glob import).
    Unknown,
}

impl<'a> ReceiverTypes<'a> {
    /// Reads `receiver`; `is_workspace_crate` says whether a first segment names a
    /// library crate of the workspace.
    pub fn new(receiver: &'a [String], is_workspace_crate: impl Fn(&str) -> bool) -> Self {
        let chains = receiver
            .iter()
            .filter_map(|p| crate::method_steps::split(p))
            .collect();
        let paths = receiver
            .iter()
            .filter(|p| !crate::method_steps::is_stepped(p))
            .map(|p| {
                let segs: Vec<&str> = p.split("::").collect();
                let home = match segs.as_slice() {
                    [CRATE, ..] => Home::Workspace(None),
                    [_] => Home::Unknown,
                    [first, ..] if is_workspace_crate(first) => Home::Workspace(Some(first)),
                    _ => Home::Foreign,
                };
                (home, segs)
            })
            .collect();
        ReceiverTypes { paths, chains }
    }

    /// The chains of method calls the receiver is the value of: where each started
    /// (a path as the plain ones are) and the methods called since, in order.
    pub fn chains(&self) -> &[(&'a str, Vec<&'a str>)] {
        &self.chains
    }

    /// Workspace paths the receiver came from, without their crate segment: the type
    /// `db::Store` for `crate::db::Store`, with `Some(crate)` for another crate.
    pub fn workspace_types(&self) -> impl Iterator<Item = (Option<&'a str>, Vec<String>)> + '_ {
        self.paths.iter().filter_map(|(home, segs)| match home {
            // Raw identifiers (`r#async`) name the module `async` of the fn paths.
            Home::Workspace(krate) => Some((
                *krate,
                segs[1..]
                    .iter()
                    .map(|s| s.strip_prefix("r#").unwrap_or(s).to_string())
                    .collect::<Vec<_>>(),
            )),
            Home::Foreign | Home::Unknown => None,
        })
    }

    /// The paths outside the workspace the receiver came from, split into segments
    /// (`["pool_crate", "Pool", "new"]`): the call graph looks their crate up among the
    /// dependencies.
    pub fn foreign_paths(&self) -> impl Iterator<Item = &[&'a str]> + '_ {
        self.paths
            .iter()
            .filter(|(home, _)| *home == Home::Foreign)
            .map(|(_, segs)| segs.as_slice())
    }

    /// When every path lies outside the workspace and at least one names a type (a
    /// capitalised segment, last or before a constructor) other than a deref wrapper:
    /// those names.
    pub fn foreign_type_names(&self) -> Option<Vec<&'a str>> {
        if self.paths.iter().any(|(home, _)| *home != Home::Foreign) {
            return None;
        }
        let mut names: Vec<&'a str> = Vec::new();
        for (_, segs) in &self.paths {
            let tail = segs.len().saturating_sub(2);
            for &seg in &segs[tail..] {
                let is_type = seg.starts_with(|c: char| c.is_ascii_uppercase());
                if is_type && !DEREF_WRAPPERS.contains(&seg) && !names.contains(&seg) {
                    names.push(seg);
                }
            }
        }
        (!names.is_empty()).then_some(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn workspace_paths_are_types_to_look_up() {
        let r = strings(&["crate::db::Store", "my_core::Pool", "std::sync::Arc"]);
        let t = ReceiverTypes::new(&r, |c| c == "my_core");
        let found: Vec<_> = t.workspace_types().collect();
        assert_eq!(
            found,
            [
                (None, vec!["db".to_string(), "Store".to_string()]),
                (Some("my_core"), vec!["Pool".to_string()]),
            ]
        );
        assert_eq!(t.foreign_type_names(), None);
    }

    #[test]
    fn foreign_receivers_name_their_types_but_not_wrappers() {
        let r = strings(&["env_logger::Builder::from_env", "std::sync::Arc::new"]);
        let t = ReceiverTypes::new(&r, |_| false);
        assert_eq!(t.workspace_types().count(), 0);
        assert_eq!(t.foreign_type_names(), Some(vec!["Builder"]));

        let wrappers_only = strings(&["std::sync::Arc", "actix_web::web::Data"]);
        let t = ReceiverTypes::new(&wrappers_only, |_| false);
        assert_eq!(t.foreign_type_names(), None);
        assert_eq!(
            ReceiverTypes::new(&[], |_| false).foreign_type_names(),
            None
        );
        // A bare unresolved name may be a glob-imported workspace type.
        let bare = strings(&["reqwest::Client", "Store"]);
        assert_eq!(
            ReceiverTypes::new(&bare, |_| false).foreign_type_names(),
            None
        );
    }
}
