//! Which dependencies a workspace's code can reach: the call graph crosses into a
//! dependency only where a path's first segment is a name the caller's crate uses for it
//! (a call's candidate path, a receiver's or return's type path, an import or glob).
//! A dependency no such name leads to, directly or through the summaries of the
//! dependencies that are reached, changes no finding, so a scan whose summaries are all
//! cached reads only the reached ones.

use std::collections::HashSet;

use super::fast_hash::FastMap;
use super::metadata::DependencyGraph;
use crate::summary::FileSummary;

/// The names `summaries` may use for other crates: the first segment of every path
/// they hold (call candidates, imports, globs) and every identifier of their type paths
/// (receivers, declared returns, the traits their impls implement). A superset: a name
/// that is not a crate's is ignored.
///
/// ```
/// let file: syn::File = syn::parse_str(
///     "use store::Pool;\nasync fn f(p: Pool) { disk::read_all(); p.get(); }").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
/// let names = blockwatch_lint::deps::crate_names([&s]);
/// assert!(names.contains("store") && names.contains("disk"));
/// assert!(!names.contains("read_all"));
/// ```
pub fn crate_names<'a>(summaries: impl IntoIterator<Item = &'a FileSummary>) -> HashSet<String> {
    let mut names: HashSet<String> = HashSet::new();
    for summary in summaries {
        for_each_name(summary, &mut |name| {
            if !names.contains(name) {
                names.insert(name.to_string());
            }
        });
    }
    names
}

/// Which of `wanted` (the names a crate has for its dependencies, a few) `summaries`
/// use, as [`crate_names`] finds them, without collecting every other name: by index
/// into `wanted`. A few names are compared faster than a word is hashed; many (a
/// workspace of many members) are looked up in a table.
fn names_used<'a>(
    summaries: impl IntoIterator<Item = &'a FileSummary>,
    wanted: &[&str],
) -> Vec<bool> {
    let mut used = vec![false; wanted.len()];
    let mut left = wanted.len();
    if left == 0 {
        return used;
    }
    // Many names (a workspace of many members) are looked up by hash instead.
    let by_name: Option<FastMap<&str, Vec<usize>>> = (wanted.len() > MANY_NAMES).then(|| {
        let mut by_name: FastMap<&str, Vec<usize>> = FastMap::default();
        for (i, w) in wanted.iter().enumerate() {
            by_name.entry(w).or_default().push(i);
        }
        by_name
    });
    for summary in summaries {
        for_each_name(summary, &mut |name| match &by_name {
            Some(by_name) => {
                for &i in by_name.get(name).into_iter().flatten() {
                    if !used[i] {
                        used[i] = true;
                        left -= 1;
                    }
                }
            }
            None => {
                for (i, w) in wanted.iter().enumerate() {
                    if !used[i] && *w == name {
                        used[i] = true;
                        left -= 1;
                    }
                }
            }
        });
        if left == 0 {
            break;
        }
    }
    used
}

/// Above this many wanted names, [`names_used`] hashes each word once rather than
/// comparing it with every name.
const MANY_NAMES: usize = 8;

fn first_of(path: &[String], each: &mut impl FnMut(&str)) {
    if let Some(first) = path.first() {
        each(first);
    }
}

fn identifiers_of(text: &str, each: &mut impl FnMut(&str)) {
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if !word.is_empty() {
            each(word);
        }
    }
}

/// Calls `each` with every name `summary` may use for another crate (repeats included).
fn for_each_name(summary: &FileSummary, each: &mut impl FnMut(&str)) {
    for f in &summary.fns {
        for ty in &f.returns {
            identifiers_of(ty, each);
        }
        for call in &f.calls {
            for candidate in &call.candidates {
                first_of(candidate, each);
            }
            for ty in &call.receiver {
                identifiers_of(ty, each);
            }
        }
    }
    // An impl of a dependency's trait: calls through that trait dispatch to it.
    for imp in &summary.trait_impls {
        identifiers_of(&imp.trait_path, each);
    }
    for module in &summary.imports {
        for (_, path) in &module.names {
            first_of(path, each);
        }
        for glob in &module.globs {
            first_of(glob, each);
        }
    }
}

/// Why [`reached_dependencies`] stopped: dependency `.0` (an index into
/// [`DependencyGraph::dependencies`]) has no usable summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotCached(pub usize);

