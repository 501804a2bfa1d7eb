//! Where a receiver's value came from: the paths called or types named while building
//! it, followed through `let` bindings, parameters, the file's struct fields and fn
//! return types. Method shapes such as "`.output()` on a `Command`" match on these.

use std::collections::HashMap;
use std::rc::Rc;

use syn::{Expr, Item, Pat};

use super::origin_set::{add_origin, add_origins, is_unknown};
use super::{peel, Analyzer, MAX_CHAIN};
use crate::resolve::{type_paths, Origin, Resolution, CRATE};
use crate::self_type::self_type_name;

/// Whether `ty` is a fn value type: `fn(..)`, `impl Fn*(..)`, `Box<dyn Fn*(..)>`.
fn returns_fn_value(ty: &syn::Type) -> bool {
    let is_fn_bound = |b: &syn::TypeParamBound| {
        matches!(b, syn::TypeParamBound::Trait(t)
        if t.path.segments.last().is_some_and(|s| {
            matches!(s.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")
        }))
    };
    match ty {
        syn::Type::BareFn(_) => true,
        syn::Type::ImplTrait(i) => i.bounds.iter().any(is_fn_bound),
        syn::Type::TraitObject(t) => t.bounds.iter().any(is_fn_bound),
        syn::Type::Paren(p) => returns_fn_value(&p.elem),
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            s.ident == "Box"
                && matches!(&s.arguments, syn::PathArguments::AngleBracketed(a)
                    if a.args.iter().any(|g| matches!(g, syn::GenericArgument::Type(t) if returns_fn_value(t))))
        }),
        _ => false,
    }
}

