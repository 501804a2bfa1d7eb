//! Mapping files to module paths, as rustc does: from each crate root, follow
//! `mod foo;` to `foo.rs` or `foo/mod.rs` (or the file a `#[path]` attribute names).
//!
//! Each file's `mod` declarations are collected while the file is parsed (a caller may
//! parse on worker threads); the tree is then resolved here on plain data. Files that no root
//! reaches keep a module path guessed from their location (see [`location_module_path`]).

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use syn::{Attribute, Item, Meta};

use super::normalize;

/// One out-of-line `mod name;` declaration found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModDecl {
    /// Names of the inline `mod x { .. }` blocks around the declaration, outermost first.
    pub inline_names: Vec<String>,
    /// Directory components those inline blocks contribute (their `#[path]` or their name).
    pub inline_dirs: Vec<String>,
    /// The declared module name.
    pub name: String,
    /// The value of a `#[path = ".."]` attribute on the declaration.
    pub path_attr: Option<String>,
    /// Whether the declaration (or an enclosing inline module) is `#[cfg(test)]`.
    pub cfg_test: bool,
}

/// Collects the out-of-line module declarations of a parsed file, including those
/// nested in inline modules.
///
/// ```
/// let file: syn::File = syn::parse_str("mod a; #[cfg(test)] mod tests; mod b { mod c; }").unwrap();
/// let decls = blockwatch_lint::workspace::mod_decls(&file);
/// let names: Vec<(&str, bool)> = decls.iter().map(|d| (d.name.as_str(), d.cfg_test)).collect();
/// assert_eq!(names, [("a", false), ("tests", true), ("c", false)]);
/// ```
pub fn mod_decls(file: &syn::File) -> Vec<ModDecl> {
    let mut out = Vec::new();
    collect(
        &file.items,
        &mut Vec::new(),
        &mut Vec::new(),
        false,
        &mut out,
    );
    out
}

fn collect(
    items: &[Item],
    names: &mut Vec<String>,
    dirs: &mut Vec<String>,
    in_test: bool,
    out: &mut Vec<ModDecl>,
) {
    for item in items {
        let Item::Mod(m) = item else { continue };
        let name = m.ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        let cfg_test = in_test || crate::is_test_code(&m.attrs);
        let path_attr = path_attr(&m.attrs);
        match &m.content {
            None => out.push(ModDecl {
                inline_names: names.clone(),
                inline_dirs: dirs.clone(),
                name,
                path_attr,
                cfg_test,
            }),
            Some((_, inner)) => {
                names.push(name.clone());
                dirs.push(path_attr.unwrap_or(name));
                collect(inner, names, dirs, cfg_test, out);
                names.pop();
                dirs.pop();
            }
        }
    }
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Where a file sits in its crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Index of the crate (target) the file belongs to.
    pub unit: usize,
    /// Its module path inside that crate (empty for the crate root).
    pub module_path: Vec<String>,
    /// Whether the whole file is test code.
    pub is_test: bool,
}

/// A crate root to start the walk from.
#[derive(Debug, Clone)]
pub struct Root {
    /// The crate (target) index.
    pub unit: usize,
    /// The root file's index in the scanned file list.
    pub file: usize,
    /// Whether the whole crate is test code (integration tests).
    pub is_test: bool,
}

/// Follows `mod` declarations from the roots. `files[i]` is the path of file `i` and
/// `decls[i]` its declarations; the result gives a placement to every reached file
/// (the first root to reach a file wins; roots are visited in order). A file several
/// `mod` declarations include has more module paths: [`resolve_module_placements`].
///
/// ```
/// use std::path::PathBuf;
/// use blockwatch_lint::workspace::{mod_decls, resolve_modules, Root};
/// let files = [PathBuf::from("c/src/lib.rs"), PathBuf::from("c/src/db.rs")];
/// let decls = [mod_decls(&syn::parse_str("mod db;").unwrap()), Vec::new()];
/// let placed = resolve_modules(&files, &decls, &[Root { unit: 0, file: 0, is_test: false }]);
/// assert_eq!(placed[1].as_ref().unwrap().module_path, ["db"]);
/// ```
pub fn resolve_modules(
    files: &[PathBuf],
    decls: &[Vec<ModDecl>],
    roots: &[Root],
) -> Vec<Option<Placement>> {
    resolve_module_placements(files, decls, roots)
        .into_iter()
        .map(|p| p.into_iter().next())
        .collect()
}

