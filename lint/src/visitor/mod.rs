//! The async-context visitor: walks a syn tree keeping track of the async context,
//! the scopes for name resolution and where receiver values came from, and matches
//! every call against the catalog.
//!
//! Recursion depth is capped at [`MAX_DEPTH`] nested expressions/blocks/items: beyond
//! it the visitor stops descending (and reports nothing deeper), so that pathological
//! input cannot overflow the caller's stack.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ImplItemFn, Item, ItemFn, ItemImpl, ItemMod, Pat, Signature, Stmt};

use crate::dead_cfg::is_never_compiled;
use crate::matcher::Matcher;
use crate::resolve::{path_segments, Origin, Resolution, Scope, Scopes, CRATE};
use crate::summary::FnSummary;
use consumers::{Findings, Summaries};

mod block_on_bodies;
mod calls;
mod consumers;
mod context;
mod drops;
mod finished_threads;
mod fn_values;
mod generic_bounds;
mod iterator_steps;
mod macros;
mod origin_set;
mod receivers;
mod reshaped_values;
mod stated_types;
mod trait_impls;

use crate::catalog::POLL_TRAITS;
use crate::escape_hatch::has_allow_blocking;
use crate::self_type::self_type_name;
use crate::test_code::is_test_code;
pub(crate) use context::Kind;
use context::{expr_attrs, Ctx};

/// How deep the visitor descends into nested expressions, blocks and items.
pub const MAX_DEPTH: usize = 256;

/// How far back a receiver chain is followed to find where its value came from.
const MAX_CHAIN: usize = 64;

/// What a parent expression knows about the value of the child it visits, passed down
/// with the visit.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    /// The value is awaited (directly, or by a macro such as `select!`).
    awaited: bool,
    /// A closure given to an offloading fn.
    offloaded: bool,
    /// The value is consumed: an argument of a call (`deadline.set(Some(sleep(d)))`).
    used: bool,
}

/// What a fn is declared in, for its summary.
#[derive(Debug, Clone, Copy)]
enum FnOwner<'a> {
    /// A free fn (also one nested in another fn's body).
    Free,
    /// A method of an `impl` block, with the name of its self type when it has one.
    Impl(Option<&'a str>),
    /// A default method of the named trait.
    Trait(&'a str),
}

/// The visitor. One per check; not `Send` (holds spans).
pub(crate) struct Analyzer<'m> {
    matcher: &'m Matcher,
    pub(crate) scopes: Scopes,
    module_path: Vec<String>,
    self_ty: Option<Vec<String>>,
    ctx: Ctx,
    depth: usize,
    /// How many subtrees were left unchecked because they lie deeper than [`MAX_DEPTH`].
    pub(crate) too_deep: usize,
    /// How many macro bodies enclose the current point.
    pub(crate) macro_depth: usize,
    /// The findings consumer (every check).
    pub(crate) findings: Findings,
    /// The summaries consumer, when the caller wants fn summaries.
    pub(crate) summaries: Option<Summaries>,
    /// Offloading wrappers defined in the checked code (see [`crate::wrappers`]).
    pub(crate) wrappers: HashSet<String>,
    /// Field types of structs defined in the checked code, by struct path: so that
    /// `self.log.flush()` knows `log` is a `std::fs::File`.
    fields: HashMap<String, HashMap<String, Rc<[Origin]>>>,
    /// Return types of fns defined in the checked code, by fn path.
    returns: HashMap<String, Rc<[Origin]>>,
    /// What the type aliases of the checked code stand for, by alias path: so that
    /// `pool: web::Data<DbPool>` knows `DbPool` is an `r2d2::Pool`.
    aliases: HashMap<String, Rc<[Origin]>>,
    /// Methods defined in the checked code, by path (`crate::rt::Handle::block_on`): a
    /// call on a value of that type is that method, not a catalog shape of the same name.
    methods: HashSet<String>,
    /// Whether the `let` being visited binds a value that a later statement of its block
    /// moves away (returns, passes by value), so that it is not dropped there.
    binding_moved: bool,
    /// The imports of each module walked, for the summaries (see [`crate::reexports`]).
    pub(crate) module_imports: Vec<crate::reexports::ModuleImports>,
    /// What the aliases and imports of the crate's other files stand for, when the
    /// front end has them (see [`crate::crate_names`]).
    pub(crate) crate_names: Option<&'m crate::CrateNames>,
    /// Thread handles known finished at this point (see `finished_threads.rs`).
    finished_threads: Vec<String>,
    /// The bounds of the generic parameters in scope, innermost last (see
    /// `generic_bounds.rs`).
    generic_bounds: Vec<HashMap<String, Rc<[Origin]>>>,
    /// The traits the walked code declares, for the summaries.
    pub(crate) traits: Vec<crate::TraitDecl>,
    /// Its `impl Trait for Type` blocks, for the summaries.
    pub(crate) trait_impls: Vec<crate::TraitImpl>,
    /// The trait impl whose methods are being walked (index into `trait_impls`).
    current_impl: Option<usize>,
}

