//! What a file says about traits, for dispatch through `&dyn Trait`, `impl Trait` and
//! generic bounds (`T: Store`): the traits it declares and its `impl Trait for Type`
//! blocks, each with the methods it defines itself (the others are the trait's defaults).
//! The call graph turns them into the set of impls a call may run
//! (`callgraph/trait_dispatch.rs`).

/// A trait a file declares.
///
/// ```
/// let file: syn::File = syn::parse_str("mod db { pub trait Store { fn load(&self); } }").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
/// assert_eq!(s.traits[0].path, ["db", "Store"]);
/// assert_eq!(s.traits[0].methods, ["load"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TraitDecl {
    /// Its module path and name (`["db", "Store"]`).
    pub path: Vec<String>,
    /// The methods it declares, with or without a default body.
    pub methods: Vec<String>,
}

impl TraitDecl {
    /// A trait record.
    ///
    /// ```
    /// let t = blockwatch_lint::TraitDecl::new(vec!["Store".into()], vec!["load".into()]);
    /// assert!(t.declares("load"));
    /// ```
    pub fn new(path: Vec<String>, methods: Vec<String>) -> Self {
        TraitDecl { path, methods }
    }

    /// Whether the trait declares method `name`.
    pub fn declares(&self, name: &str) -> bool {
        self.methods.iter().any(|m| m == name)
    }
}

/// One `impl Trait for Type` block of a file.
///
/// ```
/// let file: syn::File = syn::parse_str(
///     "trait Store { fn load(&self); fn name(&self) {} }\n\
///      struct Disk; impl Store for Disk { fn load(&self) {} }").unwrap();
/// let s = blockwatch_lint::summarize_file(&file, "src/lib.rs", &[], false, &Default::default());
/// assert_eq!(s.traits[0].path, ["Store"]);
/// let imp = &s.trait_impls[0];
/// assert_eq!((imp.trait_path.as_str(), imp.self_ty.as_deref()), ("crate::Store", Some("Disk")));
/// assert_eq!(imp.methods, ["load"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TraitImpl {
    /// The trait's path as resolved in the impl's module (`crate::store::Store`,
    /// `dep::Store`), or as written when nothing resolved it.
    pub trait_path: String,
    /// The name of the impl's self type (`Disk` for `impl Store for Disk<T>`).
    pub self_ty: Option<String>,
    /// The methods the impl defines; any other method of the trait is its default.
    pub methods: Vec<String>,
    /// The impl is test code (`#[cfg(test)]`, in a test module or file).
    pub in_test: bool,
}

impl TraitImpl {
    /// An impl record.
    ///
    /// ```
    /// let imp = blockwatch_lint::TraitImpl::new("crate::Store", Some("Disk"), vec!["load".into()], false);
    /// assert!(imp.defines("load"));
    /// assert!(!imp.defines("name"));
    /// ```
    pub fn new(
        trait_path: &str,
        self_ty: Option<&str>,
        methods: Vec<String>,
        in_test: bool,
    ) -> Self {
        TraitImpl {
            trait_path: trait_path.to_string(),
            self_ty: self_ty.map(str::to_string),
            methods,
            in_test,
        }
    }

    /// Whether the impl defines method `name` itself (else the trait's default runs).
    pub fn defines(&self, name: &str) -> bool {
        self.methods.iter().any(|m| m == name)
    }
}

/// Traits of the standard library: their impls are left out of a file's summary, since
/// no workspace or dependency trait dispatch ever reaches them and a dependency's cache
/// would only grow by them.
pub(crate) fn is_std_trait(path: &str) -> bool {
    ["std::", "core::", "alloc::"]
        .iter()
        .any(|p| path.starts_with(p))
}