/// What a reader knows of one dependency's summaries.
#[derive(Debug, Clone, PartialEq)]
pub enum Known {
    /// Its summaries (from the cache).
    Summaries(Vec<FileSummary>),
    /// Nothing to read: its source is missing, calls into it are not analysed.
    Absent,
    /// Not cached (or not trusted): it must be parsed.
    Unknown,
}

/// The dependencies the members' code names where `workspace`'s summaries use the name
/// (the first step of [`reached_dependencies`]): sorted indices into
/// [`DependencyGraph::dependencies`], each once. Which dependencies a scan reaches
/// follows from these and the dependencies' summaries alone.
///
/// ```
/// # use blockwatch_lint::deps::{parse_metadata, demanded_dependencies};
/// # let json = r#"{"workspace_members": ["a"], "packages": [
/// #   {"id": "a", "name": "a", "version": "0.1.0", "source": null, "manifest_path": "/w/a/Cargo.toml", "targets": []},
/// #   {"id": "x", "name": "x", "version": "1.0.0", "source": "registry+r", "manifest_path": "/r/x/Cargo.toml",
/// #    "targets": [{"kind": ["lib"], "src_path": "/r/x/src/lib.rs"}]}],
/// #   "resolve": {"nodes": [{"id": "a", "features": [], "deps": [
/// #     {"name": "x", "pkg": "x", "dep_kinds": [{"kind": null, "target": null}]}]}]}}"#;
/// let graph = parse_metadata(json, None).unwrap();
/// let uses: syn::File = syn::parse_str("async fn f() { x::run(); }").unwrap();
/// let uses = blockwatch_lint::summarize_file(&uses, "src/main.rs", &[], false, &Default::default());
/// let local: syn::File = syn::parse_str("async fn f() { run(); }").unwrap();
/// let local = blockwatch_lint::summarize_file(&local, "src/main.rs", &[], false, &Default::default());
/// assert_eq!(demanded_dependencies(&graph, [&uses]), [0]);
/// assert!(demanded_dependencies(&graph, [&local]).is_empty());
/// ```
pub fn demanded_dependencies<'a>(
    graph: &DependencyGraph,
    workspace: impl IntoIterator<Item = &'a FileSummary>,
) -> Vec<usize> {
    let member_externs: Vec<&(String, usize)> =
        graph.members.iter().flat_map(|m| &m.externs).collect();
    let member_names: Vec<&str> = member_externs.iter().map(|(n, _)| n.as_str()).collect();
    let used = names_used(workspace, &member_names);
    let mut demanded: Vec<usize> = member_externs
        .iter()
        .zip(used)
        .filter(|(_, used)| *used)
        .map(|((_, to), _)| *to)
        .collect();
    demanded.sort_unstable();
    demanded.dedup();
    demanded
}

/// The dependencies the code of `workspace` reaches, each with its summaries from
/// `load`, by index: those the members name (through
/// [`Member::externs`](super::Member::externs)) where the workspace's summaries use that
/// name, then, transitively, those each reached dependency names in its own summaries.
/// `Err` names the first reached dependency `load` knows nothing of: the caller then
/// needs every dependency (it parses what is not cached). An absent dependency is
/// reached but holds nothing.
///
/// ```
/// use blockwatch_lint::deps::{parse_metadata, reached_dependencies, Known, NotCached};
/// let json = r#"{"workspace_members": ["a"], "packages": [
///   {"id": "a", "name": "a", "version": "0.1.0", "source": null, "manifest_path": "/w/a/Cargo.toml", "targets": []},
///   {"id": "x", "name": "x", "version": "1.0.0", "source": "registry+r", "manifest_path": "/r/x/Cargo.toml",
///    "targets": [{"kind": ["lib"], "src_path": "/r/x/src/lib.rs"}]},
///   {"id": "y", "name": "y", "version": "1.0.0", "source": "registry+r", "manifest_path": "/r/y/Cargo.toml",
///    "targets": [{"kind": ["lib"], "src_path": "/r/y/src/lib.rs"}]}],
///   "resolve": {"nodes": [{"id": "a", "features": [], "deps": [
///     {"name": "x", "pkg": "x", "dep_kinds": [{"kind": null, "target": null}]},
///     {"name": "y", "pkg": "y", "dep_kinds": [{"kind": null, "target": null}]}]}]}}"#;
/// let graph = parse_metadata(json, None).unwrap();
/// let app: syn::File = syn::parse_str("async fn f() { x::run(); }").unwrap();
/// let app = blockwatch_lint::summarize_file(&app, "src/main.rs", &[], false, &Default::default());
/// let x = graph.dependencies.iter().position(|d| d.name == "x").unwrap();
/// let reached = reached_dependencies(&graph, [&app], |_| Known::Summaries(Vec::new()));
/// assert_eq!(reached.unwrap().iter().map(|(i, _)| *i).collect::<Vec<_>>(), [x]);
/// assert_eq!(reached_dependencies(&graph, [&app], |_| Known::Unknown), Err(NotCached(x)));
/// ```
pub fn reached_dependencies<'a>(
    graph: &DependencyGraph,
    workspace: impl IntoIterator<Item = &'a FileSummary>,
    mut load: impl FnMut(usize) -> Known,
) -> Result<Vec<(usize, Vec<FileSummary>)>, NotCached> {
    walk(
        graph,
        workspace,
        |i| match load(i) {
            Known::Summaries(s) => Some(s),
            Known::Absent => Some(Vec::new()),
            Known::Unknown => None,
        },
        |summaries, names| names_used(summaries, names),
    )
}

