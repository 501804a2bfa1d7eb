//! Names a file cannot resolve alone: imports a glob of a parent module in another file
//! brings in (private ones included), and type aliases declared in another file. The
//! crate's files are summarized once, indexed ([`CrateNames`]), and the files the index
//! helps are summarized again with it, as `cargo blockwatch` does.

use blockwatch_lint::{summarize_file, summarize_file_in_crate, Config, CrateNames};

/// A file of the crate: (path, module path, source).
type File<'a> = (&'a str, &'a [&'a str], &'a str);

/// `(file, line, resolved)` of the direct findings of the crate of `files`, after the
/// second walk of the files the crate's names help.
fn findings(files: &[File<'_>]) -> Vec<(String, usize, String)> {
    let config = Config::default();
    let parsed: Vec<(syn::File, Vec<String>)> = files
        .iter()
        .map(|(_, module, src)| {
            let file: syn::File = syn::parse_str(src)
                .unwrap_or_else(|e| panic!("test source does not parse: {e}\n{src}"));
            (file, module.iter().map(|s| s.to_string()).collect())
        })
        .collect();
    let first: Vec<_> = parsed
        .iter()
        .zip(files)
        .map(|((file, module), (path, ..))| summarize_file(file, path, module, false, &config))
        .collect();
    let names = CrateNames::new(&first);
    let mut out = Vec::new();
    for (((file, module), (path, ..)), summary) in parsed.iter().zip(files).zip(&first) {
        let summary = if names.helps(summary) {
            summarize_file_in_crate(file, path, module, false, &config, Some(&names))
        } else {
            summary.clone()
        };
        out.extend(
            summary
                .findings
                .into_iter()
                .map(|f| (f.file, f.line, f.resolved)),
        );
    }
    out
}

fn at(file: &str, line: usize, resolved: &str) -> (String, usize, String) {
    (file.to_string(), line, resolved.to_string())
}

const HANDLER: &str = "use super::*;
struct AppState { client: Client }
async fn msgpack(state: AppState) {
    let _ = state.client.get(\"http://agent\").send();
}
";

const POOL_USER: &str = "use crate::DbPool;
struct Repo { pool: actix_web::web::Data<DbPool> }
impl Repo {
    async fn all(&self) {
        let _c = self.pool.get();
    }
}
";

#[test]
fn a_glob_of_the_parent_module_brings_in_its_private_imports() {
    let main = "mod exporter;\nuse reqwest::blocking::Client;\n";
    assert_eq!(
        findings(&[
            ("src/main.rs", &[], main),
            ("src/exporter/mod.rs", &["exporter"], HANDLER),
        ]),
        [at(
            "src/exporter/mod.rs",
            4,
            "reqwest::blocking::RequestBuilder::send"
        )]
    );
}

#[test]
fn a_glob_of_a_grandparent_through_a_reexported_import_is_followed() {
    let main = "mod a;\nuse reqwest::blocking as http;\npub use http::Client;\n";
    let a = "mod exporter;\n";
    assert_eq!(
        findings(&[
            ("src/main.rs", &[], main),
            ("src/a.rs", &["a"], a),
            (
                "src/a/exporter.rs",
                &["a", "exporter"],
                &HANDLER.replace("super::*", "crate::*")
            ),
        ]),
        [at(
            "src/a/exporter.rs",
            4,
            "reqwest::blocking::RequestBuilder::send"
        )]
    );
}

#[test]
fn an_alias_declared_in_another_file_is_seen_through() {
    let lib = "mod repo;\nuse diesel::{r2d2, PgConnection};\n\
               pub type DbPool = r2d2::Pool<r2d2::ConnectionManager<PgConnection>>;\n";
    assert_eq!(
        findings(&[
            ("src/lib.rs", &[], lib),
            ("src/repo.rs", &["repo"], POOL_USER)
        ]),
        [at("src/repo.rs", 5, "r2d2::Pool::get")]
    );
}

#[test]
fn an_alias_reached_through_a_glob_of_another_module_is_seen_through() {
    let lib = "mod db;\nmod repo;\n";
    let db = "pub type DbPool = r2d2::Pool<r2d2::ConnectionManager<Pg>>;\n";
    let user = POOL_USER.replace("use crate::DbPool;", "use crate::db::*;");
    assert_eq!(
        findings(&[
            ("src/lib.rs", &[], lib),
            ("src/db.rs", &["db"], db),
            ("src/repo.rs", &["repo"], &user),
        ]),
        [at("src/repo.rs", 5, "r2d2::Pool::get")]
    );
}

#[test]
fn the_async_client_of_the_parent_stays_clean() {
    let main = "mod exporter;\nuse reqwest::Client;\n";
    assert_eq!(
        findings(&[
            ("src/main.rs", &[], main),
            ("src/exporter/mod.rs", &["exporter"], HANDLER),
        ]),
        []
    );
}

#[test]
fn a_child_module_that_defines_its_own_client_is_not_the_parents() {
    let main = "mod exporter;\nuse reqwest::blocking::Client;\n";
    let own = format!("{HANDLER}struct Client;\nimpl Client {{ fn get(&self, _: &str) -> Self {{ Client }} fn send(&self) {{}} }}\n");
    assert_eq!(
        findings(&[
            ("src/main.rs", &[], main),
            ("src/exporter/mod.rs", &["exporter"], &own),
        ]),
        []
    );
}

#[test]
fn a_child_module_that_imports_another_client_is_not_the_parents() {
    let main = "mod exporter;\nuse reqwest::blocking::Client;\n";
    let own = HANDLER.replace("use super::*;", "use super::*;\nuse awc::Client;");
    assert_eq!(
        findings(&[
            ("src/main.rs", &[], main),
            ("src/exporter/mod.rs", &["exporter"], &own),
        ]),
        []
    );
}

#[test]
fn a_sibling_without_a_glob_does_not_see_the_parents_imports() {
    let main = "mod exporter;\nuse reqwest::blocking::Client;\n";
    let no_glob = HANDLER.replace("use super::*;", "use crate::other::Thing;");
    assert_eq!(
        findings(&[
            ("src/main.rs", &[], main),
            ("src/exporter/mod.rs", &["exporter"], &no_glob),
        ]),
        []
    );
}

#[test]
fn an_alias_of_an_async_pool_in_another_file_stays_clean() {
    let lib =
        "mod repo;\npub type DbPool = bb8::Pool<bb8_postgres::PostgresConnectionManager<NoTls>>;\n";
    assert_eq!(
        findings(&[
            ("src/lib.rs", &[], lib),
            ("src/repo.rs", &["repo"], POOL_USER)
        ]),
        []
    );
}

#[test]
fn imports_that_loop_between_modules_end_without_a_meaning() {
    let lib = "mod a;\nmod b;\n";
    let a = "pub use crate::b::DbPool;\n";
    let b = "pub use crate::a::DbPool;\n";
    assert_eq!(
        findings(&[
            ("src/lib.rs", &[], lib),
            ("src/a.rs", &["a"], a),
            ("src/b.rs", &["b"], b),
            ("src/repo.rs", &["repo"], POOL_USER),
        ]),
        []
    );
}

#[test]
fn only_files_whose_imports_reach_another_files_names_are_walked_again() {
    let config = Config::default();
    let summary = |src: &str, path: &str, module: &[&str]| {
        let file: syn::File = syn::parse_str(src).unwrap();
        let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
        summarize_file(&file, path, &module, false, &config)
    };
    let main = summary(
        "mod exporter;\nmod quiet;\nuse reqwest::blocking::Client;\n",
        "src/main.rs",
        &[],
    );
    let child = summary(HANDLER, "src/exporter/mod.rs", &["exporter"]);
    // A glob of its own inline parent: the walk already sees that module's names.
    let inline = summary(
        "use std::fs::File;\nmod tests { use super::*; }\n",
        "src/quiet.rs",
        &["quiet"],
    );
    let names = CrateNames::new([&main, &child, &inline]);
    assert!(names.helps(&child));
    assert!(!names.helps(&main));
    assert!(!names.helps(&inline));
    assert_eq!(
        names.lookup("crate::quiet::File"),
        Some(&["std::fs::File".to_string()][..])
    );
    assert_eq!(names.lookup("crate::exporter"), None);
}