impl Marks {
    const AWAITED: Marks = Marks {
        awaited: true,
        offloaded: false,
        used: false,
    };
    const OFFLOADED: Marks = Marks {
        awaited: false,
        offloaded: true,
        used: false,
    };
    const USED: Marks = Marks {
        awaited: false,
        offloaded: false,
        used: true,
    };

    /// Both sets of marks.
    fn and(self, other: Marks) -> Marks {
        Marks {
            awaited: self.awaited || other.awaited,
            offloaded: self.offloaded || other.offloaded,
            used: self.used || other.used,
        }
    }
}

/// Strips parentheses and invisible groups.
fn peel(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => return e,
        }
    }
}

impl<'m> Analyzer<'m> {
    pub fn new(
        matcher: &'m Matcher,
        module_path: Vec<String>,
        in_test: bool,
        with_summaries: bool,
    ) -> Self {
        Analyzer {
            matcher,
            scopes: Scopes::default(),
            module_path,
            self_ty: None,
            ctx: Ctx {
                kind: Kind::Sync,
                desc: Rc::from("sync code"),
                in_test,
                awaitable: false,
            },
            depth: 0,
            too_deep: 0,
            macro_depth: 0,
            findings: Findings::default(),
            summaries: with_summaries.then(Summaries::default),
            wrappers: HashSet::new(),
            fields: HashMap::new(),
            returns: HashMap::new(),
            aliases: HashMap::new(),
            methods: HashSet::new(),
            binding_moved: false,
            module_imports: Vec::new(),
            crate_names: None,
            finished_threads: Vec::new(),
            generic_bounds: Vec::new(),
            traits: Vec::new(),
            trait_impls: Vec::new(),
            current_impl: None,
        }
    }

