//! How the call graph sees dependencies: which crate units are dependencies, the names
//! each unit's code uses for the crates it depends on, and how a dependency is shown.

use std::collections::{HashMap, HashSet};

/// Dependency crates placed in the call graph next to the workspace's own crates.
///
/// A dependency unit's fns take part in the graph (a workspace call into it resolves,
/// its blocking fns make their callers blocking), but nothing is reported inside it,
/// and its methods are matched by name only from its own code (a workspace method call
/// carries no type that could say it is the dependency's).
///
/// ```
/// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
/// deps.add_dependency(1, "store 0.3.1");
/// deps.add_extern(0, "store", 1);
/// assert!(deps.is_dependency(1));
/// assert_eq!(deps.crate_named(0, "store"), Some(1));
/// assert_eq!(deps.label(1), Some("store 0.3.1"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct DependencyUnits {
    externs: HashMap<usize, HashMap<String, usize>>,
    labels: HashMap<usize, String>,
    units: HashSet<usize>,
}

impl DependencyUnits {
    /// Marks `unit` as a dependency, shown as `label` ("name version").
    pub fn add_dependency(&mut self, unit: usize, label: impl Into<String>) {
        self.units.insert(unit);
        self.labels.insert(unit, label.into());
    }

    /// Marks `unit` as a dependency without a label yet: a dependency whose code takes
    /// no part in a scan is counted, never shown.
    ///
    /// ```
    /// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
    /// deps.mark_dependency(3);
    /// assert!(deps.is_dependency(3));
    /// assert_eq!((deps.len(), deps.label(3)), (1, None));
    /// ```
    pub fn mark_dependency(&mut self, unit: usize) {
        self.units.insert(unit);
    }

    /// The code of `from` names the crate `to` as `name`.
    pub fn add_extern(&mut self, from: usize, name: impl Into<String>, to: usize) {
        self.externs
            .entry(from)
            .or_default()
            .insert(name.into(), to);
    }

    /// Whether `unit` is a dependency.
    pub fn is_dependency(&self, unit: usize) -> bool {
        self.units.contains(&unit)
    }

    /// The unit that the code of `from` names `name`.
    pub fn crate_named(&self, from: usize, name: &str) -> Option<usize> {
        self.externs.get(&from)?.get(name).copied()
    }

    /// The name the code of `from` uses for `unit`.
    pub fn name_of(&self, from: usize, unit: usize) -> Option<&str> {
        self.externs
            .get(&from)?
            .iter()
            .find(|(_, &u)| u == unit)
            .map(|(name, _)| name.as_str())
    }

    /// "name version" of a dependency unit.
    pub fn label(&self, unit: usize) -> Option<&str> {
        self.labels.get(&unit).map(String::as_str)
    }

    /// How many dependency units there are.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}
