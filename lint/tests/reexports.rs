//! Calls written through re-exports reach the fn they name, across files and crates:
//! `pub use path::*`, `pub use path::Item as Alias`, `pub(crate) use` chains, `use
//! super::*` / `use crate::m::*` globs; an explicit item or import shadows a glob, import
//! cycles terminate, and a name several `use` items bind (cfg alternatives) is not
//! followed. Each shape has look-alikes that must stay unreported.

mod support;

use support::{workspace_of, Src};

/// The (file, line, resolved, blocking API) of every finding of the workspace of
/// `files`; `crates` names the library crates by unit.
fn found(files: &[Src<'_>], crates: &[(&str, usize)]) -> Vec<(String, usize, String, String)> {
    workspace_of(files, crates)
        .into_iter()
        .map(|f| {
            let api = f.blocking_api().to_string();
            (f.file, f.line, f.resolved, api)
        })
        .collect()
}

fn row(file: &str, line: usize, resolved: &str, api: &str) -> (String, usize, String, String) {
    (
        file.to_string(),
        line,
        resolved.to_string(),
        api.to_string(),
    )
}

const STORE: &str = "pub fn read_all() -> Vec<u8> { std::fs::read(\"db\").unwrap() }\n\
                     pub fn peek() -> u8 { 0 }";

#[test]
fn glob_reexports_reach_the_real_fn() {
    let lib = "mod store;\npub mod api;\nasync fn run() {\n    api::read_all();\n}";
    let api = "pub use crate::store::*;";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/api.rs", &["api"], api),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert_eq!(
        found(&files, &[]),
        [row("src/lib.rs", 4, "store::read_all", "std::fs::read")]
    );
}

#[test]
fn glob_reexports_of_fns_that_do_not_block_are_not_reported() {
    // The glob provides `peek`, which does not block, and no `missing` at all.
    let lib =
        "mod store;\npub mod api;\nasync fn run() {\n    api::peek();\n    api::missing();\n}";
    let api = "pub use crate::store::*;";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/api.rs", &["api"], api),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert!(found(&files, &[]).is_empty());
}

#[test]
fn renamed_reexports_and_pub_crate_chains_are_followed() {
    // `api::load` -> `pub(crate) use crate::mid::fetch as load` -> `mid` re-exports
    // `store::read_all` as `fetch`.
    let lib = "mod store;\nmod mid;\nmod api;\nasync fn run() {\n    api::load();\n}";
    let api = "pub(crate) use crate::mid::fetch as load;";
    let mid = "pub(crate) use crate::store::read_all as fetch;";
    let files: [Src<'_>; 4] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/api.rs", &["api"], api),
        (0, "src/mid.rs", &["mid"], mid),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert_eq!(
        found(&files, &[]),
        [row("src/lib.rs", 5, "store::read_all", "std::fs::read")]
    );
}

#[test]
fn renamed_reexports_of_another_fn_are_not_confused() {
    // `api::read_all` is an alias of `peek`: the name matches the blocking fn, the
    // re-export does not.
    let lib = "mod store;\nmod api;\nasync fn run() {\n    api::read_all();\n}";
    let api = "pub use crate::store::peek as read_all;";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/api.rs", &["api"], api),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert!(found(&files, &[]).is_empty());
}

#[test]
fn explicit_items_shadow_globs() {
    // `api` defines its own `read_all`, which does not block; the glob's is hidden.
    let lib = "mod store;\nmod api;\nasync fn run() {\n    api::read_all();\n}";
    let api = "pub use crate::store::*;\npub fn read_all() -> Vec<u8> { Vec::new() }";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/api.rs", &["api"], api),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert!(found(&files, &[]).is_empty());
    // An explicit import shadows the glob too: `read_all` is `quiet::read_all`.
    let api = "pub use crate::store::*;\npub use crate::quiet::read_all;";
    let quiet = "pub fn read_all() -> Vec<u8> { Vec::new() }";
    let files: [Src<'_>; 4] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/api.rs", &["api"], api),
        (0, "src/store.rs", &["store"], STORE),
        (0, "src/quiet.rs", &["quiet"], quiet),
    ];
    assert!(found(&files, &[]).is_empty());
}

#[test]
fn super_globs_see_the_parent_files_imports() {
    // `handlers.rs` does `use super::*;`, and the crate root imports `read_all`.
    let lib = "mod store;\nmod handlers;\nuse crate::store::read_all;";
    let handlers = "use super::*;\nasync fn get() {\n    read_all();\n}";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/handlers.rs", &["handlers"], handlers),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert_eq!(
        found(&files, &[]),
        [row(
            "src/handlers.rs",
            3,
            "store::read_all",
            "std::fs::read"
        )]
    );
}

