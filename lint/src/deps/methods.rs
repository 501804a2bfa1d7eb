//! Method calls on a dependency's types: `client.fetch_sync()` where the receiver's
//! value came from `dep::Client` (a typed parameter or `let`, a constructor
//! `dep::Client::new()`) is a call of `fetch_sync` on the type `Client` of the crate the
//! caller names `dep`: one of its inherent methods or of its trait impls. The call graph
//! follows the written path ([`DependencyType::path`]) through the crate's modules and
//! re-exports (`pub use async_impl::ClientBuilder` at the root), so that of two types
//! of one name (`reqwest::ClientBuilder` and `reqwest::blocking::ClientBuilder`) only
//! the one written is taken; only a path that reaches no method is matched by the
//! type's name anywhere in the crate.

use crate::catalog::DEREF_WRAPPERS;
use crate::deps::DependencyUnits;
use crate::receiver_types::ReceiverTypes;

/// A type of a dependency crate a receiver may be: the crate's unit, the type's path in
/// it as the caller writes it, and the type's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DependencyType<'a> {
    /// The dependency's unit.
    pub unit: usize,
    /// The written path after the crate's name, up to the type (`["net", "Client"]` for
    /// `dep::net::Client::connect`); raw identifiers without their `r#`.
    pub path: Vec<String>,
    /// The type's name (`Client`).
    pub name: &'a str,
}

/// The dependency types among the receiver's paths, as the code of `from` names them:
/// the first segment is a crate `from` depends on, and the type is the capitalised
/// segment last or before a constructor (`dep::Client`, `dep::net::Client::connect`).
/// Deref wrappers (`Arc`, `Box`, ...) are not the type.
pub(crate) fn dependency_types<'a>(
    receiver: &ReceiverTypes<'a>,
    from: usize,
    deps: &DependencyUnits,
) -> Vec<DependencyType<'a>> {
    let mut found: Vec<DependencyType<'a>> = Vec::new();
    for segs in receiver.foreign_paths() {
        let Some(unit) = segs.first().and_then(|c| deps.crate_named(from, c)) else {
            continue;
        };
        let tail = segs.len().saturating_sub(2).max(1);
        let at = segs[tail..].iter().rposition(|s| {
            s.starts_with(|c: char| c.is_ascii_uppercase()) && !DEREF_WRAPPERS.contains(s)
        });
        if let Some(at) = at.map(|i| tail + i) {
            let path = segs[1..=at]
                .iter()
                .map(|s| s.strip_prefix("r#").unwrap_or(s).to_string())
                .collect();
            let ty = DependencyType {
                unit,
                path,
                name: segs[at],
            };
            if !found.contains(&ty) {
                found.push(ty);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receivers_name_the_dependency_crate_and_type() {
        let mut deps = DependencyUnits::default();
        deps.add_dependency(3, "pool 1.0.0");
        deps.add_extern(0, "pool", 3);
        let receiver: Vec<String> = [
            "pool::Pool::new",
            "pool::net::Client",
            "std::sync::Arc",
            "pool::Arc",
            "other::Thing",
            "make",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let types = ReceiverTypes::new(&receiver, |_| false);
        let found = dependency_types(&types, 0, &deps);
        assert_eq!(
            found,
            [
                DependencyType {
                    unit: 3,
                    path: vec!["Pool".to_string()],
                    name: "Pool"
                },
                DependencyType {
                    unit: 3,
                    path: vec!["net".to_string(), "Client".to_string()],
                    name: "Client"
                },
            ]
        );
        // Another crate's code does not name `pool` so.
        assert!(dependency_types(&types, 1, &deps).is_empty());
    }
}
