#!/usr/bin/env bash
# Runs every blockwatch benchmark, each against its named baseline, and prints the
# results as Markdown (see BENCHMARKS.md). Also saved to target/bench/results.md.
#
#   benches/run.sh           full run (about 15-20 minutes on 2 cores, after the build)
#   benches/run.sh --quick   smoke run: small sizes, few rounds, budgets not judged
#
# Two builds: a stable one, and one with --cfg tokio_unstable for the poll hooks (with
# its own plain baseline). Both in their own target directories under target/bench, with
# line tables, as recommended for any profile that runs the watchdog.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=()
case "${1:-}" in
  "") ;;
  --quick) mode=(--quick) ;;
  *) echo "usage: benches/run.sh [--quick]" >&2; exit 2 ;;
esac

target="${BLOCKWATCH_BENCH_TARGET:-target/bench}"
export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
export CARGO_TERM_COLOR=never

echo "== build: stable" >&2
cargo build --release --quiet -p blockwatch-benches -p cargo-blockwatch --target-dir "$target/stable"
echo "== build: --cfg tokio_unstable" >&2
RUSTFLAGS="${RUSTFLAGS:-} --cfg tokio_unstable" \
  cargo build --release --quiet -p blockwatch-benches --bins --target-dir "$target/unstable"

stable="$target/stable/release"
unstable="$target/unstable/release"
results="$target/results.md"
mkdir -p "$target"
started=$(date +%s)

{
  echo "# blockwatch benchmark results${mode:+ (quick run: indicative only)}"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(rustc -V)"
  echo "- command: benches/run.sh ${mode[*]:-}"
  echo
  "$stable/poll_overhead" "${mode[@]}"
  echo
  "$unstable/poll_overhead" "${mode[@]}"
  echo
  "$stable/server_load" "${mode[@]}"
  echo
  "$unstable/server_load" "${mode[@]}"
  echo
  "$stable/detection_latency" "${mode[@]}"
  echo
  "$stable/scanner_throughput" "${mode[@]}"
  echo
  "$stable/dependency_scan" "${mode[@]}"
  echo
  "$stable/attribute_cost" "${mode[@]}"
  echo
  echo "Benchmarks took $(( $(date +%s) - started )) s after the build; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$results"
