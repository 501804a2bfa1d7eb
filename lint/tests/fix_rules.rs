//! Fixes attached to findings: the catalog's fix rules applied to calls as written.

use blockwatch_lint::{check_file, Applicability, Config};

/// (code after the fix, applicability, edits as (line, column, end_line, end_column, text)).
type Seen = (
    String,
    Applicability,
    Vec<(usize, usize, usize, usize, String)>,
);

fn fixes(src: &str) -> Vec<Option<Seen>> {
    let file: syn::File = syn::parse_str(src).expect("test source parses");
    check_file(&file, &Config::default())
        .iter()
        .map(|f| {
            f.fix.clone().map(|fix| {
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| (e.line, e.column, e.end_line, e.end_column, e.text.clone()))
                    .collect();
                (fix.code, fix.applicability, edits)
            })
        })
        .collect()
}

fn edit(l: usize, c: usize, el: usize, ec: usize, t: &str) -> (usize, usize, usize, usize, String) {
    (l, c, el, ec, t.to_string())
}

#[test]
fn sleep_becomes_tokio_sleep_awaited() {
    let got = fixes("async fn f() {\n    std::thread::sleep(Duration::from_secs(3));\n}");
    assert_eq!(
        got,
        vec![Some((
            "tokio::time::sleep(Duration::from_secs(3)).await".to_string(),
            Applicability::MachineApplicable,
            vec![
                edit(2, 5, 2, 23, "tokio::time::sleep"),
                edit(2, 47, 2, 47, ".await")
            ],
        ))]
    );
}

#[test]
fn imported_name_is_replaced_by_the_full_path() {
    let got = fixes("use std::fs::read_to_string;\nasync fn f() { read_to_string(\"a\")?; }");
    let (code, applicability, edits) = got[0].clone().expect("a fix");
    assert_eq!(code, "tokio::fs::read_to_string(\"a\").await");
    assert_eq!(applicability, Applicability::MachineApplicable);
    assert_eq!(
        edits,
        vec![
            edit(2, 16, 2, 30, "tokio::fs::read_to_string"),
            edit(2, 35, 2, 35, ".await")
        ]
    );
}

#[test]
fn command_chain_swaps_the_type_of_its_constructor() {
    let src = "use std::process::Command;\nasync fn f() {\n    let out = Command::new(\"ls\")\n        .arg(\"-l\")\n        .output();\n}";
    let (code, applicability, edits) = fixes(src)[0].clone().expect("a fix");
    assert_eq!(
        code,
        "tokio::process::Command::new(\"ls\").arg(\"-l\").output().await"
    );
    assert_eq!(applicability, Applicability::MachineApplicable);
    assert_eq!(
        edits,
        vec![
            edit(3, 15, 3, 22, "tokio::process::Command"),
            edit(5, 18, 5, 18, ".await")
        ]
    );
}

#[test]
fn command_from_a_variable_is_only_a_suggestion() {
    let src = "async fn f() { let mut c = std::process::Command::new(\"ls\"); c.output(); }";
    let (code, applicability, _) = fixes(src)[0].clone().expect("a fix");
    assert_eq!(
        code,
        "tokio::task::spawn_blocking(move || c.output()).await"
    );
    assert_eq!(applicability, Applicability::MaybeIncorrect);
}

#[test]
fn types_that_change_are_suggestions() {
    let src = "async fn f() { let s = std::net::TcpStream::connect(addr); let f = std::fs::File::open(p); }";
    let got = fixes(src);
    let (code, applicability, _) = got[0].clone().expect("a fix");
    assert_eq!(code, "tokio::net::TcpStream::connect(addr).await");
    assert_eq!(applicability, Applicability::MaybeIncorrect);
    let (code, applicability, _) = got[1].clone().expect("a fix");
    assert_eq!(code, "tokio::fs::File::open(p).await");
    assert_eq!(applicability, Applicability::MaybeIncorrect);
}

#[test]
fn other_apis_get_spawn_blocking_as_a_suggestion() {
    let src = "async fn f(conn: rusqlite::Connection) { conn.execute(\"x\", []); }";
    let (code, applicability, edits) = fixes(src)[0].clone().expect("a fix");
    assert_eq!(
        code,
        "tokio::task::spawn_blocking(move || conn.execute(\"x\", [])).await"
    );
    assert_eq!(applicability, Applicability::MaybeIncorrect);
    assert_eq!(
        edits,
        vec![
            edit(1, 42, 1, 42, "tokio::task::spawn_blocking(move || "),
            edit(1, 63, 1, 63, ").await")
        ]
    );
}

#[test]
fn no_fix_where_await_cannot_be_written() {
    let src = r#"
        async fn in_closure(ps: Vec<String>) { ps.iter().map(|p| std::fs::read(p)); }
        struct F;
        impl std::future::Future for F {
            type Output = ();
            fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
                std::thread::sleep(d);
                std::task::Poll::Ready(())
            }
        }
        async fn as_value(ps: Vec<String>) { ps.iter().map(std::fs::read); }
    "#;
    assert_eq!(fixes(src), vec![None, None, None]);
}

