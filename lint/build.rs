//! Records the target the engine is built for: `cargo metadata` is asked for that
//! platform's dependency graph (see `deps::metadata::metadata_command`), because cargo
//! downloads only the host platform's packages when it builds, and an offline
//! `cargo metadata` over every platform fails on packages it never downloaded.

fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=BLOCKWATCH_HOST_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
