//! Project configuration shared by the attribute and the CLI.

/// Configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {}

/// A configuration error.
#[derive(Debug)]
pub struct ConfigError {}
