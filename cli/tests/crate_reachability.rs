//! Method calls resolved by name alone stay inside the crates the caller can reach (its
//! own and the workspace crates its Cargo.toml depends on), and a receiver whose type is
//! stated as a dependency's never takes a workspace method of another type: the shapes
//! of GreptimeDB's `.finalize()` on crc32fast, hmac and sha2 values, matched to a private
//! method of its binary-only test runner (BENCHMARKS.md, "Precision on large workspaces").

mod common;

use common::{findings, json_in, write, Scratch};

/// A workspace of five packages: `runner` (binary only, a private blocking `finalize`),
/// `store` and `auth` (libraries that depend on no workspace crate; `store` has the
/// dependency hashers), `tools` (a library with a blocking `flush_to_disk`) and `app`
/// (a binary that depends on `tools`).
fn workspace() -> Scratch {
    let dir = Scratch::new("reach");
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"runner\", \"store\", \"auth\", \"tools\", \"app\"]\n",
    );
    write(
        root,
        "runner/Cargo.toml",
        "[package]\nname = \"runner\"\n\n[dependencies]\nsha2 = \"0.10\"\n",
    );
    write(
        root,
        "runner/src/main.rs",
        "use sha2::{Digest, Sha256};\n\
         \n\
         struct Guard;\n\
         struct Pending;\n\
         \n\
         impl Guard {\n\
         \x20   fn finalize(self) {\n\
         \x20       std::fs::metadata(\"profile\").ok();\n\
         \x20   }\n\
         }\n\
         \n\
         async fn digest(data: &[u8]) {\n\
         \x20   let mut sha256 = Sha256::new();\n\
         \x20   sha256.update(data);\n\
         \x20   sha256.finalize();\n\
         }\n\
         \n\
         async fn profile(pending: &mut Pending) {\n\
         \x20   let guard = pending.next_guard();\n\
         \x20   guard.finalize();\n\
         }\n\
         \n\
         fn main() {}\n",
    );
    write(
        root,
        "store/Cargo.toml",
        "[package]\nname = \"store\"\n\n[dependencies]\ncrc32fast = \"1\"\n",
    );
    write(
        root,
        "store/src/lib.rs",
        "use crc32fast::Hasher;\n\
         \n\
         fn checksum(data: &[u8]) -> u32 {\n\
         \x20   let mut hasher = Hasher::new();\n\
         \x20   hasher.update(data);\n\
         \x20   hasher.finalize()\n\
         }\n\
         \n\
         pub async fn save(data: &[u8]) -> u32 {\n\
         \x20   checksum(data)\n\
         }\n\
         \n\
         pub async fn verify(data: &[u8]) -> u32 {\n\
         \x20   let mut hasher: crc32fast::Hasher = crc32fast::Hasher::new();\n\
         \x20   hasher.update(data);\n\
         \x20   hasher.finalize()\n\
         }\n\
         \n\
         pub async fn unrelated(cache: &mut Cache) {\n\
         \x20   let guard = cache.checkout();\n\
         \x20   guard.finalize();\n\
         \x20   let disk = cache.disk();\n\
         \x20   disk.flush_to_disk();\n\
         }\n\
         \n\
         pub struct Cache;\n",
    );
    write(
        root,
        "auth/Cargo.toml",
        "[package]\nname = \"auth\"\n\n[dependencies]\nhmac = \"0.12\"\nsha2 = \"0.10\"\n",
    );
    write(
        root,
        "auth/src/lib.rs",
        "use hmac::{Hmac, Mac};\n\
         use sha2::Sha256;\n\
         \n\
         type HmacSha256 = Hmac<Sha256>;\n\
         \n\
         fn sign(key: &[u8], data: &[u8]) -> Vec<u8> {\n\
         \x20   let mut mac = HmacSha256::new_from_slice(key).unwrap();\n\
         \x20   mac.update(data);\n\
         \x20   mac.finalize().into_bytes().to_vec()\n\
         }\n\
         \n\
         pub async fn login(key: &[u8], data: &[u8]) -> Vec<u8> {\n\
         \x20   sign(key, data)\n\
         }\n",
    );
    write(root, "tools/Cargo.toml", "[package]\nname = \"tools\"\n");
    write(
        root,
        "tools/src/lib.rs",
        "pub struct Disk;\n\
         pub struct Handle;\n\
         \n\
         impl Disk {\n\
         \x20   pub fn flush_to_disk(&self) {\n\
         \x20       std::fs::write(\"state\", b\"\").unwrap();\n\
         \x20   }\n\
         }\n",
    );
    write(
        root,
        "app/Cargo.toml",
        "[package]\nname = \"app\"\n\n[dependencies]\ntools = { path = \"../tools\" }\n",
    );
    write(
        root,
        "app/src/main.rs",
        "async fn flush(handle: &tools::Handle) {\n\
         \x20   let disk = handle.disk();\n\
         \x20   disk.flush_to_disk();\n\
         }\n\
         \n\
         fn main() {}\n",
    );
    dir
}

#[test]
fn name_only_methods_come_from_reachable_crates_and_stated_dependency_types_keep_their_own() {
    let dir = workspace();
    let (code, report) = json_in(dir.path(), &["--no-deps"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        [
            (
                "app/src/main.rs".into(),
                3,
                "fs".into(),
                "tools::Disk::flush_to_disk".into()
            ),
            (
                "runner/src/main.rs".into(),
                20,
                "fs".into(),
                "Guard::finalize".into()
            ),
        ],
        "only the untyped receivers whose crate can reach the blocking method: not the \
         crc32fast, hmac or sha2 `finalize` (store, auth, runner:15), not store's \
         untyped calls (store depends on neither runner nor tools)"
    );
}
