//! Transitive findings list every distinct blocking leaf the call reaches, each with its
//! own chain, the witness chain (the one the message names) first.

mod support;

use support::crate_findings;

/// Each finding's chains, as `callee@line` steps joined by ` > `.
fn chains(src: &str) -> Vec<Vec<String>> {
    crate_findings(src)
        .iter()
        .map(|f| {
            f.chains
                .iter()
                .map(|chain| {
                    chain
                        .iter()
                        .map(|l| format!("{}@{}", l.callee, l.line))
                        .collect::<Vec<_>>()
                        .join(" > ")
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_helper_that_sleeps_and_reads_reports_both() {
    let src =
        "fn helper(d: D) {\n    std::thread::sleep(d);\n    std::fs::read(\"a\").unwrap();\n}\n\
               async fn run(d: D) {\n    helper(d);\n}\n";
    assert_eq!(chains(src), [["std::thread::sleep@2", "std::fs::read@3"]]);
    let found = crate_findings(src);
    assert_eq!(found[0].chain(), found[0].chains[0].as_slice());
    assert_eq!(found[0].blocking_api(), "std::thread::sleep");
}

#[test]
fn leaves_below_helpers_come_shortest_first_with_their_own_chains() {
    let src = "fn load() {\n    read_config();\n    wait_for_lock();\n    std::fs::write(\"log\", \"\").unwrap();\n}\n\
               fn read_config() {\n    std::fs::read_to_string(\"c\").unwrap();\n}\n\
               fn wait_for_lock() {\n    backoff();\n}\n\
               fn backoff() {\n    std::thread::sleep(d);\n}\n\
               async fn run() {\n    load();\n}\n";
    assert_eq!(
        chains(src),
        [[
            "std::fs::write@4",
            "read_config@2 > std::fs::read_to_string@7",
            "wait_for_lock@3 > backoff@10 > std::thread::sleep@13",
        ]]
    );
}

#[test]
fn one_api_in_one_fn_is_one_leaf_and_in_two_fns_two() {
    let src = "fn a() {\n    std::fs::read(\"x\");\n    std::fs::read(\"y\");\n    b();\n}\n\
               fn b() {\n    std::fs::read(\"z\");\n}\n\
               async fn run() {\n    a();\n}\n";
    assert_eq!(chains(src), [["std::fs::read@2", "b@4 > std::fs::read@7"]]);
}

#[test]
fn offloaded_and_async_parts_of_a_helper_are_not_leaves() {
    let src = "fn helper() {\n    std::fs::read(\"a\");\n    \
               std::thread::spawn(|| std::thread::sleep(d));\n    \
               let f = async { std::fs::remove_file(\"b\") };\n    \
               tokio::task::spawn_blocking(other);\n}\n\
               fn other() {\n    std::fs::write(\"c\", \"\");\n}\n\
               async fn run() {\n    helper();\n}\n";
    // The async block's `remove_file` is a direct finding of its own, without a chain.
    assert_eq!(chains(src), [vec![], vec!["std::fs::read@2"]]);
}

#[test]
fn cycles_end_and_each_leaf_is_listed_once() {
    let src = "fn a() {\n    b();\n    std::fs::read(\"a\");\n}\n\
               fn b() {\n    a();\n    std::thread::sleep(d);\n}\n\
               async fn run() {\n    a();\n    b();\n}\n";
    assert_eq!(
        chains(src),
        [
            vec!["std::fs::read@3", "b@2 > std::thread::sleep@7"],
            vec!["std::thread::sleep@7", "a@6 > std::fs::read@3"],
        ]
    );
}

#[test]
fn a_direct_finding_has_no_chain() {
    let found = crate_findings("async fn run() { std::thread::sleep(d); }");
    assert!(found[0].chains.is_empty());
    assert!(found[0].chain().is_empty());
}

/// A fn at the top of a big workspace can reach hundreds of leaves: each finding keeps
/// the 32 nearest.
#[test]
fn chains_are_capped_per_finding() {
    let mut src = String::from("fn top() {\n");
    for i in 0..40 {
        src.push_str(&format!("    leaf_{i}();\n"));
    }
    src.push_str("}\n");
    for i in 0..40 {
        src.push_str(&format!("fn leaf_{i}() {{ std::thread::sleep(d); }}\n"));
    }
    src.push_str("async fn run() { top(); }\n");
    let found = chains(&src);
    assert_eq!(found.len(), 1);
    let want: Vec<String> = (0..32)
        .map(|i| format!("leaf_{i}@{} > std::thread::sleep@{}", i + 2, i + 43))
        .collect();
    assert_eq!(found[0], want);
}
