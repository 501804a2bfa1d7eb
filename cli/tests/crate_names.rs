//! `cargo blockwatch` walks again the files whose names another file of their crate
//! explains (a parent's imports through `use super::*;`, an alias declared elsewhere).

mod common;

use common::{findings, json_in, write, Scratch};

#[test]
fn a_parents_import_and_another_files_alias_reach_the_receivers_type() {
    let scratch = Scratch::new("crate-names");
    let dir = scratch.path();
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"names\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir,
        "src/main.rs",
        "mod exporter;\nmod repo;\nuse reqwest::blocking::Client;\n\
         pub type DbPool = r2d2::Pool<r2d2::ConnectionManager<Pg>>;\nfn main() {}\n",
    );
    write(
        dir,
        "src/exporter/mod.rs",
        "use super::*;\nstruct State { client: Client }\n\
         async fn proxy(s: State) {\n    let _ = s.client.get(\"u\").send();\n}\n",
    );
    write(
        dir,
        "src/repo.rs",
        "use crate::DbPool;\nstruct Repo { pool: DbPool }\n\
         async fn all(r: Repo) {\n    let _c = r.pool.get();\n}\n\
         struct Other { pool: bb8::Pool<M> }\nasync fn quiet(o: Other) {\n    let _c = o.pool.get();\n}\n",
    );
    let (_, report) = json_in(dir, &[]);
    assert_eq!(
        findings(&report),
        [
            (
                "src/exporter/mod.rs".into(),
                4,
                "http".into(),
                "reqwest::blocking::RequestBuilder::send".into()
            ),
            (
                "src/repo.rs".into(),
                4,
                "db".into(),
                "r2d2::Pool::get".into()
            ),
        ]
    );
}