    /// Runs `f` one level deeper, unless the depth cap is reached.
    fn deeper(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.too_deep += 1;
            return;
        }
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    /// Runs `f` in context `ctx`, restoring the current one after.
    fn in_ctx(&mut self, ctx: Ctx, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.ctx, ctx);
        f(self);
        self.ctx = saved;
    }

    /// Visits expressions that a macro (`select!`, `join!`) awaits.
    pub(crate) fn visit_awaited(&mut self, e: &Expr) {
        self.visit_expr_with(e, Marks::AWAITED);
    }

    fn resolve(&self, path: &syn::Path) -> Resolution {
        let segs = path_segments(path);
        self.scopes.resolve(
            &segs,
            path.leading_colon.is_some(),
            &self.module_path,
            self.self_ty.as_deref(),
        )
    }

    fn handle_closure(&mut self, c: &syn::ExprClosure, marks: Marks) {
        let ctx = if c.asyncness.is_some() {
            self.ctx.async_code("async closure")
        } else if marks.offloaded {
            Ctx {
                kind: Kind::Offloaded,
                desc: Rc::from("closure run off the executor"),
                in_test: self.ctx.in_test,
                awaitable: false,
            }
        } else {
            Ctx {
                awaitable: false,
                ..self.ctx.clone()
            }
        };
        self.in_ctx(ctx, |v| {
            v.scopes.push(Scope::default());
            v.bind_params(c.inputs.iter());
            v.visit_expr(&c.body);
            v.scopes.pop();
        });
    }

    /// Walks a fn: its own context, its parameters, its summary.
    fn walk_fn(
        &mut self,
        attrs: &[Attribute],
        sig: &Signature,
        block: &syn::Block,
        owner: FnOwner<'_>,
        poll_of: Option<&str>,
    ) {
        if has_allow_blocking(attrs) || is_never_compiled(attrs) {
            return;
        }
        let in_test = self.ctx.in_test || is_test_code(attrs);
        let name = sig.ident.to_string();
        let ctx = if sig.asyncness.is_some() {
            Ctx {
                kind: Kind::Async,
                desc: Rc::from(format!("async fn `{name}`")),
                in_test,
                awaitable: true,
            }
        } else if let Some(poll) = poll_of.filter(|_| name.starts_with("poll")) {
            Ctx {
                kind: Kind::Async,
                desc: Rc::from(format!("`{name}` of `{poll}`")),
                in_test,
                awaitable: false,
            }
        } else {
            Ctx {
                kind: Kind::Sync,
                desc: Rc::from(format!("fn `{name}`")),
                in_test,
                awaitable: false,
            }
        };
        let returns = if self.summaries.is_some() {
            self.return_paths(&sig.output)
        } else {
            Vec::new()
        };
        if let Some(summaries) = &mut self.summaries {
            let lc = sig.ident.span().start();
            let self_ty = match owner {
                FnOwner::Free => None,
                FnOwner::Impl(ty) => ty,
                FnOwner::Trait(name) => Some(name),
            };
            let mut path = self.module_path.clone();
            path.extend(self_ty.map(str::to_string));
            path.push(name.clone());
            summaries.enter_fn(FnSummary {
                path,
                is_method: !matches!(owner, FnOwner::Free),
                self_ty: self_ty.map(str::to_string),
                is_async: sig.asyncness.is_some(),
                line: lc.line,
                column: lc.column + 1,
                in_test,
                blocking: Vec::new(),
                polled: Vec::new(),
                calls: Vec::new(),
                returns,
                once: Vec::new(),
                offloads_param: false,
                trait_impl: match owner {
                    FnOwner::Impl(_) => self.current_impl,
                    FnOwner::Free | FnOwner::Trait(_) => None,
                },
            });
            summaries.set_params(calls::param_names(sig));
        }
        self.push_generics(&sig.generics);
        self.in_ctx(ctx, |v| {
            v.scopes.push(Scope::default());
            for arg in &sig.inputs {
                match arg {
                    syn::FnArg::Typed(pt) => {
                        let mut origins = Vec::new();
                        v.type_origins(&pt.ty, &mut origins);
                        let stated = !origins.is_empty();
                        v.bind_pat(&pt.pat, Rc::from(origins));
                        if stated {
                            v.mark_stated(&pt.pat);
                        }
                    }
                    syn::FnArg::Receiver(_) => {
                        let origins: Vec<Origin> = v
                            .self_ty
                            .iter()
                            .map(|t| Origin {
                                path: t.join("::"),
                                exact: true,
                            })
                            .collect();
                        if let Some(scope) = v.scopes.innermost() {
                            scope.bind("self".to_string(), Rc::from(origins));
                        }
                    }
                }
            }
            v.visit_block(block);
            v.scopes.pop();
        });
        self.pop_generics();
        if let Some(summaries) = &mut self.summaries {
            summaries.exit_fn();
        }
    }

    /// Visits the items of a module (the file, an inline `mod`, or the attribute's item).
    pub fn visit_module_items(&mut self, items: &[Item]) {
        let scope = Scope::from_items(items, &self.module_path, true);
        if self.summaries.is_some() {
            self.module_imports.extend(scope.imports(&self.module_path));
        }
        self.scopes.push(scope);
        self.learn_types(items);
        for item in items {
            self.visit_item(item);
        }
        self.scopes.pop();
    }

    fn sync_item_ctx(&self, attrs: &[Attribute]) -> Ctx {
        Ctx {
            kind: Kind::Sync,
            desc: Rc::from("item"),
            in_test: self.ctx.in_test || is_test_code(attrs),
            awaitable: false,
        }
    }
}