/// Idents bound by a pattern.
pub(super) fn pat_idents(pat: &Pat, out: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match pat {
        Pat::Ident(i) => {
            out.push(i.ident.to_string());
            if let Some((_, sub)) = &i.subpat {
                pat_idents(sub, out, depth + 1);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        Pat::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| pat_idents(&f.pat, out, depth + 1)),
        Pat::Reference(r) => pat_idents(&r.pat, out, depth + 1),
        Pat::Type(t) => pat_idents(&t.pat, out, depth + 1),
        Pat::Paren(p) => pat_idents(&p.pat, out, depth + 1),
        Pat::Or(o) => o.cases.iter().for_each(|p| pat_idents(p, out, depth + 1)),
        _ => {}
    }
}

impl Analyzer<'_> {
    /// Where the value of `e` came from: paths called (or types named) while building it,
    /// added to `out` as a set (see [`super::origin_set`]): once an origin each, unknown
    /// past the bound, so a chain of stages built from the one before stays small.
    pub(super) fn origins(&self, e: &Expr, out: &mut Vec<Origin>, depth: usize) {
        if depth > MAX_CHAIN || is_unknown(out) {
            return;
        }
        match e {
            Expr::MethodCall(m) => {
                // A method of a type of this code with a declared return type gives
                // that type (`self.pool().get()` where `fn pool(&self) -> &Pool`);
                // any other method keeps what its receiver came from (`.unwrap()`,
                // `.lock()`, builder chains), and the chain of methods since, whose
                // return types the call graph follows (`crate::method_steps`).
                let mut base = Vec::new();
                self.origins(&m.receiver, &mut base, depth + 1);
                let name = m.method.to_string();
                let mut returned = false;
                for o in base.iter().filter(|o| o.exact) {
                    if let Some(ret) = self.returns.get(&format!("{}::{name}", o.path)) {
                        add_origins(out, ret.iter().cloned());
                        returned = true;
                    }
                }
                if !returned {
                    let after = if is_unknown(&base) {
                        base
                    } else {
                        crate::method_steps::after_method(base, &name)
                    };
                    add_origins(out, after);
                }
            }
            // The value of a `match` comes out of its arms, which mostly take apart what
            // was matched (`Some(child) => child`): keep what the scrutinee came from.
            Expr::Match(m) => self.origins(&m.expr, out, depth + 1),
            Expr::Call(c) => {
                if let Expr::Path(p) = peel(&c.func) {
                    self.push_origin(&p.path, out);
                    // Wrappers keep what they wrap: `BufReader::new(file)`,
                    // `Arc::new((Mutex::new(..), Condvar::new()))`, `Box::from(..)`,
                    // `Arc::clone(&self.pool)`.
                    let wraps = p.path.segments.last().is_some_and(|s| {
                        let name = s.ident.to_string();
                        name.starts_with("new") || name == "from" || name == "clone"
                    });
                    if wraps {
                        for arg in &c.args {
                            self.origins(arg, out, depth + 1);
                        }
                    }
                }
            }
            Expr::Path(p) if p.qself.is_none() => {
                if let Some(ident) = p.path.get_ident() {
                    if let Some(origins) = self.scopes.local(&ident.to_string()) {
                        add_origins(out, origins.iter().cloned());
                        return;
                    }
                }
                self.push_origin(&p.path, out);
            }
            // An element of a tuple written right there: `(f, g).0` is `f`.
            Expr::Field(f) if matches!(peel(&f.base), Expr::Tuple(_)) => {
                let (Expr::Tuple(t), syn::Member::Unnamed(i)) = (peel(&f.base), &f.member) else {
                    return;
                };
                if let Some(elem) = t.elems.iter().nth(i.index as usize) {
                    self.origins(elem, out, depth + 1);
                }
            }
            Expr::Struct(s) if s.qself.is_none() => self.push_origin(&s.path, out),
            // The value of a block or an `if` is its tail expression's (either branch's).
            Expr::Block(b) => self.tail_origins(&b.block, out, depth + 1),
            Expr::If(i) => {
                self.tail_origins(&i.then_branch, out, depth + 1);
                if let Some((_, e)) = &i.else_branch {
                    self.origins(e, out, depth + 1);
                }
            }
            Expr::Field(f) => {
                let mut base = Vec::new();
                self.origins(&f.base, &mut base, depth + 1);
                let member = match &f.member {
                    syn::Member::Named(i) => i.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                let mut known = false;
                for o in base.iter().filter(|o| o.exact) {
                    if let Some(field) = self.fields.get(&o.path).and_then(|fs| fs.get(&member)) {
                        let mut field = field.to_vec();
                        // `store: S` read in `impl<S: Store> Service<S>`.
                        self.substitute_generics(&mut field);
                        add_origins(out, field);
                        known = true;
                    }
                }
                if !known {
                    // A tuple or a type defined elsewhere: keep what the base came from,
                    // but not the chains that made the base (the field is another value).
                    add_origins(out, crate::method_steps::without_steps(base));
                }
            }
            Expr::Try(t) => self.origins(&t.expr, out, depth + 1),
            Expr::Paren(p) => self.origins(&p.expr, out, depth + 1),
            Expr::Group(g) => self.origins(&g.expr, out, depth + 1),
            Expr::Reference(r) => self.origins(&r.expr, out, depth + 1),
            Expr::Unary(u) => self.origins(&u.expr, out, depth + 1),
            Expr::Cast(c) => self.origins(&c.expr, out, depth + 1),
            Expr::Index(i) => self.origins(&i.expr, out, depth + 1),
            Expr::Await(a) => self.origins(&a.base, out, depth + 1),
            Expr::Tuple(t) => t.elems.iter().for_each(|e| self.origins(e, out, depth + 1)),
            Expr::Array(a) => a.elems.iter().for_each(|e| self.origins(e, out, depth + 1)),
            _ => {}
        }
    }

    /// Where the value of `block`'s tail expression came from.
    fn tail_origins(&self, block: &syn::Block, out: &mut Vec<Origin>, depth: usize) {
        if let Some(syn::Stmt::Expr(e, None)) = block.stmts.last() {
            self.origins(e, out, depth);
        }
    }

    pub(super) fn push_origin(&self, path: &syn::Path, out: &mut Vec<Origin>) {
        match self.resolve(path) {
            Resolution::Absolute(p) => {
                let joined = p.join("::");
                if let Some(ret) = self.returns.get(&joined) {
                    add_origins(out, ret.iter().cloned());
                }
                add_origin(
                    out,
                    Origin {
                        path: joined,
                        exact: true,
                    },
                );
            }
            Resolution::Unknown(w) => add_origin(
                out,
                Origin {
                    path: w.join("::"),
                    exact: false,
                },
            ),
            Resolution::Glob(cands, w) => {
                add_origins(
                    out,
                    cands.into_iter().map(|c| Origin {
                        path: c.join("::"),
                        exact: true,
                    }),
                );
                add_origin(
                    out,
                    Origin {
                        path: w.join("::"),
                        exact: false,
                    },
                );
            }
            Resolution::Local => {}
        }
    }

    pub(super) fn type_origins(&self, ty: &syn::Type, out: &mut Vec<Origin>) {
        // The traits it states (`&dyn Store`, `impl Store`, `T: Store`).
        self.trait_origins(ty, out, 0);
        // `&[u8]`: no path names a byte slice (see `in_memory_io.rs`).
        if crate::in_memory_io::is_byte_slice_type(ty) {
            add_origin(
                out,
                Origin {
                    path: crate::in_memory_io::BYTE_SLICE.to_string(),
                    exact: true,
                },
            );
        }
        let mut paths = Vec::new();
        type_paths(ty, &mut paths, 0);
        for (segs, leading) in paths {
            let res =
                self.scopes
                    .resolve(&segs, leading, &self.module_path, self.self_ty.as_deref());
            match res {
                Resolution::Absolute(p) => {
                    let joined = p.join("::");
                    if let Some(target) = self.aliases.get(&joined) {
                        add_origins(out, target.iter().cloned());
                    } else {
                        self.crate_name_origins(&joined, out);
                    }
                    add_origin(
                        out,
                        Origin {
                            path: joined,
                            exact: true,
                        },
                    )
                }
                Resolution::Glob(globs, w) => {
                    for g in &globs {
                        self.crate_name_origins(&g.join("::"), out);
                    }
                    add_origin(
                        out,
                        Origin {
                            path: w.join("::"),
                            exact: false,
                        },
                    )
                }
                Resolution::Unknown(w) => add_origin(
                    out,
                    Origin {
                        path: w.join("::"),
                        exact: false,
                    },
                ),
                Resolution::Local => {}
            }
        }
    }

    /// The type aliases the walk learnt, by absolute path, with the paths each stands
    /// for: resolved ones, and paths written from a first segment nothing in scope
    /// provides (`r2d2::Pool` without a `use`), which name an extern crate.
    pub(crate) fn alias_paths(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = self
            .aliases
            .iter()
            .map(|(alias, origins)| {
                let mut targets: Vec<String> = Vec::new();
                for o in origins.iter() {
                    if (o.exact || o.path.contains("::")) && !targets.contains(&o.path) {
                        targets.push(o.path.clone());
                    }
                }
                (alias.clone(), targets)
            })
            .filter(|(_, targets)| !targets.is_empty())
            .collect();
        out.sort();
        out
    }

    /// What another file of the crate says the name at `path` stands for (an alias, or
    /// an import a glob of this file brings in), as resolved origins.
    fn crate_name_origins(&self, path: &str, out: &mut Vec<Origin>) {
        let Some(targets) = self.crate_names.and_then(|n| n.lookup(path)) else {
            return;
        };
        add_origins(
            out,
            targets.iter().map(|t| Origin {
                path: t.clone(),
                exact: true,
            }),
        );
    }

    /// The distinct paths a fn's declared return type names, for its summary.
    pub(super) fn return_paths(&self, output: &syn::ReturnType) -> Vec<String> {
        let syn::ReturnType::Type(_, ty) = output else {
            return Vec::new();
        };
        let mut origins = Vec::new();
        self.type_origins(ty, &mut origins);
        if is_unknown(&origins) {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        for o in origins {
            if !out.contains(&o.path) {
                out.push(o.path);
            }
        }
        out
    }

    pub(super) fn bind_pat(&mut self, pat: &Pat, origins: Rc<[Origin]>) {
        let mut names = Vec::new();
        pat_idents(pat, &mut names, 0);
        if let Some(scope) = self.scopes.innermost() {
            for n in names {
                scope.bind(n, origins.clone());
            }
        }
    }

    pub(super) fn bind_params<'a>(&mut self, inputs: impl Iterator<Item = &'a Pat>) {
        for pat in inputs {
            let mut origins = Vec::new();
            if let Pat::Type(pt) = pat {
                self.type_origins(&pt.ty, &mut origins);
            }
            self.bind_pat(pat, Rc::from(origins));
        }
    }

    /// Records the field types of the module's structs and the return types of its fns
    /// and methods, resolved in the module's scope (which must be pushed).
    pub(super) fn learn_types(&mut self, items: &[Item]) {
        let base = {
            let mut b = vec![CRATE.to_string()];
            b.extend(self.module_path.iter().cloned());
            b.join("::")
        };
        // Aliases first: fields and return types may name them.
        for item in items {
            if let Item::Type(alias) = item {
                let mut origins = Vec::new();
                self.type_origins(&alias.ty, &mut origins);
                if !origins.is_empty() {
                    self.aliases
                        .insert(format!("{base}::{}", alias.ident), Rc::from(origins));
                }
            }
        }
        for item in items {
            match item {
                Item::Struct(st) => {
                    // `struct Service<S: Store> { store: S }`: the field is a `Store`.
                    self.push_generics(&st.generics);
                    let mut fields = HashMap::new();
                    for (i, f) in st.fields.iter().enumerate() {
                        let name = f
                            .ident
                            .as_ref()
                            .map(|id| id.to_string())
                            .unwrap_or_else(|| i.to_string());
                        let mut origins = Vec::new();
                        self.type_origins(&f.ty, &mut origins);
                        if !origins.is_empty() {
                            fields.insert(name, Rc::from(origins));
                        }
                    }
                    self.pop_generics();
                    self.fields.insert(format!("{base}::{}", st.ident), fields);
                }
                Item::Fn(f) => {
                    if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                        let mut origins = Vec::new();
                        self.type_origins(ty, &mut origins);
                        // A fn that returns a fn value (`fn pick() -> fn()`): the fns
                        // its tail expression names.
                        if returns_fn_value(ty) {
                            self.tail_origins(&f.block, &mut origins, 0);
                        }
                        self.returns
                            .insert(format!("{base}::{}", f.sig.ident), Rc::from(origins));
                    }
                }
                Item::Impl(im) => {
                    let Some(name) = self_type_name(&im.self_ty) else {
                        continue;
                    };
                    let saved = self.self_ty.replace(vec![base.clone(), name.clone()]);
                    for ii in &im.items {
                        if let syn::ImplItem::Fn(f) = ii {
                            self.methods
                                .insert(format!("{base}::{name}::{}", f.sig.ident));
                            if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                                let mut origins = Vec::new();
                                self.type_origins(ty, &mut origins);
                                self.returns.insert(
                                    format!("{base}::{name}::{}", f.sig.ident),
                                    Rc::from(origins),
                                );
                            }
                        }
                    }
                    self.self_ty = saved;
                }
                _ => {}
            }
        }
    }

    /// Binds the patterns of `let` conditions (`if let`, `while let`, let chains) with
    /// where their scrutinees came from.
    pub(super) fn bind_lets(&mut self, cond: &Expr, depth: usize) {
        if depth > MAX_CHAIN {
            return;
        }
        match cond {
            Expr::Let(l) => {
                let mut origins = Vec::new();
                self.origins(&l.expr, &mut origins, 0);
                self.bind_pat(&l.pat, Rc::from(origins));
                self.mark_reshaped(&l.pat, &l.expr);
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.bind_lets(&b.left, depth + 1);
                self.bind_lets(&b.right, depth + 1);
            }
            Expr::Paren(p) => self.bind_lets(&p.expr, depth + 1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use syn::visit::Visit;

    use super::super::origin_set::{is_unknown, MAX_ORIGINS};
    use super::*;
    use crate::resolve::Scope;
    use crate::{summarize_file, Config};

    /// The origins `name` is bound to after the statements of `body`, walked as a fn
    /// body is.
    fn bound(body: &str, name: &str) -> Vec<Origin> {
        let matcher = Config::default().matcher();
        let mut v = Analyzer::new(&matcher, Vec::new(), false, false);
        let block: syn::Block = syn::parse_str(&format!("{{ {body} }}")).unwrap();
        v.scopes.push(Scope::default());
        for stmt in &block.stmts {
            v.visit_stmt(stmt);
        }
        let origins = v.scopes.local(name).map(|o| o.to_vec());
        origins.unwrap_or_else(|| panic!("`{name}` is not bound"))
    }

    fn paths(origins: &[Origin]) -> Vec<&str> {
        origins.iter().map(|o| o.path.as_str()).collect()
    }

    /// `stages` arrays of `width` elements, each built from the one before the way
    /// unrolled transforms are (`let s2 = [s1[0], Box::new(s1[1]), half(s1[2]), ..]`):
    /// most elements carry what an element of the previous stage came from.
    fn staged_arrays(stages: usize, width: usize) -> String {
        let first: Vec<String> = (0..width)
            .map(|i| format!("std::fs::File::open(\"{i}\").unwrap()"))
            .collect();
        let mut src = format!("let s0 = [{}];\n", first.join(", "));
        for k in 1..=stages {
            let p = k - 1;
            let elems: Vec<String> = (0..width)
                .map(|i| {
                    let j = (i + 1) % width;
                    match i % 6 {
                        0 => format!("s{p}[{i}]"),
                        1 => format!("Box::new(s{p}[{j}])"),
                        2 => format!("if flag {{ s{p}[{i}] }} else {{ s{p}[{j}] }}"),
                        3 => format!("(s{p}[{i}], s{p}[{j}]).1"),
                        4 => format!("{{ s{p}[{i}].clone() }}"),
                        _ => format!("half(s{p}[{i}], s{p}[{j}])"),
                    }
                })
                .collect();
            src.push_str(&format!("let s{k} = [{}];\n", elems.join(", ")));
        }
        src
    }

    #[test]
    fn staged_arrays_keep_each_origin_once() {
        // Copied per element, 5 stages of 4 would hold thousands of origins.
        let src = staged_arrays(5, 4);
        let first = bound(&src, "s1");
        let last = bound(&src, "s5");
        assert_eq!(paths(&first), ["std::fs::File::open", "Box::new"]);
        assert_eq!(last, first);
    }

    #[test]
    fn a_long_chain_of_wide_stages_stays_within_the_bound() {
        let src = staged_arrays(12, 16);
        let last = bound(&src, "s12");
        assert!(!is_unknown(&last));
        assert!(last.len() <= MAX_ORIGINS);
        assert_eq!(paths(&last), ["std::fs::File::open", "Box::new", "half"]);
    }

    /// `let a{i} = crate::f{i}();` for `n` fns, then `let all = [a0, .., a{n-1}];`.
    fn distinct_values(n: usize) -> String {
        let lets: String = (0..n)
            .map(|i| format!("let a{i} = crate::f{i}();\n"))
            .collect();
        let names: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        format!("{lets}let all = [{}];", names.join(", "))
    }

    #[test]
    fn more_distinct_origins_than_the_bound_are_unknown() {
        let within = bound(&distinct_values(MAX_ORIGINS), "all");
        assert_eq!(within.len(), MAX_ORIGINS);
        assert!(!is_unknown(&within));
        let past = bound(&distinct_values(MAX_ORIGINS + 1), "all");
        assert!(is_unknown(&past));
        // And so is what is built from it.
        let src = format!(
            "{} let again = (all, 1).0;",
            distinct_values(MAX_ORIGINS + 1)
        );
        assert!(is_unknown(&bound(&src, "again")));
    }

    #[test]
    fn aliases_of_tuples_of_earlier_aliases_keep_each_origin_once() {
        // `type T1 = (T0, T0, T0, T0);` and so on: copied per element, T6 would hold
        // thousands of origins.
        let mut src = String::from("type T0 = std::fs::File;\n");
        for k in 1..=6 {
            src.push_str(&format!(
                "type T{k} = (T{p}, T{p}, T{p}, T{p});\n",
                p = k - 1
            ));
        }
        let file: syn::File = syn::parse_str(&src).unwrap();
        let matcher = Config::default().matcher();
        let mut v = Analyzer::new(&matcher, Vec::new(), false, false);
        v.scopes.push(Scope::from_items(&file.items, &[], true));
        v.learn_types(&file.items);
        let last = &v.aliases["crate::T6"];
        let mut expected: Vec<String> = std::iter::once("std::fs::File".to_string())
            .chain((0..6).map(|k| format!("crate::T{k}")))
            .collect();
        expected.sort();
        let mut got: Vec<String> = last.iter().map(|o| o.path.clone()).collect();
        got.sort();
        assert_eq!(got, expected);
    }

    use crate::test_support::resolved_findings as found;

    #[test]
    fn receivers_resolve_through_short_chains() {
        for body in [
            "let b = [f]; b[0].sync_all();",
            "let b = [f, std::fs::File::create(\"y\").unwrap()]; b[1].sync_all();",
            "(f, 1).0.sync_all();",
            "let t = (f, 1); t.0.sync_all();",
            "let g = if flag { f } else { other() }; g.sync_all();",
            "let g = { f }; let h = [g]; h[0].sync_all();",
            "let b = std::io::BufWriter::new(f); b.get_ref().sync_all();",
        ] {
            let src = format!(
                "async fn run(flag: bool) {{ \
                 let f = std::fs::File::open(\"x\").unwrap(); {body} }}"
            );
            let found = found(&src);
            assert!(
                found.iter().any(|r| r == "std::fs::File::sync_all"),
                "{body}: {found:?}"
            );
        }
        // Not a file: nothing to report.
        let found = found("async fn run() { let b = [Other::new()]; b[0].sync_all(); }");
        assert!(!found.iter().any(|r| r == "std::fs::File::sync_all"));
    }

    /// `async fn run` whose receiver `all[0]` came from a file and `n` other values.
    fn file_among(n: usize, call: &str) -> String {
        let lets: String = (0..n)
            .map(|i| format!("let a{i} = crate::f{i}();\n"))
            .collect();
        let names: String = (0..n).map(|i| format!(", a{i}")).collect();
        format!(
            "async fn run() {{ let f = std::fs::File::open(\"x\").unwrap();\n\
             {lets}let all = [f{names}];\nall[0].{call}; }}"
        )
    }

    #[test]
    fn an_unknown_receiver_matches_no_method_shape() {
        let shape = |src: &str| found(src).iter().any(|r| r == "std::fs::File::sync_all");
        assert!(shape(&file_among(MAX_ORIGINS - 1, "sync_all()")));
        assert!(!shape(&file_among(MAX_ORIGINS, "sync_all()")));
    }

    #[test]
    fn an_unknown_receiver_gives_the_call_graph_no_method_call() {
        let helper_calls = |src: &str| {
            let file: syn::File = syn::parse_str(src).unwrap();
            let s = summarize_file(&file, "src/lib.rs", &[], false, &Config::default());
            let calls: Vec<_> = s.fns.iter().flat_map(|f| &f.calls).collect();
            calls
                .iter()
                .filter(|c| c.method.as_deref() == Some("helper"))
                .map(|c| c.receiver.len())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            helper_calls(&file_among(MAX_ORIGINS - 1, "helper()")),
            [MAX_ORIGINS]
        );
        assert_eq!(
            helper_calls(&file_among(MAX_ORIGINS, "helper()")),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn an_io_copy_from_an_unknown_reader_is_not_reported() {
        let copies = |n: usize| {
            let src = file_among(n, "len()").replace(
                "all[0].len();",
                "std::io::copy(&mut all[0], &mut std::io::sink());",
            );
            found(&src).iter().filter(|r| *r == "std::io::copy").count()
        };
        assert_eq!(copies(MAX_ORIGINS - 1), 1);
        assert_eq!(copies(MAX_ORIGINS), 0);
    }
}