#[test]
fn async_blocks_inside_closures_can_await_again() {
    let src = "fn f() { spawn(|| async { std::thread::sleep(d); }); }";
    let (code, applicability, _) = fixes(src)[0].clone().expect("a fix");
    assert_eq!(code, "tokio::time::sleep(d).await");
    assert_eq!(applicability, Applicability::MachineApplicable);
}

#[test]
fn calls_inside_macros_are_never_machine_applicable() {
    let src = "async fn f() { println!(\"{:?}\", std::fs::read(\"a\")); }";
    let (code, applicability, _) = fixes(src)[0].clone().expect("a fix");
    assert_eq!(code, "tokio::fs::read(\"a\").await");
    assert_eq!(applicability, Applicability::MaybeIncorrect);
}

#[test]
fn nested_calls_get_disjoint_edits() {
    let src = "async fn f() { std::fs::write(\"b\", std::fs::read(\"a\")?)?; }";
    let got = fixes(src);
    let outer = got[0].clone().expect("a fix").2;
    let inner = got[1].clone().expect("a fix").2;
    assert_eq!(
        outer,
        vec![
            edit(1, 16, 1, 30, "tokio::fs::write"),
            edit(1, 56, 1, 56, ".await")
        ]
    );
    assert_eq!(
        inner,
        vec![
            edit(1, 36, 1, 49, "tokio::fs::read"),
            edit(1, 54, 1, 54, ".await")
        ]
    );
}

#[test]
fn command_chain_written_in_full_is_fixed_too() {
    let src = "async fn f() { std::process::Command::new(\"ls\").status(); }";
    let (code, applicability, _) = fixes(src)[0].clone().expect("a fix");
    assert_eq!(code, "tokio::process::Command::new(\"ls\").status().await");
    assert_eq!(applicability, Applicability::MachineApplicable);
}

#[test]
fn long_chains_are_rendered_shortened_without_deep_recursion() {
    // 60 calls under the blocking one (the receiver is still followed): the code is
    // shortened, the edits stay exact.
    let chain = ".arg(\"x\")".repeat(60);
    let src = format!("async fn f(c: std::process::Command) {{ c{chain}.output(); }}");
    let found = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let file: syn::File = syn::parse_str(&src).expect("parses");
            check_file(&file, &Config::default())
                .iter()
                .map(|f| f.fix.clone().map(|x| (x.code, x.edits.len())))
                .collect::<Vec<_>>()
        })
        .expect("spawn")
        .join()
        .expect("no panic");
    let code = found[0].clone().expect("a fix");
    assert!(
        code.0
            .starts_with("tokio::task::spawn_blocking(move || ..."),
        "{}",
        &code.0[..80]
    );
    assert!(code.0.ends_with(".arg(\"x\").output()).await"));
    assert_eq!(code.1, 2);
}

#[test]
fn a_fix_on_a_call_thousands_of_calls_long_stays_shallow() {
    // `.join()` matches any receiver: the finding sits on top of a 5,000-call chain
    // (syn parses a chain without recursing; the engine's walk is capped at MAX_DEPTH).
    // Rendering the fix's code must not recurse down the chain: 2 MiB of stack do.
    let src = format!("async fn f(h: H) {{ h{}.join(); }}", ".a()".repeat(5000));
    let found = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let file: syn::File = syn::parse_str(&src).expect("parses");
            let findings = check_file(&file, &Config::default());
            let code = findings
                .first()
                .and_then(|f| f.fix.as_ref())
                .map(|f| f.code.clone());
            // Dropping the tree recurses down the chain: leak it, the test ends here.
            std::mem::forget(file);
            std::mem::forget(findings);
            code
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    let a = ".a()".repeat(32);
    assert_eq!(
        found,
        Some(format!(
            "tokio::task::spawn_blocking(move || ..{a}.join()).await"
        ))
    );
}

#[test]
fn an_unresolved_name_gets_a_suggestion_only() {
    // No `use` says which `thread` this is: it could be the project's own module.
    let (code, applicability, _) = fixes("async fn f() { thread::sleep(d); }")[0]
        .clone()
        .expect("a fix");
    assert_eq!(code, "tokio::time::sleep(d).await");
    assert_eq!(applicability, Applicability::MaybeIncorrect);
}

#[test]
fn every_fix_rule_names_a_catalog_entry() {
    // A rule whose key no entry has would never apply: its calls would silently get the
    // generic `spawn_blocking` suggestion instead.
    let keys: Vec<&str> = blockwatch_lint::Catalog::builtin_entries()
        .iter()
        .map(|e| e.key())
        .collect();
    let orphans: Vec<&str> = blockwatch_lint::catalog::fixes::RULES
        .iter()
        .map(|r| r.key)
        .filter(|k| !keys.contains(k))
        .collect();
    assert_eq!(orphans, Vec::<&str>::new());
}
