//! Shared pieces of the blockwatch benchmarks (see BENCHMARKS.md at the repository root).
//!
//! Every benchmark binary in `src/bin/` measures one claim side by side with a named
//! baseline in the same run, in interleaved rounds, and prints medians and ratios as a
//! Markdown table followed by `BUDGET` lines. `benches/run.sh` builds and runs them all.
//!
//! ```
//! let order = blockwatch_benches::rounds::order(1, 3);
//! assert_eq!(order, [1, 2, 0]);
//! ```
#![warn(missing_docs)]

pub mod budget;
pub mod child_cpu;
pub mod corpus;
pub mod cpu_time;
pub mod dependency_workspace;
pub mod generated_crate;
pub mod http;
pub mod options;
pub mod parallel;
pub mod rounds;
pub mod stats;
pub mod watchdog;
pub mod workload;
