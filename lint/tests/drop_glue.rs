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

/// A manager built by an async constructor behind `?`, later moved into a struct: an
/// early exit between the two drops it in the async fn.
const MANAGER: &str = "
struct Manager(u8);
impl Manager { async fn new() -> Result<Manager, E> { Ok(Manager(0)) } }
impl Drop for Manager {
    fn drop(&mut self) { futures::executor::block_on(finish()); }
}
struct Shared { manager: Manager }
";

#[test]
fn an_early_exit_before_the_move_drops_the_value_in_its_scope() {
    let src = format!(
        "{MANAGER}
async fn start() -> Result<Shared, E> {{
    let manager = Manager::new().await.map_err(E::from)?;
    let firewall = open_firewall()?;
    Ok(Shared {{ manager }})
}}
async fn start_or_return(ok: bool) -> Option<Shared> {{
    let manager = Manager::new().await.unwrap();
    if !ok {{
        return None;
    }}
    Some(Shared {{ manager }})
}}"
    );
    assert_eq!(
        found(&src),
        [
            (
                10,
                "drop(manager) at the end of its scope".to_string(),
                "Manager::drop".to_string(),
                "futures::executor::block_on".to_string()
            ),
            (
                15,
                "drop(manager) at the end of its scope".to_string(),
                "Manager::drop".to_string(),
                "futures::executor::block_on".to_string()
            ),
        ]
    );
}

#[test]
fn exits_after_the_move_or_inside_closures_and_async_blocks_do_not_drop_it() {
    let src = format!(
        "{MANAGER}
async fn moved_first() -> Result<Shared, E> {{
    let manager = Manager::new().await?;
    let shared = Shared {{ manager }};
    let firewall = open_firewall()?;
    Ok(shared)
}}
async fn closure_exit() -> Shared {{
    let manager = Manager::new().await.expect(\"up\");
    let parse = |s: &str| -> Result<u8, E> {{ Ok(s.parse()?) }};
    Shared {{ manager }}
}}
async fn block_exit() -> Shared {{
    let manager = Manager::new().await.expect(\"up\");
    let later = async {{ open_firewall()?; Ok::<(), E>(()) }};
    Shared {{ manager }}
}}
async fn item_exit() -> Shared {{
    let manager = Manager::new().await.expect(\"up\");
    fn helper() -> Option<u8> {{ Some(probe()?) }}
    Shared {{ manager }}
}}
async fn not_the_constructed_value() -> Result<u8, E> {{
    let id = Manager::new().await.map(|m| m.0)?;
    open_firewall()?;
    Ok(id)
}}"
    );
    assert!(found(&src).is_empty(), "{:?}", found(&src));
}

#[test]
fn a_type_of_another_workspace_crate_is_dropped_through_its_reexport() {
    let routing_lib = "mod imp;\npub use imp::RouteManager;\n";
    let routing_imp = "pub struct RouteManager { rt: tokio::runtime::Handle }
impl RouteManager { pub async fn new() -> Result<Self, E> { todo() } }
impl Drop for RouteManager {
    fn drop(&mut self) { self.rt.block_on(self.stop()); }
}
";
    let core = "use routing::RouteManager;
struct Shared { rm: RouteManager }
async fn start() -> Result<Shared, E> {
    let rm = RouteManager::new().await?;
    let dns = dns_monitor()?;
    Ok(Shared { rm })
}
async fn clean() -> Result<Shared, E> {
    let rm = RouteManager::new().await?;
    Ok(Shared { rm })
}
";
    let found: Vec<(String, usize, String)> = support::workspace_of(
        &[
            (0, "routing/src/lib.rs", &[], routing_lib),
            (0, "routing/src/imp.rs", &["imp"], routing_imp),
            (1, "core/src/lib.rs", &[], core),
        ],
        &[("routing", 0)],
    )
    .into_iter()
    .map(|f| (f.file.clone(), f.line, f.blocking_api().to_string()))
    .collect();
    assert_eq!(
        found,
        [(
            "core/src/lib.rs".to_string(),
            4,
            "tokio::runtime::Runtime::block_on".to_string()
        )]
    );
}

#[test]
fn a_constructed_value_owns_what_is_constructed_in_its_arguments_only() {
    let src = format!(
        "{MANAGER}
struct Monitor(u8);
impl Monitor {{ fn new(h: u8) -> Result<Monitor, E> {{ Ok(Monitor(h)) }} }}
struct Wrapper(Manager);
impl Wrapper {{ fn new(m: Manager) -> Wrapper {{ Wrapper(m) }} }}
async fn borrowed_manager(manager: &Manager) -> Result<Monitor, E> {{
    let monitor = Monitor::new(manager.handle())?;
    check()?;
    Ok(monitor)
}}
async fn owned_manager() {{
    let w = Wrapper::new(Manager(1));
    work().await;
}}"
    );
    assert_eq!(
        found(&src),
        [(
            19,
            "drop(w) at the end of its scope".to_string(),
            "Manager::drop".to_string(),
            "futures::executor::block_on".to_string()
        )]
    );
}