/// How many module paths one file gets at most: a file included by `#[path]` from
/// each of many modules, which include each other's files again, stays bounded.
pub const MAX_PLACEMENTS: usize = 32;

/// Every module path of every reached file, the one [`resolve_modules`] gives first.
/// rustc compiles a file once per `mod` declaration that includes it: `#[path =
/// "../connect.rs"] mod connect;` in two modules makes two modules with the same items,
/// each reached by the calls of its own parent. Further placements stay in the crate of
/// the first one (at most [`MAX_PLACEMENTS`]); a crate root keeps only its own.
///
/// ```
/// use std::path::PathBuf;
/// use blockwatch_lint::workspace::{mod_decls, resolve_module_placements, Root};
/// let files = [PathBuf::from("c/src/lib.rs"), PathBuf::from("c/src/a.rs"),
///              PathBuf::from("c/src/b.rs"), PathBuf::from("c/src/shared.rs")];
/// let inc = "#[path = \"shared.rs\"] mod shared;";
/// let decls = [mod_decls(&syn::parse_str("mod a; mod b;").unwrap()),
///              mod_decls(&syn::parse_str(inc).unwrap()),
///              mod_decls(&syn::parse_str(inc).unwrap()), Vec::new()];
/// let placed = resolve_module_placements(&files, &decls, &[Root { unit: 0, file: 0, is_test: false }]);
/// let paths: Vec<&[String]> = placed[3].iter().map(|p| p.module_path.as_slice()).collect();
/// assert_eq!(paths, [["a", "shared"], ["b", "shared"]]);
/// ```
pub fn resolve_module_placements(
    files: &[PathBuf],
    decls: &[Vec<ModDecl>],
    roots: &[Root],
) -> Vec<Vec<Placement>> {
    let index: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, p)| (normalize(p), i))
        .collect();
    let mut placed: Vec<Vec<Placement>> = vec![Vec::new(); files.len()];
    let mut is_root = vec![false; files.len()];
    // A file that is a crate root is placed by its own root only.
    for root in roots {
        is_root[root.file] = true;
        if placed[root.file].is_empty() {
            placed[root.file].push(Placement {
                unit: root.unit,
                module_path: Vec::new(),
                is_test: root.is_test,
            });
        }
    }
    for root in roots {
        if placed[root.file].first().map(|p| p.unit) != Some(root.unit) {
            continue;
        }
        // (file, which of its placements, whether its children live in its own directory)
        let mut queue = VecDeque::from([(root.file, 0, true)]);
        while let Some((file, nth, mod_rs)) = queue.pop_front() {
            let Some(parent) = placed[file].get(nth).cloned() else {
                continue;
            };
            let Some(dir) = files[file].parent() else {
                continue;
            };
            let child_dir = if mod_rs {
                dir.to_path_buf()
            } else {
                let stem = files[file]
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                dir.join(stem)
            };
            for decl in decls.get(file).into_iter().flatten() {
                let (candidates, child_mod_rs): (Vec<PathBuf>, bool) = match &decl.path_attr {
                    Some(p) if decl.inline_dirs.is_empty() => (vec![dir.join(p)], true),
                    Some(p) => (vec![join_all(&child_dir, &decl.inline_dirs).join(p)], true),
                    None => {
                        let base = join_all(&child_dir, &decl.inline_dirs);
                        (
                            vec![
                                base.join(format!("{}.rs", decl.name)),
                                base.join(&decl.name).join("mod.rs"),
                            ],
                            false,
                        )
                    }
                };
                let Some((child, is_mod_rs)) = candidates.iter().find_map(|c| {
                    let i = *index.get(&normalize(c))?;
                    let mod_rs = child_mod_rs || c.file_name().is_some_and(|n| n == "mod.rs");
                    Some((i, mod_rs))
                }) else {
                    continue;
                };
                let mut module_path = parent.module_path.clone();
                module_path.extend(decl.inline_names.iter().cloned());
                module_path.push(decl.name.clone());
                let known = &placed[child];
                let admitted = !is_root[child]
                    && known.len() < MAX_PLACEMENTS
                    && known.first().is_none_or(|p| p.unit == parent.unit)
                    && !known.iter().any(|p| p.module_path == module_path);
                if !admitted {
                    continue;
                }
                placed[child].push(Placement {
                    unit: parent.unit,
                    module_path,
                    is_test: parent.is_test || decl.cfg_test,
                });
                queue.push_back((child, placed[child].len() - 1, is_mod_rs));
            }
        }
    }
    placed
}