/// [`reached_dependencies`] over summaries already in memory, borrowed: `summaries_of(i)`
/// gives dependency `i`'s (`None`: it must be parsed).
///
/// ```
/// # use blockwatch_lint::deps::{parse_metadata, reached_dependencies_in};
/// # let json = r#"{"workspace_members": ["a"], "packages": [
/// #   {"id": "a", "name": "a", "version": "0.1.0", "source": null, "manifest_path": "/w/a/Cargo.toml", "targets": []},
/// #   {"id": "x", "name": "x", "version": "1.0.0", "source": "registry+r", "manifest_path": "/r/x/Cargo.toml",
/// #    "targets": [{"kind": ["lib"], "src_path": "/r/x/src/lib.rs"}]}],
/// #   "resolve": {"nodes": [{"id": "a", "features": [], "deps": [
/// #     {"name": "x", "pkg": "x", "dep_kinds": [{"kind": null, "target": null}]}]}]}}"#;
/// let graph = parse_metadata(json, None).unwrap();
/// let app: syn::File = syn::parse_str("async fn f() { x::run(); }").unwrap();
/// let app = blockwatch_lint::summarize_file(&app, "src/main.rs", &[], false, &Default::default());
/// let reached = reached_dependencies_in(&graph, [&app], |_| Some(Vec::new())).unwrap();
/// assert_eq!(reached.len(), 1);
/// ```
pub fn reached_dependencies_in<'a, 's>(
    graph: &DependencyGraph,
    workspace: impl IntoIterator<Item = &'a FileSummary>,
    summaries_of: impl FnMut(usize) -> Option<Vec<&'s FileSummary>>,
) -> Result<Vec<(usize, Vec<&'s FileSummary>)>, NotCached> {
    walk(graph, workspace, summaries_of, |summaries, names| {
        names_used(summaries.iter().copied(), names)
    })
}

