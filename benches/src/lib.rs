//! Shared helpers of the blockwatch benchmarks (see BENCHMARKS.md at the repository root).