fn join_all(base: &Path, parts: &[String]) -> PathBuf {
    let mut p = base.to_path_buf();
    for part in parts {
        p.push(part);
    }
    p
}

/// The module path a file would have by the usual layout, relative to `base` (the
/// directory of its crate root): `a/b.rs` and `a/b/mod.rs` give `[a, b]`; `lib.rs`,
/// `main.rs` and `mod.rs` at the top give `[]`.
///
/// ```
/// use std::path::Path;
/// let p = blockwatch_lint::workspace::location_module_path(Path::new("src"), Path::new("src/a/b.rs"));
/// assert_eq!(p, ["a", "b"]);
/// ```
pub fn location_module_path(base: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(base).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        let is_root_name = stem == "mod" || (parts.is_empty() && (stem == "lib" || stem == "main"));
        if !is_root_name {
            parts.push(stem);
        }
    }
    parts.into_iter().map(|p| p.replace('-', "_")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decls(src: &str) -> Vec<ModDecl> {
        mod_decls(&syn::parse_file(src).unwrap())
    }

    #[test]
    fn collects_out_of_line_mods_with_attributes() {
        let d = decls(
            r#"
            mod a;
            #[cfg(test)] mod tests;
            #[path = "gen/out.rs"] mod generated;
            mod inline { mod deep; #[path = "x"] mod w { mod z; } }
            #[cfg(not(test))] mod prod;
            mod body { fn f() {} }
            #[cfg(all(test, not(windows)))] mod unix_tests;
            #[cfg(any(test, feature = "testing"))] mod testing;
            "#,
        );
        let view: Vec<(Vec<String>, &str, Option<&str>, bool)> = d
            .iter()
            .map(|d| {
                (
                    d.inline_names.clone(),
                    d.name.as_str(),
                    d.path_attr.as_deref(),
                    d.cfg_test,
                )
            })
            .collect();
        assert_eq!(
            view,
            [
                (vec![], "a", None, false),
                (vec![], "tests", None, true),
                (vec![], "generated", Some("gen/out.rs"), false),
                (vec!["inline".to_string()], "deep", None, false),
                (vec!["inline".into(), "w".into()], "z", None, false),
                (vec![], "prod", None, false),
                (vec![], "unix_tests", None, true),
                (vec![], "testing", None, false),
            ]
        );
        assert_eq!(d[4].inline_dirs, ["inline", "x"]);
    }

    #[test]
    fn resolves_the_tree_like_rustc() {
        let files: Vec<PathBuf> = [
            "c/src/lib.rs",
            "c/src/a.rs",
            "c/src/a/b.rs",
            "c/src/m/mod.rs",
            "c/src/m/n.rs",
            "c/src/gen/out.rs",
            "c/src/tests.rs",
            "c/src/orphan.rs",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut all = vec![Vec::new(); files.len()];
        all[0] =
            decls("mod a; mod m; #[path = \"gen/out.rs\"] mod generated; #[cfg(test)] mod tests;");
        all[1] = decls("mod b;");
        all[3] = decls("mod n;");
        let placed = resolve_modules(
            &files,
            &all,
            &[Root {
                unit: 7,
                file: 0,
                is_test: false,
            }],
        );
        let paths: Vec<Option<(Vec<String>, bool)>> = placed
            .iter()
            .map(|p| p.as_ref().map(|p| (p.module_path.clone(), p.is_test)))
            .collect();
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            paths,
            [
                Some((s(&[]), false)),
                Some((s(&["a"]), false)),
                Some((s(&["a", "b"]), false)),
                Some((s(&["m"]), false)),
                Some((s(&["m", "n"]), false)),
                Some((s(&["generated"]), false)),
                Some((s(&["tests"]), true)),
                None,
            ]
        );
        assert!(placed.iter().flatten().all(|p| p.unit == 7));
    }

    fn placements_of(
        files: &[&str],
        sources: &[&str],
        roots: &[(usize, usize)],
    ) -> Vec<Vec<(usize, String)>> {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        let all: Vec<Vec<ModDecl>> = sources.iter().map(|s| decls(s)).collect();
        let roots: Vec<Root> = roots
            .iter()
            .map(|&(unit, file)| Root {
                unit,
                file,
                is_test: false,
            })
            .collect();
        resolve_module_placements(&files, &all, &roots)
            .into_iter()
            .map(|ps| {
                ps.into_iter()
                    .map(|p| (p.unit, p.module_path.join("::")))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_file_included_by_several_path_attributes_gets_each_module_path() {
        let placed = placements_of(
            &[
                "c/src/lib.rs",
                "c/src/client.rs",
                "c/src/msf/mod.rs",
                "c/src/msf/auth.rs",
                "c/src/connect.rs",
                "c/src/error.rs",
            ],
            &[
                "mod client; mod msf;",
                "#[path = \"connect.rs\"] mod connect;",
                "mod auth;",
                "#[path = \"../connect.rs\"] mod connect;",
                "#[path = \"./error.rs\"] mod error;",
                "",
            ],
            &[(0, 0)],
        );
        let at = |u: usize, p: &str| (u, p.to_string());
        assert_eq!(
            placed[4],
            [at(0, "client::connect"), at(0, "msf::auth::connect")]
        );
        // The included file's own children follow each of its paths.
        assert_eq!(
            placed[5],
            [
                at(0, "client::connect::error"),
                at(0, "msf::auth::connect::error")
            ]
        );
    }

    #[test]
    fn further_placements_stay_in_the_first_crate_and_off_crate_roots() {
        let placed = placements_of(
            &["c/src/lib.rs", "c/src/main.rs", "c/src/shared.rs"],
            &[
                "mod shared; #[path = \"main.rs\"] mod again;",
                "mod shared;",
                "",
            ],
            &[(0, 0), (1, 1)],
        );
        let at = |u: usize, p: &str| (u, p.to_string());
        // `shared.rs` belongs to the first crate that reaches it; `main.rs` is a root.
        assert_eq!(placed[2], [at(0, "shared")]);
        assert_eq!(placed[1], [at(1, "")]);
        assert_eq!(placed[0], [at(0, "")]);
    }

    #[test]
    fn files_that_include_each_other_stop_at_the_placement_cap() {
        let placed = placements_of(
            &["c/src/lib.rs", "c/src/a.rs", "c/src/b.rs"],
            &[
                "mod a;",
                "#[path = \"b.rs\"] mod b;",
                "#[path = \"a.rs\"] mod a;",
            ],
            &[(0, 0)],
        );
        assert_eq!(placed[1].len(), MAX_PLACEMENTS);
        assert_eq!(placed[1][0], (0, "a".to_string()));
        assert_eq!(placed[1][1], (0, "a::b::a".to_string()));
        assert_eq!(placed[2][0], (0, "a::b".to_string()));
        assert_eq!(placed[2].len(), MAX_PLACEMENTS);
    }

    #[test]
    fn location_paths() {
        let base = Path::new("c/src");
        let f = |p: &str| location_module_path(base, Path::new(p));
        assert_eq!(f("c/src/lib.rs"), Vec::<String>::new());
        assert_eq!(f("c/src/a/b.rs"), ["a", "b"]);
        assert_eq!(f("c/src/m/mod.rs"), ["m"]);
        assert_eq!(f("c/src/my-mod.rs"), ["my_mod"]);
    }
}
