//! One rule per reported category: the id, name and texts that SARIF viewers show.

use blockwatch_lint::Category;

use crate::args::TEST_CATEGORY;

/// A rule of the report: one per category, plus `test` for test code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    /// The category name (`fs`), also the rule id's suffix.
    pub(crate) category: &'static str,
    /// The rule id, `blockwatch/<category>`.
    pub(crate) id: String,
    /// A CamelCase name, `BlockingFs`.
    pub(crate) name: String,
    /// One line.
    pub(crate) short: &'static str,
    /// A paragraph.
    pub(crate) full: &'static str,
}

/// The common help text of every rule.
pub(crate) const HELP: &str = "A blocking call inside async code holds the executor's worker \
thread: every other task on that thread stalls until it returns (a spinner stops spinning, \
timeouts fire late, throughput collapses). Use the async replacement named in the message, \
or move the call into `tokio::task::spawn_blocking(..)`. If the call is deliberate, add an \
`allow` entry (file glob, path, reason) to the blockwatch configuration, or mark the \
statement `#[blockwatch::allow_blocking]`.";

fn camel(name: &str) -> String {
    let mut out = String::from("Blocking");
    for part in name.split('-') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// Every rule: the engine's categories in display order, then `test`.
pub(crate) fn all() -> Vec<Rule> {
    let mut rules: Vec<Rule> = Category::ALL
        .iter()
        .map(|&c| Rule {
            category: c.name(),
            id: format!("blockwatch/{}", c.name()),
            name: camel(c.name()),
            short: c.title(),
            full: c.explanation(),
        })
        .collect();
    rules.push(Rule {
        category: TEST_CATEGORY,
        id: format!("blockwatch/{TEST_CATEGORY}"),
        name: "BlockingInTestCode".into(),
        short: "Blocking call in async test code",
        full: "A blocking API is called from async test code (#[cfg(test)], #[test] fns, tests/). \
               It stalls the test runtime's worker; switch off with --no-tests.",
    });
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_category_plus_test_with_unique_ids() {
        let rules = all();
        assert_eq!(rules.len(), Category::ALL.len() + 1);
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
        assert!(rules
            .iter()
            .any(|r| r.id == "blockwatch/fs" && r.name == "BlockingFs"));
        assert!(rules
            .iter()
            .any(|r| r.id == "blockwatch/tokio-blocking" && r.name == "BlockingTokioBlocking"));
        assert!(rules
            .iter()
            .all(|r| !r.short.is_empty() && !r.full.is_empty()));
    }
}
