//! Budgets: the cost claims of the issue, checked against measured medians and printed
//! as `BUDGET` lines that BENCHMARKS.md quotes.

use std::fmt;

/// One budget and what was measured against it.
///
/// ```
/// use blockwatch_benches::budget::Budget;
/// let budget = Budget::at_most("wrapper added ns per poll", 1.8, 5.0, "ns", false);
/// assert!(budget.met());
/// assert_eq!(budget.to_string(), "BUDGET met: wrapper added ns per poll = 1.80 ns (limit <= 5.00 ns)");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    name: String,
    measured: f64,
    limit: f64,
    unit: &'static str,
    at_least: bool,
    indicative: bool,
}

impl Budget {
    /// A budget met when `measured <= limit`. `indicative` marks a quick run, whose
    /// numbers are not judged.
    ///
    /// ```
    /// let budget = blockwatch_benches::budget::Budget::at_most("p99", 9.0, 10.0, "ms", true);
    /// assert!(budget.to_string().starts_with("BUDGET (quick run, not judged)"));
    /// ```
    pub fn at_most(
        name: impl Into<String>,
        measured: f64,
        limit: f64,
        unit: &'static str,
        indicative: bool,
    ) -> Budget {
        Budget {
            name: name.into(),
            measured,
            limit,
            unit,
            at_least: false,
            indicative,
        }
    }

    /// A budget met when `measured >= limit`.
    ///
    /// ```
    /// let budget = blockwatch_benches::budget::Budget::at_least("ratio", 0.99, 0.97, "", false);
    /// assert!(budget.met());
    /// ```
    pub fn at_least(
        name: impl Into<String>,
        measured: f64,
        limit: f64,
        unit: &'static str,
        indicative: bool,
    ) -> Budget {
        Budget {
            at_least: true,
            ..Budget::at_most(name, measured, limit, unit, indicative)
        }
    }

    /// Whether the measurement is within the budget (a NaN never is).
    ///
    /// ```
    /// let budget = blockwatch_benches::budget::Budget::at_most("x", f64::NAN, 1.0, "", false);
    /// assert!(!budget.met());
    /// ```
    pub fn met(&self) -> bool {
        if self.at_least {
            self.measured >= self.limit
        } else {
            self.measured <= self.limit
        }
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match (self.indicative, self.met()) {
            (true, _) => "(quick run, not judged)",
            (false, true) => "met:",
            (false, false) => "MISSED:",
        };
        let relation = if self.at_least { ">=" } else { "<=" };
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        write!(
            f,
            "BUDGET {verdict} {} = {:.2}{unit} (limit {relation} {:.2}{unit})",
            self.name, self.measured, self.limit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_inclusive_in_both_directions() {
        assert!(Budget::at_most("a", 5.0, 5.0, "ns", false).met());
        assert!(!Budget::at_most("a", 5.01, 5.0, "ns", false).met());
        assert!(Budget::at_least("b", 0.97, 0.97, "", false).met());
        assert!(!Budget::at_least("b", 0.96, 0.97, "", false).met());
        assert!(!Budget::at_least("b", f64::NAN, 0.97, "", false).met());
    }

    #[test]
    fn missed_budgets_say_so_loudly() {
        let line = Budget::at_least("throughput ratio", 0.9, 0.97, "", false).to_string();
        assert_eq!(
            line,
            "BUDGET MISSED: throughput ratio = 0.90 (limit >= 0.97)"
        );
    }
}
