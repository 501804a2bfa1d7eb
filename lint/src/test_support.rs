//! Helpers the engine's unit tests share.

use crate::deps::DependencyUnits;
use crate::{check_file, Config};

/// The resolved blocking APIs `check_file` reports in the source `src`, in report order.
pub(crate) fn resolved_findings(src: &str) -> Vec<String> {
    let file: syn::File = syn::parse_str(src).expect("test source parses");
    check_file(&file, &Config::default())
        .into_iter()
        .map(|f| f.resolved)
        .collect()
}

/// Unit 0 the workspace naming unit 1 as `first`, which names unit 2 as `second`: two
/// dependencies in a chain, each at version 1.0.0.
pub(crate) fn chained_dependencies(first: &str, second: &str) -> DependencyUnits {
    let mut deps = DependencyUnits::default();
    deps.add_dependency(1, format!("{first} 1.0.0"));
    deps.add_dependency(2, format!("{second} 1.0.0"));
    deps.add_extern(0, first, 1);
    deps.add_extern(1, second, 2);
    deps
}
