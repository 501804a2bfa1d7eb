//! Arbitrary text as a `blockwatch.toml`: a configuration is either read or refused
//! with an error, never a panic; a configuration that is read can build its catalog and
//! check code.
#![no_main]

use blockwatch_lint::{check_file, Config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = std::path::Path::new("blockwatch.toml");
    match Config::from_toml_str(text, origin) {
        Ok(config) => {
            let catalog = config.catalog.to_catalog();
            std::hint::black_box(&catalog);
            let file: syn::File = syn::parse_str(
                "use std::thread; async fn f(d: u64) { thread::sleep(d); my::offload(|| x()); }",
            )
            .expect("fixed input parses");
            check_file(&file, &config);
        }
        Err(e) => {
            assert!(!e.message.is_empty(), "an error says what is wrong: {e:?}");
        }
    }
});
