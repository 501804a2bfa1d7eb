//! The labelled corpus: `tests/corpus/*.rs` files whose lines
//! that must be flagged end with `// expect: <resolved path>[, <resolved path>...]`.
//! Every other finding is a false positive; the test asserts the exact set.

use std::collections::BTreeMap;
use std::path::Path;

use blockwatch_lint::{check_file, Config};

/// (file, line) -> resolved paths.
type Labels = BTreeMap<(String, usize), Vec<String>>;

fn labels(name: &str, text: &str) -> Labels {
    let mut out = Labels::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((_, rest)) = line.split_once("// expect: ") {
            let paths = rest.split(',').map(|p| p.trim().to_string()).collect();
            out.insert((name.to_string(), i + 1), paths);
        }
    }
    out
}

/// The corpus files, so that a file lost from the directory fails the test.
const CORPUS_FILES: usize = 10;

/// The `// expect:` labels over the corpus, so that a label lost from a file fails too.
const LABELLED_FINDINGS: usize = 65;

#[test]
fn corpus_findings_are_exactly_the_labelled_ones() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut expected = Labels::new();
    let mut found = Labels::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus dir") {
        let path = entry.expect("corpus entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        files += 1;
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).expect("corpus file");
        expected.extend(labels(&name, &text));
        let file: syn::File = syn::parse_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for f in check_file(&file, &Config::default()) {
            found
                .entry((name.clone(), f.start().0))
                .or_default()
                .push(f.resolved);
        }
    }

    let (mut tp, mut fp, mut missed) = (0usize, Vec::new(), Vec::new());
    for (key, got) in &found {
        let mut want = expected.get(key).cloned().unwrap_or_default();
        for g in got {
            match want.iter().position(|w| w == g) {
                Some(i) => {
                    want.remove(i);
                    tp += 1;
                }
                None => fp.push(format!("{}:{} {g}", key.0, key.1)),
            }
        }
    }
    for (key, want) in &expected {
        let mut got = found.get(key).cloned().unwrap_or_default();
        for w in want {
            match got.iter().position(|g| g == w) {
                Some(i) => {
                    got.remove(i);
                }
                None => missed.push(format!("{}:{} {w}", key.0, key.1)),
            }
        }
    }
    println!(
        "corpus: {files} files, {tp} true positives, {} false positives, {} missed",
        fp.len(),
        missed.len()
    );
    // Exact: every label found and nothing else. One lost finding or one false alarm
    // fails, naming the file, line and API.
    assert!(fp.is_empty(), "false positives: {fp:#?}");
    assert!(missed.is_empty(), "missed: {missed:#?}");
    assert_eq!(files, CORPUS_FILES, "corpus files");
    assert_eq!(tp, LABELLED_FINDINGS, "labelled findings in the corpus");
}
