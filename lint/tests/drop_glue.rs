//! Drop glue in the workspace call graph: a value whose type's `Drop::drop` blocks,
//! dropped explicitly (`drop(x)`) or at the end of the scope of a `let` that
//! constructed it, blocks where that happens. Look-alikes: types whose `drop` does not
//! block, values not constructed at the binding, other fns named `drop`.

mod support;

/// (line, call as written, resolved, blocking API) of every finding of `src`.
fn found(src: &str) -> Vec<(usize, String, String, String)> {
    support::crate_findings(src)
        .into_iter()
        .map(|f| {
            let api = f.blocking_api().to_string();
            (f.line, f.call, f.resolved, api)
        })
        .collect()
}

const GUARD: &str = "
struct Guard(u8);
impl Guard { fn new() -> Guard { Guard(0) } }
impl Drop for Guard {
    fn drop(&mut self) { futures::executor::block_on(finish()); }
}
";

#[test]
fn a_guard_constructed_in_async_code_blocks_when_dropped() {
    let src = format!(
        "{GUARD}
async fn handler() {{
    let _g = Guard::new();
    work().await;
}}
async fn literal() {{
    let g = Guard(1);
}}"
    );
    assert_eq!(
        found(&src),
        [
            (
                9,
                "drop(_g) at the end of its scope".to_string(),
                "Guard::drop".to_string(),
                "futures::executor::block_on".to_string()
            ),
            (
                13,
                "drop(g) at the end of its scope".to_string(),
                "Guard::drop".to_string(),
                "futures::executor::block_on".to_string()
            ),
        ]
    );
}

#[test]
fn an_explicit_drop_in_a_sync_helper_makes_the_helper_block() {
    let src = format!(
        "{GUARD}
struct Outer(Option<Guard>);
impl Outer {{
    fn complete_now(mut self) {{
        if let Some(inner) = self.0.take() {{
            drop(inner);
        }}
    }}
}}
async fn handler(o: Outer) {{
    o.complete_now();
}}"
    );
    assert_eq!(
        found(&src),
        [(
            17,
            ".complete_now()".to_string(),
            "Outer::complete_now".to_string(),
            "futures::executor::block_on".to_string()
        )]
    );
}

#[test]
fn guards_whose_drop_does_not_block_are_not_reported() {
    let src = "
struct Quiet;
impl Quiet { fn new() -> Quiet { Quiet } }
impl Drop for Quiet { fn drop(&mut self) { println!(\"bye\"); } }
async fn handler() { let _q = Quiet::new(); drop(Quiet::new()); }
";
    assert!(found(src).is_empty());
}

#[test]
fn values_not_constructed_at_the_binding_and_sync_drops_are_not_reported() {
    let src = format!(
        "{GUARD}
async fn borrowed(g: &Guard) {{
    let n = g.0;
}}
async fn offloaded() {{
    tokio::task::spawn_blocking(|| {{ let _g = Guard::new(); }}).await;
}}
fn sync_only() {{
    let _g = Guard::new();
}}"
    );
    assert!(found(&src).is_empty());
}

#[test]
fn a_workspace_fn_named_drop_is_not_std_drop() {
    let src = format!(
        "{GUARD}
fn drop_all(x: u8) {{}}
async fn handler(g: Guard) {{
    self::drop_all(1);
    std::mem::forget(g);
}}"
    );
    assert!(found(&src).is_empty());
}

#[test]
fn guards_moved_out_of_their_scope_are_not_dropped_there() {
    let src = format!(
        "{GUARD}
async fn make() -> Guard {{
    let g = Guard::new();
    g
}}
async fn hand_over(slot: &mut Option<Guard>) {{
    let g = Guard(2);
    *slot = Some(g);
}}"
    );
    assert!(found(&src).is_empty());
}

#[test]
fn drop_under_a_glob_import_is_still_std_drop() {
    let src = format!(
        "use snafu::prelude::*;
{GUARD}
fn finish_now(g: Guard) {{
    drop(g);
}}
async fn handler(g: Guard) {{
    finish_now(g);
}}"
    );
    assert_eq!(
        found(&src),
        [(
            13,
            "finish_now(..)".to_string(),
            "finish_now".to_string(),
            "futures::executor::block_on".to_string()
        )]
    );
}
