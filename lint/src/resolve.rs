//! Name resolution: what a path written in the source refers to, through `use` items
//! (aliases, globs, groups, nested groups, fn-local), items defined in the module,
//! `crate::`/`self::`/`super::`/`Self::`, and local bindings.
//!
//! Absolute paths are segment lists. Paths into the analysed crate start with the
//! marker segment `crate` (`["crate", "db", "query"]`).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use syn::{Item, UseTree};

/// The marker first segment of workspace (same-crate) paths.
pub(crate) const CRATE: &str = "crate";

/// Where a call's receiver value came from: a path called (or a type named) while
/// building it, e.g. `std::process::Command::new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The path, joined with `::`.
    pub path: String,
    /// True when resolved (through `use` or written absolute); false when written with
    /// an unknown first segment, so only its trailing segments can be compared.
    pub exact: bool,
}

/// The outcome of resolving a path expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// A local variable (a closure or fn pointer in a `let`, a parameter).
    Local,
    /// Resolved through `use`, or written from a root (`::std::..`): absolute segments.
    /// Paths into the analysed crate start with [`CRATE`].
    Absolute(Vec<String>),
    /// The first segment may come from one of several glob imports: the candidates, and
    /// the path as written (which applies when none of the globs provides the name).
    Glob(Vec<Vec<String>>, Vec<String>),
    /// Nothing in scope provides the first segment: the path as written. It may be an
    /// external crate path (`tokio::fs::read`) or a name from an invisible `use`.
    Unknown(Vec<String>),
}

/// One lexical scope: a module (its `use` items and item definitions) or a block/fn
/// (fn-local `use` items and items, `let` bindings, parameters).
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// A module scope ends name lookup: modules do not inherit their parent's imports.
    pub is_module: bool,
    /// For a module scope: its absolute path (`["crate", "a", "b"]`), so that glob
    /// imports of it (`use super::*;`) can be resolved through its names.
    module: Option<Vec<String>>,
    names: HashMap<String, Vec<String>>,
    /// Names this scope defines only as values (fns, consts, statics): such a name is
    /// never the first segment of a path (`fn futures()` does not hide
    /// `futures::executor::block_on`).
    values_only: HashSet<String>,
    globs: Vec<Vec<String>>,
    locals: HashMap<String, Rc<[Origin]>>,
    /// Locals whose origins state their own type (see `visitor/stated_types.rs`).
    stated: HashSet<String>,
    /// Locals whose value a method of unknown return type made (see
    /// `visitor/reshaped_values.rs`): their origins say where it started, not its type.
    reshaped: HashSet<String>,
    /// First segments of every `use` path in this scope (`diesel`, `std`, ...).
    crates: Vec<String>,
    /// Names bound more than once (`use` items under different `cfg`s, or a `use` and
    /// an item of the same name): which one holds depends on the build.
    rebound: HashSet<String>,
    /// Whether the scope has a `use` item.
    has_uses: bool,
}

