//! Whole-workspace resolution: module-level imports, module paths across files, and
//! interprocedural chains (across files, through `impl` methods, `#[path]` modules and
//! crates).

mod common;

use common::{findings, fixture, json_in};

#[test]
fn module_level_alias_of_thread_sleep_is_found_and_tokio_sleep_is_not() {
    let (code, report) = json_in(&fixture("aliases"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        [(
            "src/lib.rs".into(),
            8,
            "sleep".into(),
            "std::thread::sleep".into()
        )],
        "only `nap(d)`; `sleep(d).await` (tokio, in src/waits.rs) is fine"
    );
    let f = &report["findings"][0];
    assert_eq!(f["call"], "nap(..)");
    assert_eq!(f["certainty"], "resolved");
    assert_eq!(f["replacement"], "tokio::time::sleep(..).await");
    assert_eq!(report["summary"]["files_scanned"], 2);
}

#[test]
fn sync_helpers_that_block_are_reported_at_the_async_call_site_with_the_chain() {
    let (code, report) = json_in(&fixture("chains"), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(
        found,
        [
            (
                "src/main.rs".into(),
                12,
                "fs".into(),
                "config::load_settings".into()
            ),
            (
                "src/main.rs".into(),
                14,
                "sleep".into(),
                "store::Store::fetch_user".into()
            ),
            (
                "src/main.rs".into(),
                17,
                "fs".into(),
                "platform::read_uptime".into()
            ),
        ],
        "spawn_blocking on lines 15-16 is fine, and the recursion on line 23 ends"
    );
    let all = report["findings"].as_array().unwrap();
    assert!(all.iter().all(|f| f["certainty"] == "transitive"));

    // Across files: main.rs -> config.rs (two hops).
    let load = &all[0];
    let chain: Vec<(String, u64)> = load["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["callee"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [
            ("config::read_raw".into(), 4),
            ("std::fs::read_to_string".into(), 8)
        ]
    );
    assert!(load["chain"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["file"] == "src/config.rs"));
    assert_eq!(
        load["message"],
        "`config::load_settings()` blocks the executor thread in async fn `main`: calls \
         `config::read_raw` at src/config.rs:4: calls `std::fs::read_to_string` at src/config.rs:8"
    );

    // Through `impl` methods: `.fetch_user()` -> `self.wait_for_disk()` -> sleep.
    let fetch = &all[1];
    assert_eq!(fetch["call"], ".fetch_user(..)");
    assert_eq!(fetch["chain"][0]["callee"], "store::Store::wait_for_disk");
    assert_eq!(fetch["chain"][1]["callee"], "std::thread::sleep");
    assert_eq!(fetch["chain"][1]["file"], "src/store.rs");

    // Through a `#[path]` module: the file is found and its module path is `platform`.
    let uptime = &all[2];
    assert_eq!(uptime["chain"][0]["file"], "src/platform/linux_impl.rs");
}

#[test]
fn chains_cross_workspace_crates_by_crate_name() {
    let (_, report) = json_in(&fixture("workspace"), &[]);
    let all = report["findings"].as_array().unwrap();
    let open = all
        .iter()
        .find(|f| f["file"] == "crates/app/src/main.rs" && f["line"] == 5)
        .expect("the call to my_core's open_db is reported");
    assert_eq!(open["resolved"], "my_core::store::open_db");
    assert_eq!(open["category"], "fs");
    assert_eq!(open["chain"][0]["file"], "crates/core/src/store.rs");
    assert_eq!(open["chain"][0]["callee"], "std::fs::read");
}

#[test]
fn files_no_crate_root_reaches_are_scanned_with_their_location_module_path() {
    let scratch = common::Scratch::copy_of("aliases");
    let util = scratch.path().join("src/util");
    std::fs::create_dir_all(&util).unwrap();
    std::fs::write(
        util.join("orphan.rs"),
        "pub fn helper() -> Vec<u8> {\n    std::fs::read(\"x\").unwrap_or_default()\n}\n",
    )
    .unwrap();
    std::fs::write(
        util.join("other.rs"),
        "pub async fn uses() {\n    crate::util::orphan::helper();\n}\n",
    )
    .unwrap();
    let (_, report) = json_in(scratch.path(), &[]);
    let found = findings(&report);
    assert!(
        found.contains(&(
            "src/util/other.rs".into(),
            2,
            "fs".into(),
            "util::orphan::helper".into()
        )),
        "{found:?}"
    );
}

#[test]
fn out_of_line_cfg_test_modules_are_test_code() {
    let scratch = common::Scratch::copy_of("aliases");
    let lib = scratch.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}\n#[cfg(test)]\nmod checks;\n")).unwrap();
    std::fs::write(
        scratch.path().join("src/checks.rs"),
        // No test attribute here: the file is test code because its `mod` is cfg(test).
        "pub async fn fixture_bytes() -> Vec<u8> {\n    std::fs::read(\"x\").unwrap_or_default()\n}\n",
    )
    .unwrap();
    let (_, report) = json_in(scratch.path(), &[]);
    let found = findings(&report);
    assert!(
        found.contains(&(
            "src/checks.rs".into(),
            2,
            "test".into(),
            "std::fs::read".into()
        )),
        "{found:?}"
    );
    let (_, report) = json_in(scratch.path(), &["--no-tests"]);
    assert!(findings(&report).iter().all(|f| f.0 != "src/checks.rs"));
}

/// Calls into another crate of the workspace through its re-exports (`pub use
/// self::db::*`, `pub use files::read_all as load_everything`, a `pub(crate) use .. as
/// pool` inside it) reach the fns they name; the look-alikes (a re-export of a clean fn,
/// a clean method of the re-exported type) stay unreported.
#[test]
fn calls_through_reexports_across_crates_reach_the_real_fns() {
    let (code, report) = json_in(&fixture("reexports"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        [
            (
                "crates/app/src/main.rs".into(),
                18,
                "sleep".into(),
                "repo::db::conn::Manager::connection".into()
            ),
            (
                "crates/app/src/main.rs".into(),
                25,
                "fs".into(),
                "repo::files::read_all".into()
            ),
        ]
    );
    let connection = &report["findings"][0];
    let chain: Vec<(&str, &str, u64)> = connection["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["callee"].as_str().unwrap(),
                l["file"].as_str().unwrap(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [
            ("db::conn::open_pool", "crates/repo/src/db/conn.rs", 5),
            ("std::thread::sleep", "crates/repo/src/db/conn.rs", 14),
        ]
    );
}