#[test]
fn super_globs_without_the_name_are_not_reported() {
    // The parent imports `peek` only; `read_all` here is some other fn.
    let lib = "mod store;\nmod handlers;\nuse crate::store::peek;";
    let handlers = "use super::*;\nasync fn get() {\n    read_all();\n    peek();\n}";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/handlers.rs", &["handlers"], handlers),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert!(found(&files, &[]).is_empty());
}

#[test]
fn types_reexported_by_another_crate_resolve_their_methods() {
    // `repo::Manager` is `repo::db::conn::Manager` through two globs; the typed field
    // `self.manager` resolves `connection` on it, though another type of the workspace
    // has a `connection` method that does not block.
    let repo_lib = "pub mod db;\npub use self::db::*;";
    let repo_db = "pub mod conn;\npub use conn::*;";
    let repo_conn = "pub struct Manager;\nimpl Manager {\n    pub fn connection(&self) { std::thread::sleep(d) }\n}";
    let app = "use repo::Manager;\nstruct Loader { manager: Manager }\nstruct Other;\n\
               impl Other { fn connection(&self) {} }\n\
               impl Loader {\n    async fn load(&self) {\n        self.manager.connection();\n    }\n}";
    let files: [Src<'_>; 4] = [
        (1, "repo/src/lib.rs", &[], repo_lib),
        (1, "repo/src/db/mod.rs", &["db"], repo_db),
        (1, "repo/src/db/conn.rs", &["db", "conn"], repo_conn),
        (0, "app/src/main.rs", &[], app),
    ];
    assert_eq!(
        found(&files, &[("repo", 1)]),
        [row(
            "app/src/main.rs",
            7,
            "repo::db::conn::Manager::connection",
            "std::thread::sleep"
        )]
    );
}

#[test]
fn reexported_types_whose_method_does_not_block_are_not_reported() {
    // Same shape, but the re-exported `Manager`'s `connection` is clean while the other
    // type's blocks: the receiver's type decides, not the name.
    let repo_lib = "pub mod db;\npub use self::db::*;";
    let repo_db = "pub mod conn;\npub use conn::*;";
    let repo_conn = "pub struct Manager;\nimpl Manager {\n    pub fn connection(&self) {}\n}";
    let app = "use repo::Manager;\nstruct Loader { manager: Manager }\nstruct Other;\n\
               impl Other { fn connection(&self) { std::thread::sleep(d) } }\n\
               impl Loader {\n    async fn load(&self) {\n        self.manager.connection();\n    }\n}";
    let files: [Src<'_>; 4] = [
        (1, "repo/src/lib.rs", &[], repo_lib),
        (1, "repo/src/db/mod.rs", &["db"], repo_db),
        (1, "repo/src/db/conn.rs", &["db", "conn"], repo_conn),
        (0, "app/src/main.rs", &[], app),
    ];
    assert!(found(&files, &[("repo", 1)]).is_empty());
}

#[test]
fn cross_crate_renamed_reexports_are_followed() {
    let core_lib = "mod store;\npub use store::read_all as load_everything;";
    let app = "async fn main() {\n    my_core::load_everything();\n}";
    let files: [Src<'_>; 3] = [
        (1, "core/src/lib.rs", &[], core_lib),
        (1, "core/src/store.rs", &["store"], STORE),
        (0, "app/src/main.rs", &[], app),
    ];
    assert_eq!(
        found(&files, &[("my_core", 1)]),
        [row(
            "app/src/main.rs",
            2,
            "my_core::store::read_all",
            "std::fs::read"
        )]
    );
}

