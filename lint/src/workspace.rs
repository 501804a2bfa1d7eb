//! The crate and module model of a workspace: which packages and crate roots its
//! manifests declare ([`load_manifest`]), and where each source file sits in its crate,
//! following `mod` declarations from the roots as rustc does ([`resolve_modules`]).
//!
//! Everything here is plain data and file-system reads; a front end decides which
//! directories to read and hands the parsed files' [`mod_decls`] back.

mod dependencies;
mod manifest;
mod modules;

pub use manifest::{load_manifest, normalize, Loaded, ManifestError, Package, Target, TargetKind};
pub use modules::{
    location_module_path, mod_decls, resolve_module_placements, resolve_modules, ModDecl,
    Placement, Root, MAX_PLACEMENTS,
};
