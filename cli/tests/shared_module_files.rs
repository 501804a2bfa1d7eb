//! A file several `#[path]` declarations include is a module under each of their paths,
//! as rustc compiles it: each includer's calls reach its own copy of the file's fns.

mod common;

use common::{findings, json_in, write, Scratch};

fn crate_with(files: &[(&str, &str)]) -> Scratch {
    let scratch = Scratch::new("shared-module");
    write(
        scratch.path(),
        "Cargo.toml",
        "[package]\nname = \"shared\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    for (file, text) in files {
        write(scratch.path(), file, text);
    }
    scratch
}

#[test]
fn every_includer_of_a_path_module_reaches_its_blocking_fn() {
    let scratch = crate_with(&[
        ("src/lib.rs", "pub mod client;\npub mod msf;\n"),
        (
            "src/client.rs",
            "#[path = \"connect.rs\"]\nmod connect;\npub async fn login() {\n    connect::send();\n}\n",
        ),
        ("src/msf/mod.rs", "pub mod auth;\n"),
        (
            "src/msf/auth.rs",
            "#[path = \"../connect.rs\"]\nmod connect;\npub async fn logout() {\n    connect::send();\n}\n",
        ),
        (
            "src/connect.rs",
            "pub fn send() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
        ),
    ]);
    let (_, report) = json_in(scratch.path(), &[]);
    assert_eq!(
        findings(&report),
        [
            (
                "src/client.rs".into(),
                4,
                "sleep".into(),
                "client::connect::send".into()
            ),
            (
                "src/msf/auth.rs".into(),
                4,
                "sleep".into(),
                "msf::auth::connect::send".into()
            ),
        ]
    );
}

#[test]
fn a_module_of_the_same_name_from_another_file_stays_clean() {
    let scratch = crate_with(&[
        ("src/lib.rs", "pub mod client;\npub mod msf;\n"),
        (
            "src/client.rs",
            "#[path = \"connect.rs\"]\nmod connect;\npub async fn login() {\n    connect::send();\n}\n",
        ),
        ("src/msf/mod.rs", "pub mod auth;\n"),
        (
            "src/msf/auth.rs",
            "#[path = \"../quiet.rs\"]\nmod connect;\npub async fn logout() {\n    connect::send();\n}\n",
        ),
        (
            "src/connect.rs",
            "pub fn send() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
        ),
        ("src/quiet.rs", "pub fn send() {}\n"),
    ]);
    let (_, report) = json_in(scratch.path(), &[]);
    assert_eq!(
        findings(&report),
        [(
            "src/client.rs".into(),
            4,
            "sleep".into(),
            "client::connect::send".into()
        )]
    );
}
