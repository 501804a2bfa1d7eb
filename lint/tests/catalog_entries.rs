//! Every entry of the built-in catalog is detected: for each one, a call written from the
//! entry's own pattern (its path, a call below its prefix, or its method on a receiver of
//! the listed kind) inside an async fn, checked by the engine. The finding must carry
//! the entry's category and replacement. An entry added to the catalog is covered
//! without editing this file; a pattern kind this file cannot write a call for fails.

use blockwatch_lint::catalog::Receiver;
use blockwatch_lint::{check_file, Catalog, Category, Config, Entry, Pattern};

/// The call that exercises `entry`, the `use` items it needs, and the resolved API the
/// finding must name.
struct Probe {
    uses: String,
    call: String,
    resolved: String,
}

/// `n` arguments (one when the count does not matter).
fn arguments(arity: Option<usize>) -> String {
    vec!["arg"; arity.unwrap_or(1)].join(", ")
}

/// A receiver expression whose chain calls `path`: the path itself when it names a fn,
/// a constructor below it when it names a type, any fn below it when it is a prefix.
fn receiver_calling(path: &str) -> String {
    if path.ends_with("::") {
        return format!("{path}make()");
    }
    let last = path.rsplit("::").next().unwrap_or(path);
    if last.starts_with(|c: char| c.is_ascii_lowercase()) {
        format!("{path}()")
    } else {
        format!("{path}::new()")
    }
}

fn probe(entry: &Entry) -> Probe {
    match &entry.pattern {
        Pattern::Path(path) => Probe {
            uses: String::new(),
            call: format!("{path}(arg)"),
            resolved: path.to_string(),
        },
        Pattern::Prefix(prefix) => Probe {
            uses: String::new(),
            call: format!("{prefix}any_call(arg)"),
            resolved: format!("{prefix}any_call"),
        },
        Pattern::Method {
            name,
            arity,
            receiver,
            api,
        } => {
            let args = arguments(*arity);
            let (uses, on) = match receiver {
                Receiver::Any => (String::new(), "value".to_string()),
                Receiver::ChainCalls(paths) => (String::new(), receiver_calling(paths[0])),
                Receiver::ImportedCrate(krate) => {
                    (format!("use {krate}::prelude::*; "), "value".to_string())
                }
                other => panic!("no call written for receiver {other:?} of {}", entry.key()),
            };
            Probe {
                uses,
                call: format!("{on}.{name}({args})"),
                resolved: api.to_string(),
            }
        }
        other => panic!("no call written for pattern {other:?}"),
    }
}

#[test]
fn every_catalog_entry_is_detected_with_its_category_and_replacement() {
    let catalog = Catalog::builtin();
    // Every category on, the opt-in ones included.
    let config = Config {
        catalog: blockwatch_lint::CatalogConfig {
            enable: Category::ALL.to_vec(),
            ..blockwatch_lint::CatalogConfig::default()
        },
        ..Config::default()
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in catalog.entries() {
        let probe = probe(entry);
        let src = format!(
            "{}async fn probe() {{\n    {};\n}}\n",
            probe.uses, probe.call
        );
        let file: syn::File =
            syn::parse_str(&src).unwrap_or_else(|e| panic!("{}: {e}\n{src}", entry.key()));
        let findings = check_file(&file, &config);
        let hit = findings.iter().find(|f| {
            f.resolved == probe.resolved
                && f.category == entry.category
                && f.replacement == entry.replacement
                && f.start().0 == 2
        });
        if hit.is_none() {
            let got: Vec<String> = findings
                .iter()
                .map(|f| {
                    format!(
                        "{} [{}] {} -> {} at {:?}",
                        f.call,
                        f.category,
                        f.resolved,
                        f.replacement,
                        f.start()
                    )
                })
                .collect();
            failures.push(format!(
                "{} ({}, `{}`): `{}` gave {got:?}",
                entry.pattern, entry.category, entry.replacement, probe.call
            ));
        }
        checked += 1;
    }
    assert_eq!(checked, catalog.entries().len());
    assert!(
        failures.is_empty(),
        "{} of {checked} entries not detected as listed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