impl Scope {
    /// A scope filled from `items` (their `use` items and definitions), which live in the
    /// module at `module_path`.
    pub fn from_items<'a>(
        items: impl IntoIterator<Item = &'a Item> + Clone,
        module_path: &[String],
        is_module: bool,
    ) -> Scope {
        let mut scope = Scope {
            is_module,
            module: is_module.then(|| {
                let mut p = vec![CRATE.to_string()];
                p.extend(module_path.iter().cloned());
                p
            }),
            ..Scope::default()
        };
        // Definitions first: `use` items may start from a child module (`use db::Store;`).
        let mut namespaces: HashMap<String, bool> = HashMap::new();
        for item in items.clone() {
            if let Some(name) = defined_name(item) {
                let value = matches!(item, Item::Fn(_) | Item::Const(_) | Item::Static(_));
                let only_value = namespaces.entry(name.clone()).or_insert(true);
                *only_value &= value;
                let mut path = Vec::with_capacity(module_path.len() + 2);
                path.push(CRATE.to_string());
                path.extend(module_path.iter().cloned());
                path.push(name);
                scope
                    .names
                    .insert(path.last().cloned().unwrap_or_default(), path);
            }
            if let Item::ExternCrate(ec) = item {
                let name = ec
                    .rename
                    .as_ref()
                    .map(|(_, alias)| alias.to_string())
                    .unwrap_or_else(|| ec.ident.to_string());
                scope.names.insert(name, vec![ec.ident.to_string()]);
            }
        }
        scope.values_only = namespaces
            .into_iter()
            .filter_map(|(name, only_value)| only_value.then_some(name))
            .collect();
        for item in items {
            if let Item::Use(u) = item {
                scope.has_uses = true;
                let mut prefix = Vec::new();
                if u.leading_colon.is_some() {
                    prefix.push(String::new());
                }
                scope.add_use(&u.tree, &mut prefix, module_path, 0);
            }
        }
        scope
    }

    /// The module's imports and definitions, for following re-exports across files
    /// (see [`crate::reexports`]); `None` when it has no `use` item.
    pub fn imports(&self, module_path: &[String]) -> Option<crate::reexports::ModuleImports> {
        if !self.has_uses {
            return None;
        }
        let defined_at = |name: &str, path: &[String]| {
            path.len() == module_path.len() + 2
                && path[0] == CRATE
                && path[1..=module_path.len()] == *module_path
                && path.last().map(String::as_str) == Some(name)
        };
        let mut defined: Vec<String> = Vec::new();
        let mut names: Vec<(String, Vec<String>)> = Vec::new();
        for (name, path) in &self.names {
            let local = name.strip_prefix("r#").unwrap_or(name).to_string();
            if defined_at(name, path) || self.rebound.contains(name) {
                defined.push(local);
            } else {
                names.push((local, path.clone()));
            }
        }
        defined.sort();
        names.sort();
        let unraw = |p: &Vec<String>| -> Vec<String> {
            p.iter()
                .map(|s| s.strip_prefix("r#").unwrap_or(s).to_string())
                .collect()
        };
        Some(crate::reexports::ModuleImports {
            module: unraw(&module_path.to_vec()),
            defined,
            names: names.into_iter().map(|(n, p)| (n, unraw(&p))).collect(),
            globs: self.globs.iter().map(unraw).collect(),
        })
    }

    /// Binds a local name (parameter, `let`) with where its value came from.
    pub fn bind(&mut self, name: String, origins: Rc<[Origin]>) {
        self.stated.remove(&name);
        self.reshaped.remove(&name);
        self.locals.insert(name, origins);
    }

    /// Marks a bound local as made by a method of unknown return type.
    pub fn mark_reshaped(&mut self, name: &str) {
        if self.locals.contains_key(name) {
            self.reshaped.insert(name.to_string());
        }
    }

    /// Marks a bound local as having its type stated by its origins.
    pub fn mark_stated(&mut self, name: &str) {
        if self.locals.contains_key(name) {
            self.stated.insert(name.to_string());
        }
    }

    fn add_use(
        &mut self,
        tree: &UseTree,
        prefix: &mut Vec<String>,
        module_path: &[String],
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use(&p.tree, prefix, module_path, depth + 1);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let ident = n.ident.to_string();
                if ident == "self" {
                    // `use std::fs::{self}` imports `fs`.
                    if let Some(last) = prefix.last().cloned() {
                        let path = self.absolutize(prefix, module_path);
                        self.values_only.remove(&last);
                        self.bind_import(last, path);
                    }
                } else {
                    prefix.push(ident.clone());
                    let path = self.absolutize(prefix, module_path);
                    prefix.pop();
                    self.values_only.remove(&ident);
                    self.bind_import(ident, path);
                }
            }
            UseTree::Rename(r) => {
                let alias = r.rename.to_string();
                if alias == "_" {
                    return;
                }
                let ident = r.ident.to_string();
                let path = if ident == "self" {
                    self.absolutize(prefix, module_path)
                } else {
                    prefix.push(ident);
                    let path = self.absolutize(prefix, module_path);
                    prefix.pop();
                    path
                };
                self.values_only.remove(&alias);
                self.bind_import(alias, path);
            }
            UseTree::Glob(_) => {
                let path = self.absolutize(prefix, module_path);
                self.globs.push(path);
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(t, prefix, module_path, depth + 1);
                }
            }
        }
    }

    /// Turns a `use` path into an absolute one.
    fn absolutize(&mut self, written: &[String], module_path: &[String]) -> Vec<String> {
        let (first, rest) = match written.split_first() {
            Some(split) => split,
            None => return Vec::new(),
        };
        if first.is_empty() {
            // `use ::std::fs;`
            if let Some(root) = rest.first() {
                self.note_crate(root);
            }
            return rest.to_vec();
        }
        if let Some(mut path) = relative_root(first, rest, module_path) {
            path.extend(rest.iter().skip_while(|s| *s == "super").cloned());
            return path;
        }
        if let Some(defined) = self.names.get(first) {
            if defined.first().map(String::as_str) == Some(CRATE) {
                let mut path = defined.clone();
                path.extend(rest.iter().cloned());
                return path;
            }
        }
        self.note_crate(first);
        written.to_vec()
    }

    /// Binds a name a `use` item imports, noting a name bound before.
    fn bind_import(&mut self, name: String, path: Vec<String>) {
        if let Some(old) = self.names.insert(name.clone(), path) {
            if self.names.get(&name) != Some(&old) {
                self.rebound.insert(name);
            }
        }
    }

    fn note_crate(&mut self, name: &str) {
        if !self.crates.iter().any(|c| c == name) {
            self.crates.push(name.to_string());
        }
    }
}