/// The attributes of the items the walk looks into.
fn item_attrs(item: &Item) -> Option<&[Attribute]> {
    match item {
        Item::Fn(i) => Some(&i.attrs),
        Item::Impl(i) => Some(&i.attrs),
        Item::Mod(i) => Some(&i.attrs),
        Item::Trait(i) => Some(&i.attrs),
        Item::Const(i) => Some(&i.attrs),
        Item::Static(i) => Some(&i.attrs),
        Item::Macro(i) => Some(&i.attrs),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Analyzer<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        if item_attrs(item).is_some_and(is_never_compiled) {
            return;
        }
        self.deeper(|v| match item {
            Item::Fn(f) => v.visit_item_fn(f),
            Item::Impl(i) => v.visit_item_impl(i),
            Item::Mod(m) => v.visit_item_mod(m),
            Item::Trait(t) => {
                if has_allow_blocking(&t.attrs) {
                    return;
                }
                v.record_trait(t);
                let saved = v.self_ty.take();
                let mut ty = vec![CRATE.to_string()];
                ty.extend(v.module_path.iter().cloned());
                ty.push(t.ident.to_string());
                v.self_ty = Some(ty);
                let ctx = v.sync_item_ctx(&t.attrs);
                v.in_ctx(ctx, |v| {
                    for ti in &t.items {
                        if let syn::TraitItem::Fn(f) = ti {
                            if let Some(block) = &f.default {
                                let trait_name = t.ident.to_string();
                                let owner = FnOwner::Trait(&trait_name);
                                v.walk_fn(&f.attrs, &f.sig, block, owner, None);
                            }
                        }
                    }
                });
                v.self_ty = saved;
            }
            Item::Use(_)
            | Item::Struct(_)
            | Item::Enum(_)
            | Item::Union(_)
            | Item::Type(_)
            | Item::ExternCrate(_)
            | Item::TraitAlias(_)
            | Item::ForeignMod(_) => {}
            Item::Macro(m) if !has_allow_blocking(&m.attrs) => {
                let ctx = v.sync_item_ctx(&m.attrs);
                v.in_ctx(ctx, |v| v.visit_macro(&m.mac));
            }
            Item::Const(_) | Item::Static(_) => {
                let attrs = match item {
                    Item::Const(c) => &c.attrs,
                    Item::Static(s) => &s.attrs,
                    _ => return,
                };
                if !has_allow_blocking(attrs) {
                    let ctx = v.sync_item_ctx(attrs);
                    v.in_ctx(ctx, |v| visit::visit_item(v, item));
                }
            }
            _ => {}
        });
    }

    fn visit_item_fn(&mut self, f: &'ast ItemFn) {
        self.walk_fn(&f.attrs, &f.sig, &f.block, FnOwner::Free, None);
    }

    fn visit_item_impl(&mut self, i: &'ast ItemImpl) {
        if has_allow_blocking(&i.attrs) {
            return;
        }
        let name = self_type_name(&i.self_ty);
        let saved = self.self_ty.take();
        self.self_ty = name.as_ref().map(|n| {
            let mut ty = vec![CRATE.to_string()];
            ty.extend(self.module_path.iter().cloned());
            ty.push(n.clone());
            ty
        });
        let poll_of = i.trait_.as_ref().and_then(|(_, path, _)| {
            let t = path.segments.last()?.ident.to_string();
            POLL_TRAITS
                .contains(&t.as_str())
                .then(|| format!("impl {} for {}", t, name.as_deref().unwrap_or("_")))
        });
        let ctx = self.sync_item_ctx(&i.attrs);
        let trait_impl = self.record_trait_impl(i, name.as_deref());
        let saved_impl = std::mem::replace(&mut self.current_impl, trait_impl);
        self.push_generics(&i.generics);
        self.in_ctx(ctx, |v| {
            for item in &i.items {
                if let syn::ImplItem::Fn(f) = item {
                    v.walk_impl_fn(f, name.as_deref(), poll_of.as_deref());
                }
            }
        });
        self.pop_generics();
        self.current_impl = saved_impl;
        self.self_ty = saved;
    }

    fn visit_item_mod(&mut self, m: &'ast ItemMod) {
        if has_allow_blocking(&m.attrs) {
            return;
        }
        let Some((_, items)) = &m.content else {
            return;
        };
        let ctx = self.sync_item_ctx(&m.attrs);
        self.module_path.push(m.ident.to_string());
        let saved_ty = self.self_ty.take();
        self.in_ctx(ctx, |v| v.visit_module_items(items));
        self.self_ty = saved_ty;
        self.module_path.pop();
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.deeper(|v| {
            let items = b.stmts.iter().filter_map(|s| match s {
                Stmt::Item(i) => Some(i),
                _ => None,
            });
            v.scopes
                .push(Scope::from_items(items, &v.module_path, false));
            for (i, stmt) in b.stmts.iter().enumerate() {
                if let Stmt::Local(l) = stmt {
                    v.binding_moved = drops::moved_later(&l.pat, &b.stmts[i + 1..]);
                }
                v.visit_stmt(stmt);
            }
            v.scopes.pop();
        });
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        match s {
            Stmt::Local(l) => {
                if has_allow_blocking(&l.attrs) {
                    return;
                }
                let stated = self.let_is_stated(l);
                let mut origins = Vec::new();
                if let Some(init) = &l.init {
                    // `let deadline = sleep(d);` keeps the value: a future, not `()`.
                    let marks = if matches!(l.pat, Pat::Wild(_)) {
                        Marks::default()
                    } else {
                        Marks::USED
                    };
                    self.visit_expr_with(&init.expr, marks);
                    if let Some((_, diverge)) = &init.diverge {
                        self.visit_expr(diverge);
                    }
                    self.origins(&init.expr, &mut origins, 0);
                    self.binding_drop(&l.pat, &init.expr);
                }
                if let Pat::Type(pt) = &l.pat {
                    self.type_origins(&pt.ty, &mut origins);
                }
                self.bind_pat(&l.pat, Rc::from(origins));
                if stated {
                    self.mark_stated(&l.pat);
                }
                if let (Some(init), false) = (&l.init, matches!(l.pat, Pat::Type(_))) {
                    self.mark_reshaped(&l.pat, &init.expr);
                }
            }
            Stmt::Item(i) => self.visit_item(i),
            Stmt::Expr(e, _) => self.visit_expr(e),
            Stmt::Macro(m) => {
                if !has_allow_blocking(&m.attrs) {
                    self.visit_macro(&m.mac);
                }
            }
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        self.visit_expr_with(e, Marks::default());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.depth >= MAX_DEPTH {
            self.too_deep += 1;
            return;
        }
        macros::visit_macro_body(self, mac);
    }

    // Types and patterns hold no calls worth checking; not descending into them keeps
    // the walk fast and shallow.
    fn visit_type(&mut self, _: &'ast syn::Type) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
    fn visit_attribute(&mut self, _: &'ast Attribute) {}
}

impl Analyzer<'_> {
    /// Visits `e`, whose value its parent marked with `marks` (parentheses and invisible
    /// groups pass them on to what they hold).
    fn visit_expr_with(&mut self, e: &Expr, marks: Marks) {
        self.deeper(|v| {
            if expr_attrs(e).is_some_and(|attrs| has_allow_blocking(attrs)) {
                return;
            }
            match e {
                Expr::Await(a) => v.visit_expr_with(&a.base, Marks::AWAITED),
                Expr::Paren(p) => v.visit_expr_with(&p.expr, marks),
                Expr::Group(g) => v.visit_expr_with(&g.expr, marks),
                Expr::Call(c) => v.handle_call(e, c, marks),
                Expr::MethodCall(m) => v.handle_method(e, m, marks),
                Expr::Closure(c) => v.handle_closure(c, marks),
                Expr::Async(a) => {
                    let ctx = v.ctx.async_code("async block");
                    v.in_ctx(ctx, |v| v.visit_block(&a.block));
                }
                Expr::Macro(m) => v.visit_macro(&m.mac),
                Expr::Struct(s) => {
                    v.learn_struct_literal(s);
                    visit::visit_expr(v, e);
                }
                Expr::If(i) => {
                    // `if let Ok(stream) = listener.accept()`: the bindings hold in
                    // the then-branch.
                    let finished = finished_threads::finished_by(&i.cond);
                    let outer = v.finished_threads.len();
                    let mut taken = Vec::new();
                    v.finished_let_bindings(&i.cond, &mut taken, 0);
                    v.finished_threads.extend(taken);
                    v.visit_expr(&i.cond);
                    v.scopes.push(Scope::default());
                    v.bind_lets(&i.cond, 0);
                    let lets = v.finished_threads.len();
                    v.finished_threads.extend(finished.when_true);
                    v.visit_block(&i.then_branch);
                    v.finished_threads.truncate(lets);
                    v.scopes.pop();
                    v.finished_threads.truncate(outer);
                    if let Some((_, e)) = &i.else_branch {
                        v.finished_threads.extend(finished.when_false);
                        v.visit_expr(e);
                        v.finished_threads.truncate(outer);
                    }
                }
                Expr::Match(m) => {
                    v.visit_expr(&m.expr);
                    let mut origins = Vec::new();
                    v.origins(&m.expr, &mut origins, 0);
                    let origins: Rc<[Origin]> = Rc::from(origins);
                    for arm in m.arms.iter().filter(|a| !has_allow_blocking(&a.attrs)) {
                        v.scopes.push(Scope::default());
                        v.bind_pat(&arm.pat, origins.clone());
                        v.mark_reshaped(&arm.pat, &m.expr);
                        if let Some((_, guard)) = &arm.guard {
                            v.visit_expr(guard);
                        }
                        v.visit_expr(&arm.body);
                        v.scopes.pop();
                    }
                }
                Expr::While(w) => {
                    v.visit_expr(&w.cond);
                    v.scopes.push(Scope::default());
                    v.bind_lets(&w.cond, 0);
                    v.visit_block(&w.body);
                    v.scopes.pop();
                }
                Expr::ForLoop(f) => {
                    // `for conn in listener.incoming()`: the loop variable comes from
                    // the iterated value.
                    v.visit_expr(&f.expr);
                    let at = (f.for_token.span, f.in_token.span);
                    v.iterator_steps(&f.expr, true, "for .. in ..".to_string(), at);
                    let mut origins = Vec::new();
                    v.origins(&f.expr, &mut origins, 0);
                    v.scopes.push(Scope::default());
                    v.bind_pat(&f.pat, Rc::from(origins));
                    v.mark_reshaped(&f.pat, &f.expr);
                    v.visit_block(&f.body);
                    v.scopes.pop();
                }
                _ => visit::visit_expr(v, e),
            }
        });
    }

    fn walk_impl_fn(&mut self, f: &ImplItemFn, self_ty: Option<&str>, poll_of: Option<&str>) {
        let owner = FnOwner::Impl(self_ty);
        self.walk_fn(&f.attrs, &f.sig, &f.block, owner, poll_of);
    }

    /// Looks up `segs` through the scopes (for the macro token scan).
    pub(crate) fn resolve_segments(&self, segs: &[String], leading_colon: bool) -> Resolution {
        self.scopes.resolve(
            segs,
            leading_colon,
            &self.module_path,
            self.self_ty.as_deref(),
        )
    }
}
