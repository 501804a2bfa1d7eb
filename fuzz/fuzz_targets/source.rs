//! Arbitrary source text through every entry point of the engine: `check_file` (the
//! scanner), `summarize_file` (the scanner's workspace analysis) and `check_item` on
//! each item (what `#[no_blocking]` runs on the item it is attached to).
//!
//! syn's parser recurses once or more per nesting level, so the input is handled on a
//! thread with a big stack, as the scanner does: a crash here is the engine's, not a
//! stack too small for syn. The engine itself must need little stack (it caps its walk).
#![no_main]

use blockwatch_lint::{check_file, check_item, summarize_file, Config};
use libfuzzer_sys::fuzz_target;

fn run(text: &str) {
    let Ok(file) = syn::parse_file(text) else {
        return;
    };
    let config = Config::default();
    let findings = check_file(&file, &config);
    for f in &findings {
        // Every finding says what was called, what it is and what to use instead.
        // (Lines are not checked: under `cfg(fuzzing)` proc-macro2 keeps no locations.)
        assert!(!f.call.is_empty() && !f.resolved.is_empty(), "{f:?}");
        assert!(!f.replacement.is_empty() && !f.context.is_empty(), "{f:?}");
    }
    let summary = summarize_file(&file, "src/fuzz.rs", &["fuzz".to_string()], false, &config);
    assert_eq!(
        summary.findings.len(),
        findings.len(),
        "the summary carries the direct findings"
    );
    for item in &file.items {
        check_item(item, &config);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_owned();
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            run(&text);
            proc_macro2::extra::invalidate_current_thread_spans();
        })
        .expect("spawn the worker");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
});
