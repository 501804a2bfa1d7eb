//! The second walk of the files whose names another file of their crate explains: a
//! `use super::*;` of a parent module in another file (which brings in that module's
//! private imports too), an import of a type alias declared elsewhere. The first walk
//! of every file gives the summaries [`CrateNames`] indexes; only the files it
//! [`helps`](CrateNames::helps) are walked again, with the index of their crate.

use std::collections::HashMap;
use std::sync::Arc;

use blockwatch_lint::CrateNames;

use super::{analyse, Analysed, Parsed, Planner};
use crate::pool;

/// Walks again, with their crate's [`CrateNames`], the workspace files it helps, and
/// records which they are in `parsed.walk_names` for later walks of the same files.
/// Dependencies are left as they are: what they export is read from their summaries.
pub(super) fn walk_again_with_crate_names(plan: &Planner<'_>, parsed: &mut Parsed) {
    let mut by_unit: HashMap<usize, Vec<usize>> = HashMap::new();
    for (pos, (i, placement)) in parsed.origins.iter().enumerate() {
        if plan.packages[plan.sources[*i].package].dependency.is_none() {
            by_unit.entry(placement.unit).or_default().push(pos);
        }
    }
    let mut redo: Vec<(usize, Arc<CrateNames>)> = Vec::new();
    for positions in by_unit.values() {
        let names = Arc::new(CrateNames::new(
            positions.iter().map(|&pos| &parsed.summaries[pos].1),
        ));
        for &pos in positions {
            if names.helps(&parsed.summaries[pos].1) {
                redo.push((pos, names.clone()));
            }
        }
    }
    if redo.is_empty() {
        return;
    }
    redo.sort_by_key(|(pos, _)| *pos);
    let again = pool::run(&redo, |(pos, names)| {
        let (i, placement) = &parsed.origins[*pos];
        let source = &plan.sources[*i];
        let package = &plan.packages[source.package];
        analyse(
            source,
            placement,
            &package.config,
            package.dependency.as_ref(),
            Some(names),
        )
    });
    for ((pos, names), outcome) in redo.into_iter().zip(again) {
        if let Ok(Analysed::Ok { summary, .. }) = outcome {
            parsed.summaries[pos].1 = summary;
            parsed.walk_names.insert(pos, names);
        }
    }
}
