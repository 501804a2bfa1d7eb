//! Pathological nesting must not overflow the stack: the visitor stops descending at
//! `MAX_DEPTH` nested expressions/blocks/items and reports what it found above that.
//!
//! syn's own parser recurses too, so these sources are parsed on a thread with a big
//! stack, as the CLI does.

use blockwatch_lint::{check_file, Config, MAX_DEPTH};

/// The kinds of nesting tried: (open, close).
const NESTINGS: &[(&str, &str)] = &[
    ("{", "}"),
    ("(", ")"),
    ("|| ", ""),
    ("async { ", " }"),
    ("vec![", "]"),
    ("println!(\"{}\", ", ")"),
    ("my_macro!(", ")"),
];

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!(
        "async fn f() {{ std::thread::sleep(d); let _ = {}std::fs::read(p){}; }}",
        open.repeat(depth),
        close.repeat(depth)
    )
}

/// Eats about `frames * 16 KiB` of stack, then runs `f`.
#[inline(never)]
fn with_stack_used(frames: usize, f: &dyn Fn()) {
    let pad = [0u8; 16 << 10];
    std::hint::black_box(&pad);
    if frames == 0 {
        f()
    } else {
        with_stack_used(frames - 1, f)
    }
}

/// Parses `src` on a 64 MiB thread, then checks it with only `budget_kib` of stack left.
fn flagged_with_budget(src: String, budget_kib: usize) -> Vec<String> {
    const TOTAL_KIB: usize = 64 << 10;
    std::thread::Builder::new()
        .stack_size(TOTAL_KIB << 10)
        .spawn(move || {
            let file: syn::File = syn::parse_str(&src).unwrap();
            let found = std::cell::RefCell::new(Vec::new());
            with_stack_used((TOTAL_KIB - budget_kib - 256) / 16, &|| {
                *found.borrow_mut() = check_file(&file, &Config::default())
                    .into_iter()
                    .map(|f| f.resolved)
                    .collect();
            });
            // Dropping a deep syn tree recurses as well; this thread has room for it.
            drop(file);
            found.into_inner()
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn thousands_of_nested_blocks_parens_closures_and_macros() {
    for (open, close) in NESTINGS {
        let got = flagged_with_budget(nested(open, close, 2000), 32 << 10);
        // The call below the cap is not seen; the one above it is.
        assert_eq!(got, ["std::thread::sleep"], "nesting with {open:?}");
    }
}

#[test]
fn nesting_below_the_cap_is_fully_checked() {
    for (open, close) in &NESTINGS[..4] {
        let got = flagged_with_budget(nested(open, close, MAX_DEPTH / 4), 32 << 10);
        assert_eq!(
            got,
            ["std::thread::sleep", "std::fs::read"],
            "nesting with {open:?}"
        );
    }
}

#[test]
fn the_capped_walk_needs_little_stack() {
    // Walking down to the cap must fit well inside a default 2 MiB thread stack, even
    // in a debug build.
    for (open, close) in NESTINGS {
        let got = flagged_with_budget(nested(open, close, MAX_DEPTH + 40), 1024);
        assert_eq!(got, ["std::thread::sleep"], "nesting with {open:?}");
    }
}

#[test]
fn code_left_unchecked_is_counted_in_the_summary() {
    // Macro bodies past the cap are token-scanned for catalog paths instead: not skipped.
    for (open, close) in &NESTINGS[..4] {
        let (shallow, deep) = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || {
                let count = |depth| {
                    let src = nested(open, close, depth);
                    let file: syn::File = syn::parse_str(&src).unwrap();
                    let config = blockwatch_lint::Config::default();
                    let summary =
                        blockwatch_lint::summarize_file(&file, "deep.rs", &[], false, &config);
                    summary.unchecked_deep
                };
                (count(MAX_DEPTH / 4), count(MAX_DEPTH * 2))
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(shallow, 0, "nesting with {open:?}");
        assert!(deep > 0, "nesting with {open:?}");
    }
}

#[test]
fn an_item_checked_as_the_attribute_does_says_what_it_left_unchecked() {
    // A method chain nests receivers without any delimiter: 400 calls deep.
    let chain = format!(
        "async fn f() {{ std::thread::sleep(d); x{}; }}",
        ".m()".repeat(400)
    );
    let report = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let item: syn::Item = syn::parse_str(&chain).unwrap();
            let report = blockwatch_lint::check_item_report(&item, &Config::default());
            (report.findings.len(), report.unchecked_deep)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(report.0, 1, "the call above the cap is still found");
    assert!(report.1 > 0, "the chain below the cap is counted");
}

/// Depths syn's own parser reaches on a 6 MiB stack in a debug build, per entry of
/// `NESTINGS` (measured; a release build reaches further). Macro bodies are tokens to
/// syn, so any depth parses.
const SYN_PARSES_ON_6_MIB: [usize; 7] = [250, 400, 250, 150, 2000, 2000, 2000];

#[test]
fn whatever_syn_parses_on_an_8_mib_thread_the_engine_checks_on_it() {
    for ((open, close), depth) in NESTINGS.iter().zip(SYN_PARSES_ON_6_MIB) {
        let src = nested(open, close, depth);
        let flagged = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let file: syn::File = syn::parse_str(&src).unwrap();
                let config = Config::default();
                let found: Vec<String> = check_file(&file, &config)
                    .into_iter()
                    .map(|f| f.resolved)
                    .collect();
                blockwatch_lint::summarize_file(&file, "deep.rs", &[], false, &config);
                for item in &file.items {
                    blockwatch_lint::check_item(item, &config);
                }
                drop(file);
                found
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(flagged[0], "std::thread::sleep", "nesting with {open:?}");
    }
}