/// The walk of [`reached_dependencies`], over summaries of any form `S`: `load(i)` gives
/// dependency `i`'s (`None`: not known), `used(summaries, names)` which of `names` they
/// use.
fn walk<'a, S>(
    graph: &DependencyGraph,
    workspace: impl IntoIterator<Item = &'a FileSummary>,
    mut load: impl FnMut(usize) -> Option<S>,
    used: impl Fn(&S, &[&str]) -> Vec<bool>,
) -> Result<Vec<(usize, S)>, NotCached> {
    let mut queue: Vec<usize> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut push = |to: usize, queue: &mut Vec<usize>| {
        if seen.insert(to) {
            queue.push(to);
        }
    };
    for to in demanded_dependencies(graph, workspace) {
        push(to, &mut queue);
    }
    let mut reached = Vec::new();
    let mut next = 0;
    while let Some(&i) = queue.get(next) {
        next += 1;
        let summaries = load(i).ok_or(NotCached(i))?;
        let externs = &graph.dependencies[i].externs;
        let names: Vec<&str> = externs.iter().map(|(name, _)| name.as_str()).collect();
        for ((_, to), used) in externs.iter().zip(used(&summaries, &names)) {
            if used {
                push(*to, &mut queue);
            }
        }
        reached.push((i, summaries));
    }
    reached.sort_by_key(|(i, _)| *i);
    Ok(reached)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::metadata::{Dependency, Member};

    fn dep(name: &str, externs: &[(&str, usize)]) -> Dependency {
        crate::deps::metadata::registry_dependency(name, externs)
    }

    fn summary(src: &str, file: &str) -> FileSummary {
        let file_ast: syn::File = syn::parse_str(src).unwrap();
        crate::summarize_file(&file_ast, file, &[], false, &Default::default())
    }

    /// x is named by the workspace, y only by x's summaries (under x's name for it,
    /// `why`), z by nobody: z is never loaded; a name the workspace uses for nothing
    /// (`y`, which only x depends on) reaches nothing.
    #[test]
    fn dependencies_are_reached_through_the_names_each_crate_uses() {
        let graph = DependencyGraph {
            members: vec![Member {
                name: "app".to_string(),
                dir: "/w".into(),
                externs: vec![("x".to_string(), 0), ("z".to_string(), 2)],
            }],
            dependencies: vec![dep("x", &[("why", 1)]), dep("y", &[]), dep("z", &[])],
            target_directory: None,
        };
        let app = summary("async fn f() { x::run(); y::other(); }", "src/main.rs");
        let x = summary("pub fn run() { why::read(); }", "/r/x/src/lib.rs");
        let mut loaded = Vec::new();
        let reached = reached_dependencies(&graph, [&app], |i| {
            loaded.push(i);
            match i {
                0 => Known::Summaries(vec![x.clone()]),
                _ => Known::Absent,
            }
        })
        .unwrap();
        assert_eq!(loaded, [0, 1]);
        let reached: Vec<(usize, usize)> = reached.iter().map(|(i, s)| (*i, s.len())).collect();
        assert_eq!(reached, [(0, 1), (1, 0)]);
    }

    /// A name used only inside a receiver's stated type reaches its crate; two members
    /// naming the same crate each reach it once; an extern nobody's code names is not
    /// loaded.
    #[test]
    fn names_in_types_reach_and_each_crate_is_loaded_once() {
        let member = |name: &str, dir: &str| Member {
            name: name.to_string(),
            dir: dir.into(),
            externs: vec![("store".to_string(), 0), ("unused".to_string(), 1)],
        };
        let graph = DependencyGraph {
            members: vec![member("app", "/w/app"), member("cli", "/w/cli")],
            dependencies: vec![dep("store", &[]), dep("unused", &[])],
            target_directory: None,
        };
        let app = summary(
            "async fn f(p: &store::Pool) { p.get(); }",
            "app/src/main.rs",
        );
        let mut loaded = Vec::new();
        let reached = reached_dependencies(&graph, [&app], |i| {
            loaded.push(i);
            Known::Summaries(Vec::new())
        })
        .unwrap();
        assert_eq!(loaded, [0]);
        assert_eq!(reached.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0]);
        let none = summary("async fn f() { local(); }", "app/src/main.rs");
        assert!(reached_dependencies(&graph, [&none], |_| Known::Unknown)
            .unwrap()
            .is_empty());
    }

    /// Above [`MANY_NAMES`] wanted names (the same name wanted twice included) the
    /// table gives what comparing each name gives.
    #[test]
    fn many_wanted_names_are_found_as_few_are() {
        let s = summary(
            "use store::Pool;\nasync fn f(p: Pool) { disk::read_all(); p.get(); }",
            "src/lib.rs",
        );
        let wanted = [
            "a", "store", "b", "c", "disk", "d", "e", "store", "f", "g", "Pool", "h",
        ];
        assert!(wanted.len() > MANY_NAMES);
        let many = names_used([&s], &wanted);
        let few: Vec<bool> = wanted
            .chunks(4)
            .flat_map(|chunk| names_used([&s], chunk))
            .collect();
        assert_eq!(many, few);
        assert_eq!(
            many,
            [false, true, false, false, true, false, false, true, false, false, true, false]
        );
    }
}
