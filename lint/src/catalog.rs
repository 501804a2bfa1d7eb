//! The catalog of blocking APIs: data, in one place.
// Filled in by the engine work.

/// A pattern a call is matched against.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// An exact fn path.
    Path(String),
}

/// One catalog entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What to match.
    pub pattern: Pattern,
}

/// The set of entries in force.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The entries.
    pub entries: Vec<Entry>,
}
