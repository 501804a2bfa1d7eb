//! What a solved graph needs to keep of a dependency: its fns that block when called
//! (each with the one call or catalog hit that proves it), its async fns that block when
//! awaited (likewise), and its offloading wrappers. Everything else of a dependency
//! changes no finding of the workspace, so the summary cache stores only this.
//!
//! A graph built again from these essentials marks the same fns with the same chains:
//! each kept fn holds exactly its witness, whose target is itself kept.

use std::collections::HashMap;

use super::{CrateFile, Graph, Polled, Witness};
use crate::summary::{FileSummary, FnSummary};

impl Graph<'_> {
    /// The essentials of crate `unit`: for each of its `files` (those the graph was built
    /// from) that keeps a fn or an offloading wrapper, that file's summary reduced to
    /// them. Fns keep their order.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let dep: syn::File = syn::parse_str(
    ///     "pub fn load() { read() }\nfn read() { std::fs::read(\"a\").unwrap(); }\npub fn quiet() {}",
    /// ).unwrap();
    /// let dep = blockwatch_lint::summarize_file(&dep, "/reg/x/src/lib.rs", &[], false, &Default::default());
    /// let files = [blockwatch_lint::CrateFile { unit: 1, summary: &dep }];
    /// let mut deps = blockwatch_lint::deps::DependencyUnits::default();
    /// deps.add_dependency(1, "x 1.0.0");
    /// let crates = HashMap::new();
    /// let graph = blockwatch_lint::Graph::with_dependencies(&files, &crates, &deps);
    /// let kept = graph.essentials(&files, 1);
    /// let names: Vec<String> = kept[0].fns.iter().map(|f| f.path.join("::")).collect();
    /// assert_eq!(names, ["load", "read"]);
    /// assert_eq!((kept[0].fns[0].calls.len(), kept[0].fns[1].blocking.len()), (1, 1));
    /// ```
    pub fn essentials(&self, files: &[CrateFile<'_>], unit: usize) -> Vec<FileSummary> {
        let mut kept: HashMap<&str, Vec<FnSummary>> = HashMap::new();
        for (i, f) in self.fns.iter().enumerate() {
            if f.unit == unit {
                if let Some(k) = self.kept(i) {
                    kept.entry(f.file).or_default().push(k);
                }
            }
        }
        files
            .iter()
            .filter(|f| f.unit == unit)
            .filter_map(|f| {
                let fns = kept.remove(f.summary.file.as_str()).unwrap_or_default();
                (!fns.is_empty() || !f.summary.offload_wrappers.is_empty()).then(|| FileSummary {
                    file: f.summary.file.clone(),
                    findings: Vec::new(),
                    fns,
                    unchecked_deep: f.summary.unchecked_deep,
                    offload_wrappers: f.summary.offload_wrappers.clone(),
                    // Kept whole: a kept call may name its target through a re-export.
                    imports: f.summary.imports.clone(),
                    // Used by the walks of the crate's files, which are done.
                    aliases: Vec::new(),
                })
            })
            .collect()
    }

    /// Fn `i` reduced to its witness, if it blocks when called or when awaited.
    fn kept(&self, i: usize) -> Option<FnSummary> {
        let f = self.fns[i].summary;
        let mut kept = FnSummary {
            path: f.path.clone(),
            is_method: f.is_method,
            self_ty: f.self_ty.clone(),
            is_async: f.is_async,
            line: f.line,
            column: f.column,
            in_test: f.in_test,
            blocking: Vec::new(),
            polled: Vec::new(),
            calls: Vec::new(),
            returns: f.returns.clone(),
            // Nothing inside a dependency is reported, its initialisers included; which of
            // its fns offload is in the file's `offload_wrappers`.
            once: Vec::new(),
            offloads_param: f.offloads_param,
        };
        match (self.witness[i], self.polled[i]) {
            (Some(Witness::Direct(b)), _) => kept.blocking.push(f.blocking.get(b)?.clone()),
            (Some(Witness::Via { call, .. }), _) => kept.calls.push(f.calls.get(call)?.clone()),
            (None, Some(Polled::Direct(b))) => kept.polled.push(f.polled.get(b)?.clone()),
            (None, Some(Polled::Calls { call, .. } | Polled::Awaits { call, .. })) => {
                kept.calls.push(f.calls.get(call)?.clone())
            }
            (None, None) => return None,
        }
        Some(kept)
    }
}
