//! Helpers the engine's unit tests share.

use crate::{check_file, Config};

/// The resolved blocking APIs `check_file` reports in the source `src`, in report order.
pub(crate) fn resolved_findings(src: &str) -> Vec<String> {
    let file: syn::File = syn::parse_str(src).expect("test source parses");
    check_file(&file, &Config::default())
        .into_iter()
        .map(|f| f.resolved)
        .collect()
}
