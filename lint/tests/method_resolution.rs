//! Method calls resolved by the receiver's type in the workspace call graph: `self` in
//! an impl, typed parameters and fields, constructors, aliases, wrappers a receiver
//! derefs through; `#[cfg(test)]` impls seen only from test code; receivers built from
//! foreign types not matched to a workspace method of another type. Each shape has
//! look-alikes that must stay unreported.

mod support;

use support::{workspace_of, Src};

/// The (line, resolved) of every finding of the workspace of `files`; `crates` names the
/// library crates by unit.
fn found(files: &[Src<'_>], crates: &[(&str, usize)]) -> Vec<(usize, String)> {
    workspace_of(files, crates)
        .into_iter()
        .map(|f| (f.line, f.resolved))
        .collect()
}

fn one(src: &str) -> Vec<(usize, String)> {
    found(&[(0, "src/lib.rs", &[], src)], &[])
}

/// Two types with a `post` method, one async: `self.post()` in the sync one's impl is
/// that impl's method.
const TWO_POSTS: &str = "
struct Gh; struct Mock;
impl Gh {
    fn post(&self) { std::process::Command::new(\"gh\").output(); }
    async fn send(&self) {
        self.post();
    }
}
impl Mock { async fn post(&self) {} }
";

#[test]
fn self_receivers_resolve_to_their_impl() {
    assert_eq!(one(TWO_POSTS), [(6, "Gh::post".to_string())]);
}

#[test]
fn self_receivers_of_the_other_impl_are_not_reported() {
    // `self` is a `Mock` here, whose `post` is async: nothing blocks.
    let src = "
struct Gh; struct Mock;
impl Gh { fn post(&self) { std::process::Command::new(\"gh\").output(); } }
impl Mock {
    async fn post(&self) {}
    async fn send(&self) { self.post().await; }
}
";
    assert!(one(src).is_empty());
    // The sync `post` of `Gh` does not block: nothing to report on `self.post()`.
    let clean = "
struct Gh; struct Mock;
impl Gh { fn post(&self) {} async fn send(&self) { self.post(); } }
impl Mock { fn post(&self) { std::thread::sleep(d); } }
";
    assert!(one(clean).is_empty());
}

#[test]
fn typed_parameters_and_fields_resolve_through_wrappers() {
    let src = "
pub struct Db; pub struct Cache;
impl Db { pub fn query(&self) { std::fs::read(\"db\"); } }
impl Cache { pub fn query(&self) {} }
struct App { db: std::sync::Arc<Db> }
impl App {
    async fn handler(&self) {
        self.db.query();
    }
}
async fn param(db: axum::extract::State<Db>) {
    db.query();
}
async fn built() {
    let db = Db::open();
    db.query();
}
impl Db { fn open() -> Db { Db } }
";
    assert_eq!(
        one(src),
        [
            (8, "Db::query".to_string()),
            (12, "Db::query".to_string()),
            (16, "Db::query".to_string()),
        ]
    );
}

#[test]
fn typed_receivers_of_the_non_blocking_type_are_not_reported() {
    let src = "
pub struct Db; pub struct Cache;
impl Db { pub fn query(&self) { std::fs::read(\"db\"); } }
impl Cache { pub fn query(&self) {} }
struct App { cache: std::sync::Arc<Cache> }
impl App { async fn handler(&self) { self.cache.query(); } }
async fn param(c: &Cache) { c.query(); }
async fn built() { let c = Cache::default(); c.query(); }
";
    assert!(one(src).is_empty());
}

#[test]
fn typed_receivers_resolve_across_crates() {
    let store = "pub struct Store; impl Store { pub fn load_all(&self) { std::fs::read(\"s\"); } }";
    let other = "pub struct Other; impl Other { pub fn load_all(&self) {} }";
    let app = "async fn run(s: &my_core::Store, o: &my_core::Other) {\n    s.load_all();\n    o.load_all();\n}";
    let files: [Src<'_>; 3] = [
        (1, "core/src/lib.rs", &[], store),
        (1, "core/src/other.rs", &[], other),
        (0, "app/src/main.rs", &[], app),
    ];
    assert_eq!(
        found(&files, &[("my_core", 1)]),
        [(2, "my_core::Store::load_all".to_string())]
    );
}

/// `#[cfg(test)]` mocks are not what non-test code calls.
const TEST_MOCK: &str = "
#[cfg(test)]
mod tests {
    struct Mock;
    impl Mock { fn fetch_values(&self) { futures::executor::block_on(f); } }
    async fn in_test(m: M) { m.fetch_values(); }
}
async fn prod(m: M) {
    m.fetch_values();
}
";

#[test]
fn test_only_impls_are_seen_from_test_code_only() {
    assert_eq!(
        one(TEST_MOCK),
        [(6, "tests::Mock::fetch_values".to_string())]
    );
}

#[test]
fn test_only_impls_of_a_cfg_test_impl_block_are_not_matched_from_non_test_code() {
    let src = "
struct Builder;
#[cfg(test)]
impl Builder { fn values(&self) { futures::executor::block_on(f); } }
async fn plan(b: B) { b.values(); }
";
    assert!(one(src).is_empty());
}

#[test]
fn foreign_receivers_are_not_matched_to_workspace_methods_of_other_types() {
    // `env_logger::Builder::from_env(..).init()` is env_logger's `init`, not
    // `Connection::init`.
    let src = "
struct Connection;
impl Connection { fn init(&self) { std::fs::create_dir_all(\"d\"); } }
async fn main() {
    env_logger::Builder::from_env(e).init();
}
";
    assert!(one(src).is_empty());
    let imported = "
use env_logger::Builder;
struct Connection;
impl Connection { fn init(&self) { std::fs::create_dir_all(\"d\"); } }
async fn main() { Builder::new().init(); }
";
    assert!(one(imported).is_empty());
}

#[test]
fn workspace_traits_on_foreign_types_still_match_by_name() {
    let src = "
trait PathExt { fn load_config(&self) -> String; }
impl PathExt for PathBuf { fn load_config(&self) -> String { std::fs::read_to_string(self).unwrap() } }
async fn main() {
    std::path::PathBuf::from(\"a\").load_config();
}
";
    assert_eq!(one(src), [(5, "PathBuf::load_config".to_string())]);
    // An untyped receiver still matches a unique name.
    let untyped = "
struct Store; impl Store { fn load_config(&self) { std::fs::read(\"a\"); } }
async fn main(s: S) { s.load_config(); }
";
    assert_eq!(one(untyped), [(3, "Store::load_config".to_string())]);
}

#[test]
fn chains_on_foreign_values_still_match_by_name() {
    // `ctx.provider()` returns something else than `ctx`'s own type: the receiver of
    // `.insurances()` is not known to be an `async_graphql::Context`.
    let src = "
struct Svc; impl Svc { fn insurances(&self) { std::fs::read(\"i\"); } }
async fn query(ctx: &async_graphql::Context<'_>) {
    ctx.provider().insurances();
}
";
    assert_eq!(one(src), [(4, "Svc::insurances".to_string())]);
}

/// As the large-workspace sample found: a local whose type a dependency states
/// (`let mut hasher = crc32fast::Hasher::new();`, a typed parameter) is not matched by
/// name to a workspace method of another type.
#[test]
fn locals_of_a_stated_foreign_type_are_not_matched_to_workspace_methods() {
    let src = "
struct Guard;
impl Guard { fn finalize(&self) { std::fs::metadata(\"a\"); } }
fn checksum(data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.finalize()
}
async fn run(h: &crc32fast::Hasher) {
    checksum(b\"x\");
    h.finalize();
    let typed: crc32fast::Hasher = Default::default();
    typed.finalize();
}
";
    assert!(one(src).is_empty(), "{:?}", one(src));
}

#[test]
fn locals_of_an_unstated_type_still_match_by_name() {
    // `make()` and a method chain say nothing of the value's own type; a workspace trait
    // implemented for the foreign type is still that type's method.
    let src = "
struct Guard;
impl Guard { fn finalize(&self) { std::fs::metadata(\"a\"); } }
trait Seal { fn seal_now(&self); }
impl Seal for Hasher { fn seal_now(&self) { std::fs::metadata(\"b\"); } }
async fn run(h: &crc32fast::Hasher) {
    let g = make();
    g.finalize();
    let chained = crc32fast::Hasher::new().clone();
    chained.finalize();
    h.seal_now();
}
";
    assert_eq!(
        one(src),
        [
            (8, "Guard::finalize".to_string()),
            (10, "Guard::finalize".to_string()),
            (11, "Hasher::seal_now".to_string()),
        ]
    );
}

/// A private blocking `finalize` of a workspace type, and the dependency hashers whose
/// own `finalize` it must not be taken for.
const GUARD: &str = "
struct Guard;
impl Guard { fn finalize(self) { std::fs::metadata(\"p\").ok(); } }
";

#[test]
fn receivers_bound_with_a_stated_dependency_type_keep_their_own_methods() {
    let shapes = [
        // A local bound from the dependency's constructor, imported.
        "use crc32fast::Hasher;\nasync fn a(d: &[u8]) { let mut h = Hasher::new(); h.update(d); h.finalize(); }",
        // The type written out on the binding.
        "async fn b() { let mut h: crc32fast::Hasher = crc32fast::Hasher::new(); h.finalize(); }",
        // The annotation names the type; the value is `Default::default()`.
        "async fn c() { let h: sha2::Sha256 = Default::default(); h.finalize(); }",
        // A constructor through a reference, and through `?`.
        "async fn d() { let h = &crc32fast::Hasher::new_with_initial(7); h.finalize(); }",
        "async fn d2() -> io::Result<()> { let h = blake3::Hasher::try_load()?; h.finalize(); }",
        // A typed parameter, and a field whose declared type is the dependency's.
        "async fn e(h: crc32fast::Hasher) { h.finalize(); }",
        "struct Job { h: crc32fast::Hasher }\nimpl Job { async fn f(self) { self.h.finalize(); } }",
    ];
    for shape in shapes {
        let src = format!("{GUARD}{shape}");
        assert!(one(&src).is_empty(), "{shape}");
    }
}

#[test]
fn receivers_whose_binding_does_not_state_their_type_still_match_by_name() {
    // Bound from a chain: `get(..)` returns something else than a `Client`.
    let chain =
        format!("{GUARD}async fn a() {{ let g = reqwest::Client::new().get(u); g.finalize(); }}");
    assert_eq!(one(&chain), [(4, "Guard::finalize".to_string())]);
    // Shadowed by a binding from a chain: the stated type was the first `h`'s.
    let shadowed = format!(
        "{GUARD}async fn b() {{ let h = crc32fast::Hasher::new(); {{ let h = h.into_guard(); h.finalize(); }} }}"
    );
    assert_eq!(one(&shadowed), [(4, "Guard::finalize".to_string())]);
    // A workspace trait implemented for the stated dependency type is its method.
    let ext = "
trait Finish { fn finalize_to_disk(self); }
impl Finish for Hasher { fn finalize_to_disk(self) { std::fs::write(\"crc\", b\"\").unwrap(); } }
async fn c() { let h = crc32fast::Hasher::new(); h.finalize_to_disk(); }
";
    assert_eq!(one(ext), [(4, "Hasher::finalize_to_disk".to_string())]);
}
