//! Which workspace crates the code of a crate can reach: its own package's library and
//! the libraries of the workspace packages it depends on (per Cargo.toml), transitively,
//! since a value of a crate's type reaches its dependents' dependents through the crates
//! between. A method matched by name alone (no receiver type to look it up on) is taken
//! only from a crate the caller can reach: a private method of a binary-only package, or
//! of a crate no manifest links to the caller, is not code the caller can run.

use std::collections::{HashMap, HashSet};

/// The call-graph units of one workspace package, and what it depends on.
///
/// ```
/// let pkg = blockwatch_lint::PackageUnits { units: vec![0, 1], lib: Some(0), depends_on: vec![] };
/// assert_eq!(pkg.lib, Some(0));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageUnits {
    /// Every unit of the package: its library, binaries, tests, examples, benches, build
    /// script, and the unit of files no target claims.
    pub units: Vec<usize>,
    /// The library's unit, the only one other packages can depend on.
    pub lib: Option<usize>,
    /// The workspace packages it depends on, as indices into the same package list.
    pub depends_on: Vec<usize>,
}

/// For each unit of the workspace's packages, the units whose methods its code can call.
/// A unit it does not know (no manifest placed it) reaches every unit.
///
/// ```
/// use blockwatch_lint::{CrateReachability, PackageUnits};
/// // Package 0: a library (unit 0) and a binary (unit 1); package 1: a binary-only
/// // package (unit 2) that depends on package 0.
/// let reach = CrateReachability::from_packages(&[
///     PackageUnits { units: vec![0, 1], lib: Some(0), depends_on: vec![] },
///     PackageUnits { units: vec![2], lib: None, depends_on: vec![0] },
/// ]);
/// assert!(reach.reaches(1, 0) && reach.reaches(2, 0));
/// assert!(!reach.reaches(0, 2) && !reach.reaches(0, 1));
/// assert!(reach.reaches(7, 2), "a unit no package holds is unrestricted");
/// ```
#[derive(Debug, Clone, Default)]
pub struct CrateReachability {
    reachable: HashMap<usize, HashSet<usize>>,
}

impl CrateReachability {
    /// Every unit reaches itself, its package's library, and the library of every
    /// package its package depends on, directly or through others (cycles end: a package
    /// is visited once). A dependency index out of range is ignored.
    pub fn from_packages(packages: &[PackageUnits]) -> Self {
        let mut reachable = HashMap::new();
        for package in packages {
            let mut libs: HashSet<usize> = package.lib.into_iter().collect();
            let mut seen: HashSet<usize> = HashSet::new();
            let mut stack: Vec<usize> = package.depends_on.clone();
            while let Some(p) = stack.pop() {
                let Some(dep) = packages.get(p) else {
                    continue;
                };
                if !seen.insert(p) {
                    continue;
                }
                libs.extend(dep.lib);
                stack.extend(&dep.depends_on);
            }
            for &unit in &package.units {
                let mut set = libs.clone();
                set.insert(unit);
                reachable.insert(unit, set);
            }
        }
        CrateReachability { reachable }
    }

    /// Whether code of unit `from` can call a method defined in unit `to`.
    pub fn reaches(&self, from: usize, to: usize) -> bool {
        self.reachable
            .get(&from)
            .is_none_or(|set| set.contains(&to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_followed_transitively_and_cycles_end() {
        // app (bin 0) -> core (lib 1) -> util (lib 2, test 3); util -> core (a cycle).
        let reach = CrateReachability::from_packages(&[
            PackageUnits {
                units: vec![0],
                lib: None,
                depends_on: vec![1],
            },
            PackageUnits {
                units: vec![1],
                lib: Some(1),
                depends_on: vec![2],
            },
            PackageUnits {
                units: vec![2, 3],
                lib: Some(2),
                depends_on: vec![1, 9],
            },
        ]);
        assert!(reach.reaches(0, 1) && reach.reaches(0, 2));
        assert!(
            !reach.reaches(0, 3),
            "another package's test target is never reached"
        );
        assert!(reach.reaches(3, 2) && reach.reaches(3, 1) && reach.reaches(2, 1));
        assert!(!reach.reaches(1, 0) && !reach.reaches(2, 0));
    }
}
