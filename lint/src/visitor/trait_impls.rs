//! The traits a file declares and its `impl Trait for Type` blocks, for the summary
//! (see [`crate::TraitImpl`]): the call graph dispatches a call on `&dyn Trait`,
//! `impl Trait` or a `T: Trait` receiver to them.

use syn::{ImplItem, ItemImpl, ItemTrait, TraitItem};

use super::Analyzer;
use crate::resolve::Resolution;
use crate::test_code::is_test_code;
use crate::trait_impls::{is_std_trait, TraitDecl, TraitImpl};

impl Analyzer<'_> {
    /// Records trait `t` of the current module.
    pub(super) fn record_trait(&mut self, t: &ItemTrait) {
        if self.summaries.is_none() {
            return;
        }
        let mut path = self.module_path.clone();
        path.push(t.ident.to_string());
        let methods = t
            .items
            .iter()
            .filter_map(|item| match item {
                TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        self.traits.push(TraitDecl::new(path, methods));
    }

    /// Records `i` when it implements a trait (not one of `std`): its index in the
    /// file's impls, for the summaries of its methods.
    pub(super) fn record_trait_impl(
        &mut self,
        i: &ItemImpl,
        self_ty: Option<&str>,
    ) -> Option<usize> {
        self.summaries.as_ref()?;
        let (_, path, _) = i.trait_.as_ref()?;
        let trait_path = match self.resolve(path) {
            Resolution::Absolute(p) => p.join("::"),
            Resolution::Unknown(w) | Resolution::Glob(_, w) => w.join("::"),
            Resolution::Local => return None,
        };
        if is_std_trait(&trait_path) {
            return None;
        }
        let methods = i
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        let in_test = self.ctx.in_test || is_test_code(&i.attrs);
        self.trait_impls
            .push(TraitImpl::new(&trait_path, self_ty, methods, in_test));
        Some(self.trait_impls.len() - 1)
    }
}