#[test]
fn import_cycles_terminate_and_report_nothing() {
    let lib = "mod a;\nmod b;\nasync fn run() {\n    a::read_all();\n}";
    let a = "pub use crate::b::*;";
    let b = "pub use crate::a::*;";
    let files: [Src<'_>; 3] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/a.rs", &["a"], a),
        (0, "src/b.rs", &["b"], b),
    ];
    assert!(found(&files, &[]).is_empty());
    // A cycle with a real fn behind one of its globs still reaches it.
    let b = "pub use crate::a::*;\npub use crate::store::*;";
    let files: [Src<'_>; 4] = [
        (
            0,
            "src/lib.rs",
            &[],
            "mod a;\nmod b;\nmod store;\nasync fn run() {\n    a::read_all();\n}",
        ),
        (0, "src/a.rs", &["a"], a),
        (0, "src/b.rs", &["b"], b),
        (0, "src/store.rs", &["store"], STORE),
    ];
    assert_eq!(
        found(&files, &[]),
        [row("src/lib.rs", 5, "store::read_all", "std::fs::read")]
    );
}

#[test]
fn names_bound_under_alternative_cfgs_are_not_followed() {
    // As rust-ibapi does: `Client` is the async client or the sync one, by feature.
    let lib = "mod client;\npub use client::Client;";
    let client = "pub mod r#async;\npub mod sync;\n\
                  #[cfg(feature = \"async\")]\npub use r#async::Client;\n\
                  #[cfg(all(feature = \"sync\", not(feature = \"async\")))]\npub use sync::Client;";
    let a = "pub struct Client;\nimpl Client { pub async fn connect() {} }";
    let s =
        "pub struct Client;\nimpl Client { pub fn connect() { std::net::TcpStream::connect(a); } }";
    let app = "use ibapi::Client;\nasync fn main() {\n    Client::connect();\n}";
    let files: [Src<'_>; 5] = [
        (1, "src/lib.rs", &[], lib),
        (1, "src/client/mod.rs", &["client"], client),
        (1, "src/client/async.rs", &["client", "async"], a),
        (1, "src/client/sync.rs", &["client", "sync"], s),
        (0, "examples/a.rs", &[], app),
    ];
    assert!(found(&files, &[("ibapi", 1)]).is_empty());
    // With one `use` the name is followed (to the sync client here).
    let client = "pub mod sync;\npub use sync::Client;";
    let files: [Src<'_>; 4] = [
        (1, "src/lib.rs", &[], lib),
        (1, "src/client/mod.rs", &["client"], client),
        (1, "src/client/sync.rs", &["client", "sync"], s),
        (0, "examples/a.rs", &[], app),
    ];
    assert_eq!(
        found(&files, &[("ibapi", 1)]),
        [row(
            "examples/a.rs",
            3,
            "ibapi::client::sync::Client::connect",
            "std::net::TcpStream::connect"
        )]
    );
}

#[test]
fn an_awaited_path_that_globs_bring_as_sync_and_async_fns_is_the_async_one() {
    // As rust-ibapi does: `historical::cancel` is the async fn or the sync one, by
    // feature, both through globs (the sync glob first); the async client awaits it.
    let historical = "pub mod r#async;\npub mod sync;\n\
                      #[cfg(all(feature = \"sync\", not(feature = \"async\")))]\npub use sync::*;\n\
                      #[cfg(feature = \"async\")]\npub use r#async::*;";
    let a = "pub async fn cancel() {}";
    let s = "pub fn cancel() { std::fs::write(\"rec\", b\"x\").unwrap(); }";
    let lib = "pub mod historical;\n\
               pub async fn awaited() {\n    historical::cancel().await;\n}\n\
               pub async fn sync_by_its_module() {\n    historical::sync::cancel();\n}";
    let files: [Src<'_>; 4] = [
        (0, "src/lib.rs", &[], lib),
        (0, "src/historical/mod.rs", &["historical"], historical),
        (0, "src/historical/async.rs", &["historical", "async"], a),
        (0, "src/historical/sync.rs", &["historical", "sync"], s),
    ];
    // The awaited call is the async fn; the call written through `sync` is the sync one.
    assert_eq!(
        found(&files, &[]),
        [row(
            "src/lib.rs",
            6,
            "historical::sync::cancel",
            "std::fs::write"
        )]
    );
}