/// `crate`, `self`, `super` (repeated) as the first segments: the absolute base path.
fn relative_root(first: &str, rest: &[String], module_path: &[String]) -> Option<Vec<String>> {
    let mut base = vec![CRATE.to_string()];
    match first {
        "crate" => Some(base),
        "self" => {
            base.extend(module_path.iter().cloned());
            Some(base)
        }
        "super" => {
            let ups = 1 + rest.iter().take_while(|s| *s == "super").count();
            let keep = module_path.len().saturating_sub(ups);
            base.extend(module_path[..keep].iter().cloned());
            Some(base)
        }
        _ => None,
    }
}

/// The name an item defines in its module's value/type namespace, if any.
fn defined_name(item: &Item) -> Option<String> {
    let ident = match item {
        Item::Fn(f) => &f.sig.ident,
        Item::Struct(s) => &s.ident,
        Item::Enum(e) => &e.ident,
        Item::Union(u) => &u.ident,
        Item::Mod(m) => &m.ident,
        Item::Trait(t) => &t.ident,
        Item::Const(c) => &c.ident,
        Item::Static(s) => &s.ident,
        Item::Type(t) => &t.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// The stack of scopes at the current point of the walk.
#[derive(Debug, Default)]
pub(crate) struct Scopes {
    stack: Vec<Scope>,
}

impl Scopes {
    pub fn push(&mut self, scope: Scope) {
        self.stack.push(scope);
    }

    pub fn pop(&mut self) {
        self.stack.pop();
    }

    /// The innermost scope (to bind locals in).
    pub fn innermost(&mut self) -> Option<&mut Scope> {
        self.stack.last_mut()
    }

    /// Scopes visible for names: innermost first, down to the nearest module scope.
    fn visible(&self) -> impl Iterator<Item = &Scope> {
        let start = self.stack.iter().rposition(|s| s.is_module).unwrap_or(0);
        self.stack[start..].iter().rev()
    }

    /// Where the value of local `name` came from, if it is a local.
    pub fn local(&self, name: &str) -> Option<&Rc<[Origin]>> {
        // Locals are visible through nested blocks and closures, not across modules.
        self.visible().find_map(|s| s.locals.get(name))
    }

    /// Whether the local `name` (its innermost binding) was made by a method of unknown
    /// return type.
    pub fn local_is_reshaped(&self, name: &str) -> bool {
        self.visible()
            .find(|s| s.locals.contains_key(name))
            .is_some_and(|s| s.reshaped.contains(name))
    }

    /// Whether the local `name` (its innermost binding) has its type stated.
    pub fn local_is_stated(&self, name: &str) -> bool {
        self.visible()
            .find(|s| s.locals.contains_key(name))
            .is_some_and(|s| s.stated.contains(name))
    }

    /// Whether a `use` of crate `name` is in scope.
    pub fn imports_crate(&self, name: &str) -> bool {
        self.visible().any(|s| s.crates.iter().any(|c| c == name))
    }

    /// Resolves a path expression written as `segs` (with a leading `::` when
    /// `leading_colon`), in the module at `module_path`, inside `impl` of `self_ty`.
    pub fn resolve(
        &self,
        segs: &[String],
        leading_colon: bool,
        module_path: &[String],
        self_ty: Option<&[String]>,
    ) -> Resolution {
        let Some((first, rest)) = segs.split_first() else {
            return Resolution::Unknown(Vec::new());
        };
        if leading_colon {
            return Resolution::Absolute(segs.to_vec());
        }
        if first == "Self" {
            if let Some(ty) = self_ty {
                let mut path = ty.to_vec();
                path.extend(rest.iter().cloned());
                return Resolution::Absolute(path);
            }
            return Resolution::Unknown(segs.to_vec());
        }
        if let Some(mut path) = relative_root(first, rest, module_path) {
            path.extend(rest.iter().skip_while(|s| *s == "super").cloned());
            return Resolution::Absolute(path);
        }
        if rest.is_empty() && self.local(first).is_some() {
            return Resolution::Local;
        }
        for scope in self.visible() {
            if !rest.is_empty() && scope.values_only.contains(first) {
                continue;
            }
            if let Some(base) = scope.names.get(first) {
                let mut path = Vec::with_capacity(base.len() + rest.len());
                path.extend(base.iter().cloned());
                path.extend(rest.iter().cloned());
                return Resolution::Absolute(path);
            }
        }
        let mut globs: Vec<Vec<String>> = Vec::new();
        for g in self.visible().flat_map(|s| s.globs.iter()) {
            // A glob of an enclosing module of this file (`use super::*;`): its names
            // are known, so the glob either provides the name or does not.
            if let Some(module) = self.stack.iter().find(|s| s.module.as_ref() == Some(g)) {
                if let Some(base) = module.names.get(first) {
                    let mut path = base.clone();
                    path.extend(rest.iter().cloned());
                    return Resolution::Absolute(path);
                }
                continue;
            }
            let mut path = g.clone();
            path.extend(segs.iter().cloned());
            globs.push(path);
        }
        if globs.is_empty() {
            Resolution::Unknown(segs.to_vec())
        } else {
            Resolution::Glob(globs, segs.to_vec())
        }
    }
}

/// Path segments of a `syn::Path`, without generic arguments.
pub(crate) fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Absolute segments of a type named in a parameter or `let` annotation
/// (`&mut std::process::Command`, `Arc<Mutex<T>>` gives the outer and the inner types).
pub(crate) fn type_paths(ty: &syn::Type, out: &mut Vec<(Vec<String>, bool)>, depth: usize) {
    if depth > 8 {
        return;
    }
    match ty {
        syn::Type::Reference(r) => type_paths(&r.elem, out, depth + 1),
        syn::Type::Paren(p) => type_paths(&p.elem, out, depth + 1),
        syn::Type::Group(g) => type_paths(&g.elem, out, depth + 1),
        syn::Type::Tuple(t) => t.elems.iter().for_each(|e| type_paths(e, out, depth + 1)),
        syn::Type::Path(tp) if tp.qself.is_none() => {
            out.push((path_segments(&tp.path), tp.path.leading_colon.is_some()));
            if let Some(last) = tp.path.segments.last() {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            type_paths(inner, out, depth + 1);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_of(src: &str, module_path: &[&str]) -> Scopes {
        let file: syn::File = syn::parse_str(src).unwrap();
        let mp: Vec<String> = module_path.iter().map(|s| s.to_string()).collect();
        let mut scopes = Scopes::default();
        scopes.push(Scope::from_items(&file.items, &mp, true));
        scopes
    }

    fn resolve(scopes: &Scopes, path: &str, module_path: &[&str]) -> Resolution {
        let segs: Vec<String> = path.split("::").map(String::from).collect();
        let mp: Vec<String> = module_path.iter().map(|s| s.to_string()).collect();
        scopes.resolve(&segs, false, &mp, None)
    }

    fn abs(p: &str) -> Resolution {
        Resolution::Absolute(p.split("::").map(String::from).collect())
    }

    #[test]
    fn use_forms_resolve() {
        let s = scope_of(
            "use std::thread::{self, sleep as nap}; use ::std::fs; use std::{io::{self, Read}, process::Command}; use super::db::Store; use self::inner::f; mod inner {}",
            &["a", "b"],
        );
        assert_eq!(
            resolve(&s, "thread::sleep", &["a", "b"]),
            abs("std::thread::sleep")
        );
        assert_eq!(resolve(&s, "nap", &["a", "b"]), abs("std::thread::sleep"));
        assert_eq!(resolve(&s, "fs::read", &["a", "b"]), abs("std::fs::read"));
        assert_eq!(resolve(&s, "io::stdin", &["a", "b"]), abs("std::io::stdin"));
        assert_eq!(
            resolve(&s, "Command::new", &["a", "b"]),
            abs("std::process::Command::new")
        );
        assert_eq!(
            resolve(&s, "Store::get", &["a", "b"]),
            abs("crate::a::db::Store::get")
        );
        assert_eq!(resolve(&s, "f", &["a", "b"]), abs("crate::a::b::inner::f"));
        assert_eq!(
            resolve(&s, "inner::g", &["a", "b"]),
            abs("crate::a::b::inner::g")
        );
        assert_eq!(resolve(&s, "super::super::x", &["a", "b"]), abs("crate::x"));
    }

    #[test]
    fn globs_and_unknown_names() {
        let s = scope_of("use std::fs::*;", &[]);
        assert_eq!(
            resolve(&s, "read", &[]),
            Resolution::Glob(
                vec![vec!["std".into(), "fs".into(), "read".into()]],
                vec!["read".into()]
            )
        );
        let s = scope_of("", &[]);
        assert_eq!(
            resolve(&s, "thread::sleep", &[]),
            Resolution::Unknown(vec!["thread".into(), "sleep".into()])
        );
    }

    #[test]
    fn underscore_imports_bind_nothing() {
        let s = scope_of("use std::io::Read as _;", &[]);
        assert_eq!(
            resolve(&s, "Read", &[]),
            Resolution::Unknown(vec!["Read".into()])
        );
    }
}
