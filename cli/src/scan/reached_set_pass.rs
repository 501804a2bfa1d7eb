//! The reached-set cache in the scan ([`ReachedSet`]): a warm scan whose demand the file
//! of the scanned root covers takes the reached dependencies' items from it alone; any
//! other scan with dependencies writes it afresh once its findings are known, after
//! checking that the reduced items give exactly those findings.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use blockwatch_lint::deps::{
    cache_key, demanded_dependencies, reached_dependencies_in, store, DependencyGraph,
    ReachedItems, ReachedSet,
};
use blockwatch_lint::{CrateFile, CrateReachability, FileSummary, Finding};

use super::{DependencyPlan, Parsed, Planner};

/// Where the reached set of `plan`'s scanned root is cached: next to the summaries'
/// directory, named by the root.
fn file(plan: &Planner<'_>, deps: &DependencyPlan) -> PathBuf {
    let dir = deps.cache_dir.parent().unwrap_or(&deps.cache_dir);
    let root = plan.root.display().to_string();
    dir.join(ReachedSet::file_name(&cache_key(&[&root])))
}

/// The key dependency `i` must have for the set to hold: `None` when it is not in the
/// graph or its source is missing (the full load then says so).
fn live_key(graph: &DependencyGraph, deps: &DependencyPlan, i: usize) -> Option<String> {
    let dep = graph.dependencies.get(i)?;
    dep.lib_root
        .is_file()
        .then(|| deps.keys.key(graph, i).to_string())
}

/// Places the reached dependencies' items from the cached reached set when it holds for
/// this scan (`parsed` holds the workspace's files only); returns how many dependencies
/// were not reached, or `None` when the set is missing, foreign or does not hold.
pub(super) fn place_from_cache(
    plan: &mut Planner<'_>,
    graph: &DependencyGraph,
    deps: &DependencyPlan,
    parsed: &Parsed,
) -> Option<usize> {
    let text = fs::read_to_string(file(plan, deps)).ok()?;
    let set = ReachedSet::decode(&text)?;
    let workspace = || parsed.summaries.iter().map(|(_, s)| s);
    let demanded = demanded_dependencies(graph, workspace());
    if !set.holds_for(&demanded, |i| live_key(graph, deps, i), workspace()) {
        return None;
    }
    let reached = set.keys.len();
    for (i, files) in set.items.crates {
        plan.name_dependency(graph, &deps.units, i);
        plan.cached.push((deps.units[i], files));
    }
    plan.reached_set_hit = true;
    Some(graph.dependencies.len() - reached)
}

/// Writes the reached set of this scan: the items of the dependencies the workspace's
/// files in `parsed` reach that their words lead to. Written only when every reached
/// dependency has its source and the reduced items give the same `findings` (the
/// cache must never change a result); failing to write changes nothing else.
pub(super) fn write(
    plan: &Planner<'_>,
    graph: &DependencyGraph,
    deps: &DependencyPlan,
    parsed: &Parsed,
    findings: &[Finding],
    reach: &CrateReachability,
) {
    let mut workspace: Vec<(usize, &FileSummary)> = Vec::new();
    let mut by_unit: HashMap<usize, Vec<&FileSummary>> = HashMap::new();
    for (unit, summary) in &parsed.summaries {
        if plan.deps.is_dependency(*unit) {
            by_unit.entry(*unit).or_default().push(summary);
        } else {
            workspace.push((*unit, summary));
        }
    }
    let mut absent = false;
    let reached = reached_dependencies_in(graph, workspace.iter().map(|(_, s)| *s), |i| {
        absent |= !graph.dependencies[i].lib_root.is_file();
        Some(by_unit.get(&deps.units[i]).cloned().unwrap_or_default())
    });
    let Ok(reached) = reached else {
        return;
    };
    if absent {
        return;
    }
    let items = ReachedItems::new(
        workspace.iter().map(|(_, s)| *s),
        reached.iter().map(|(i, files)| (*i, files.iter().copied())),
    );
    let files: Vec<CrateFile> = workspace
        .iter()
        .map(|(unit, summary)| CrateFile {
            unit: *unit,
            summary,
        })
        .chain(items.crates.iter().flat_map(|(i, files)| {
            files.iter().map(|summary| CrateFile {
                unit: deps.units[*i],
                summary,
            })
        }))
        .collect();
    let again = blockwatch_lint::workspace_findings_with_reachability(
        &files,
        &plan.lib_crates,
        &plan.deps,
        reach,
    );
    if again != findings {
        return;
    }
    let set = ReachedSet {
        demanded: demanded_dependencies(graph, workspace.iter().map(|(_, s)| *s)),
        keys: reached
            .iter()
            .map(|(i, _)| (*i, deps.keys.key(graph, *i).to_string()))
            .collect(),
        items,
    };
    let _ = store(&file(plan, deps), &set.encode());
}
