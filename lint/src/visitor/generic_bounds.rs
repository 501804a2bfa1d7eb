//! What the source states about a value whose type is a trait: `&dyn Store`,
//! `Box<dyn Store>`, `impl Store` (a parameter or a return type), or a generic
//! parameter bounded by it (`<T: Store>`, `where T: Store`, `S: Store + Send`). The
//! receiver's origins then name the trait, and the call graph dispatches the call to the
//! trait's impls (`callgraph/trait_dispatch.rs`).
//!
//! The bounds of the generics in scope (the impl's, then the fn's) are kept as a stack;
//! a parameter's name stands for its bounds. Bounds on `Fn*` traits are left out: a
//! value of such a type is a fn value, which `fn_values.rs` follows.

use std::collections::HashMap;
use std::rc::Rc;

use syn::{TraitBoundModifier, Type, TypeParamBound, WherePredicate};

use super::origin_set::{add_origin, add_origins};
use super::Analyzer;
use crate::resolve::{path_segments, Origin, Resolution};

/// Depth to which a type is searched for trait bounds.
const MAX_TYPE_DEPTH: usize = 8;

impl Analyzer<'_> {
    /// Enters the scope of `generics`: each type parameter stands for the traits its
    /// bounds (inline and in the `where` clause) name.
    pub(super) fn push_generics(&mut self, generics: &syn::Generics) {
        let mut scope: HashMap<String, Vec<Origin>> = HashMap::new();
        for p in generics.type_params() {
            let bounds = scope.entry(p.ident.to_string()).or_default();
            for b in &p.bounds {
                self.bound_origins(b, bounds);
            }
        }
        for pred in generics.where_clause.iter().flat_map(|w| &w.predicates) {
            let WherePredicate::Type(t) = pred else {
                continue;
            };
            let Type::Path(tp) = &t.bounded_ty else {
                continue;
            };
            let Some(ident) = tp.path.get_ident().filter(|_| tp.qself.is_none()) else {
                continue;
            };
            let bounds = scope.entry(ident.to_string()).or_default();
            for b in &t.bounds {
                self.bound_origins(b, bounds);
            }
        }
        self.generic_bounds.push(
            scope
                .into_iter()
                .map(|(name, origins)| (name, Rc::from(origins)))
                .collect(),
        );
    }

    /// Leaves the innermost generics scope.
    pub(super) fn pop_generics(&mut self) {
        self.generic_bounds.pop();
    }

    /// The traits a generic parameter `name` in scope is bounded by.
    fn generic_bound(&self, name: &str) -> Option<&Rc<[Origin]>> {
        self.generic_bounds.iter().rev().find_map(|s| s.get(name))
    }

    /// The traits `ty` states its values implement: `dyn A + B`, `impl A`, a generic
    /// parameter's bounds, also inside references and wrappers (`Box<dyn A>`, `&T`).
    pub(super) fn trait_origins(&self, ty: &Type, out: &mut Vec<Origin>, depth: usize) {
        if depth > MAX_TYPE_DEPTH {
            return;
        }
        match ty {
            Type::Reference(r) => self.trait_origins(&r.elem, out, depth + 1),
            Type::Paren(p) => self.trait_origins(&p.elem, out, depth + 1),
            Type::Group(g) => self.trait_origins(&g.elem, out, depth + 1),
            Type::Ptr(p) => self.trait_origins(&p.elem, out, depth + 1),
            Type::Slice(s) => self.trait_origins(&s.elem, out, depth + 1),
            Type::Array(a) => self.trait_origins(&a.elem, out, depth + 1),
            Type::Tuple(t) => t
                .elems
                .iter()
                .for_each(|e| self.trait_origins(e, out, depth + 1)),
            Type::TraitObject(t) => t.bounds.iter().for_each(|b| self.bound_origins(b, out)),
            Type::ImplTrait(i) => i.bounds.iter().for_each(|b| self.bound_origins(b, out)),
            Type::Path(tp) if tp.qself.is_none() => {
                if let Some(bounds) = tp
                    .path
                    .get_ident()
                    .and_then(|i| self.generic_bound(&i.to_string()))
                {
                    add_origins(out, bounds.iter().cloned());
                }
                let Some(last) = tp.path.segments.last() else {
                    return;
                };
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            self.trait_origins(inner, out, depth + 1);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Replaces each origin that is a bare generic parameter in scope (a field declared
    /// `store: S`, read in `impl<S: Store> Service<S>`) by the traits it is bounded by.
    pub(super) fn substitute_generics(&self, origins: &mut Vec<Origin>) {
        if self.generic_bounds.is_empty() {
            return;
        }
        let mut out = Vec::with_capacity(origins.len());
        for o in origins.drain(..) {
            match self.generic_bound(&o.path).filter(|_| !o.exact) {
                Some(bounds) => add_origins(&mut out, bounds.iter().cloned()),
                None => add_origin(&mut out, o),
            }
        }
        *origins = out;
    }

    /// The trait a bound names, resolved in the current scope; none for `?Sized`,
    /// lifetimes and `Fn*` bounds.
    fn bound_origins(&self, bound: &TypeParamBound, out: &mut Vec<Origin>) {
        let TypeParamBound::Trait(t) = bound else {
            return;
        };
        if !matches!(t.modifier, TraitBoundModifier::None) {
            return;
        }
        let is_fn = t
            .path
            .segments
            .last()
            .is_some_and(|s| matches!(s.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce"));
        if is_fn {
            return;
        }
        let segs = path_segments(&t.path);
        let res = self.scopes.resolve(
            &segs,
            t.path.leading_colon.is_some(),
            &self.module_path,
            self.self_ty.as_deref(),
        );
        let origin = match res {
            Resolution::Absolute(p) => Origin {
                path: p.join("::"),
                exact: true,
            },
            Resolution::Unknown(w) | Resolution::Glob(_, w) => Origin {
                path: w.join("::"),
                exact: false,
            },
            Resolution::Local => return,
        };
        add_origin(out, origin);
    }
}
