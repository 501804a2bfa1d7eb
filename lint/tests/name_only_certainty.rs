//! A transitive finding is `transitive` when every hop of its chain was resolved by path
//! or by the receiver's stated type, and `method-shape` when it needs a method call
//! matched by its name alone (the receiver's type unknown). Where both a typed and a
//! name-only chain reach the blocking call, the typed one is reported.

mod support;

use blockwatch_lint::Certainty;
use support::crate_findings;

/// The (line, resolved, certainty, message) of every finding of `src` as one crate.
fn found(src: &str) -> Vec<(usize, String, Certainty)> {
    crate_findings(src)
        .into_iter()
        .map(|f| (f.line, f.resolved, f.certainty))
        .collect()
}

const STORE: &str = "
struct Store;
impl Store { fn fetch_rows(&self) { std::fs::read(\"db\").unwrap(); } }
fn helper(x: Wrapper) { x.inner().fetch_rows(); }
";

#[test]
fn a_name_only_hop_at_the_call_is_method_shape() {
    let src = format!("{STORE}async fn run(v: Unknown) {{ v.get_it().fetch_rows(); }}\n");
    let got = crate_findings(&src);
    assert_eq!(
        found(&src),
        [(5, "Store::fetch_rows".to_string(), Certainty::MethodShape)]
    );
    // Still shown with its chain, as a transitive finding is.
    assert!(got[0].is_transitive());
    assert_eq!(
        got[0].message(),
        "`.fetch_rows()` blocks the executor thread in async fn `run`: calls \
         `std::fs::read` at src/lib.rs:3"
    );
}

#[test]
fn a_name_only_hop_further_down_is_method_shape() {
    let src = format!("{STORE}async fn run(w: Wrapper) {{ helper(w); }}\n");
    assert_eq!(
        found(&src),
        [(5, "helper".to_string(), Certainty::MethodShape)]
    );
}

#[test]
fn typed_hops_keep_their_certainty() {
    let src = format!(
        "{STORE}async fn by_param(s: Store) {{ s.fetch_rows(); }}\n\
         async fn by_path() {{ typed_helper(); }}\n\
         fn typed_helper() {{ Store.fetch_rows(); let s = Store; s.fetch_rows(); }}\n"
    );
    assert_eq!(
        found(&src),
        [
            (5, "Store::fetch_rows".to_string(), Certainty::Transitive),
            (6, "typed_helper".to_string(), Certainty::Transitive),
        ]
    );
}

#[test]
fn a_typed_chain_is_preferred_to_a_shorter_name_only_one() {
    // `both` reaches the read through a name-only hop (one call) and through typed
    // hops (two calls): the finding is transitive, with the typed chain.
    let src = format!(
        "{STORE}fn both(w: Wrapper) {{ w.unknown().fetch_rows(); typed(); }}\n\
         fn typed() {{ let s = Store; s.fetch_rows(); }}\n\
         async fn run(w: Wrapper) {{ both(w); }}\n"
    );
    let got = crate_findings(&src);
    assert_eq!(
        found(&src),
        [(7, "both".to_string(), Certainty::Transitive)]
    );
    let chain: Vec<&str> = got[0].chain().iter().map(|l| l.callee.as_str()).collect();
    assert_eq!(chain, ["typed", "Store::fetch_rows", "std::fs::read"]);
}

#[test]
fn direct_findings_and_unresolved_ones_are_unchanged() {
    let src = "async fn run() { std::thread::sleep(d); }";
    assert_eq!(
        found(src),
        [(1, "std::thread::sleep".to_string(), Certainty::Resolved)]
    );
    // A name-only candidate that is not every method of its name: no finding at all.
    let two = format!("{STORE}struct B; impl B {{ fn fetch_rows(&self) {{}} }}\nasync fn run(v: Unknown) {{ v.get_it().fetch_rows(); }}\n");
    assert_eq!(found(&two), []);
}

#[test]
fn an_awaited_dependency_fn_that_blocks_through_a_name_only_hop_is_method_shape() {
    use blockwatch_lint::{deps::DependencyUnits, summarize_file, CrateFile};
    let parse = |src: &str, rel: &str| {
        let file: syn::File = syn::parse_str(src).unwrap();
        summarize_file(&file, rel, &[], false, &Default::default())
    };
    let dep = parse(
        "pub struct Pool;\n\
         impl Pool { fn wait_slot(&self) { std::thread::sleep(d) } }\n\
         pub async fn connect(x: Unknown) { x.get_it().wait_slot(); }\n\
         pub async fn connect_typed(p: Pool) { p.wait_slot(); }",
        "/reg/pool-1.0.0/src/lib.rs",
    );
    let app = parse(
        "async fn run(x: X, p: pool::Pool) {\n    pool::connect(x).await;\n    \
         pool::connect_typed(p).await;\n}",
        "src/main.rs",
    );
    let mut deps = DependencyUnits::default();
    deps.add_dependency(1, "pool 1.0.0");
    deps.add_extern(0, "pool", 1);
    let files = [
        CrateFile {
            unit: 0,
            summary: &app,
        },
        CrateFile {
            unit: 1,
            summary: &dep,
        },
    ];
    let crates = Default::default();
    let got: Vec<(usize, String, Certainty)> =
        blockwatch_lint::workspace_findings_with_dependencies(&files, &crates, &deps)
            .into_iter()
            .map(|f| (f.line, f.resolved, f.certainty))
            .collect();
    assert_eq!(
        got,
        [
            (2, "pool::connect".to_string(), Certainty::MethodShape),
            (3, "pool::connect_typed".to_string(), Certainty::Transitive),
        ]
    );
}
