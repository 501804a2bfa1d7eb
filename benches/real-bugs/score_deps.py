#!/usr/bin/env python3
"""Recall on the real-bug corpus with dependency analysis next to recall without it.

Run benches/real-bugs/fetch_deps.py first: it downloads each scanned commit's dependency
sources into a dedicated CARGO_HOME and keeps the lock file cargo fetched with. This
script exports every scanned commit as score.py does, puts that lock file in the tree
(the scanner runs `cargo metadata --offline --locked` and never writes one), and scans
the tree twice: with `--no-deps`, and with dependency analysis under that CARGO_HOME
(CARGO_TARGET_DIR is `<home>/target` for every tree, so the summary cache is shared).
It prints, side by side:

  - every entry's outcome in both runs (score.py's outcomes: exact, chain, call-site,
    other-path, miss) and the dependency crates a with-deps finding's chain enters;
  - recall per shape and overall in both runs;
  - per scanned commit: whether its dependencies resolved (deps-status.tsv), how many
    were analysed, and how many findings the dependencies added and dropped.

The findings that only the with-deps run reports go to `deps-new-findings.tsv` under
`--out`; a seeded sample of the non-test ones (same ranking as score.py) goes to
`deps-precision-sample.tsv`, joined with the verdicts of `deps-triage.tsv` (same
columns as triage.tsv), and the sample's triaged precision is printed.

Each commit's two scans are stored in `<out>/deps-scans/`, with the wall and CPU time of
each and the load average when it started; `--reuse` takes them from there instead of
scanning again (`--reuse-only` scores just those), so a long run can be scored while it
goes on, and triage reruns cost nothing. With `--timeout S` a scan still running after
S seconds is stopped, and with `--max-memory-gb G` a scan that needs more address space
fails its allocation (a runaway scan would otherwise starve the machine): its commit is
reported as timed out or out of memory (never as a miss) and left out of both recalls;
`--reuse` scans it again only under a larger limit.

Commits whose dependencies resolved (deps-status.tsv) are scanned first, smallest
dependency graph first, so a run cut short has compared the most commits.

    python3 benches/real-bugs/score_deps.py [--home DIR] [--cli PATH] [--sample N] [--only REPO] [--reuse]
        [--timeout S] [--max-memory-gb G]
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fetch_deps import DEFAULT_HOME, cargo_home, saved_lock, slug  # noqa: E402
from score import (  # noqa: E402
    REPO_ROOT,
    SHAPES,
    TRIAGE_HEADER,
    ManifestError,
    ScanStopped,
    _sample_key,
    export_tree,
    git_dir,
    load_manifest,
    load_triage,
    sample_rank,
    scan,
    score,
)

HITS = ("exact", "chain", "call-site")


def finding_key(f):
    """What makes two runs' findings the same finding."""
    return (f["file"], f["line"], f["column"], f["resolved"])


def dependency_crates(f):
    """The dependency crates a finding's chain enters, in order, once each."""
    seen = []
    for step in f.get("chain", []):
        krate = step.get("crate")
        if krate and krate not in seen:
            seen.append(krate)
    return seen


def load_status(path):
    """deps-status.tsv: (repo, parent, root) -> (status, lock, packages, reason)."""
    rows = {}
    if path.is_file():
        for row in path.read_text().splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) == 7:
                rows[tuple(cols[:3])] = tuple(cols[3:])
    return rows


def timed_scan(cli, ws, extra, limits):
    """One scan with its cost: (document or None when a limit stopped it, cost).

    The cost is the wall time, the CPU time of the scanner and what it ran (user + system,
    from the children's resource usage), the 1-minute load average when it started and
    the limits it ran under; `stopped` says which limit stopped it (`timed out`, `out of
    memory`) and why."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    stopped = None
    try:
        doc = scan(cli, ws, extra, timeout=limits["timeout_s"], max_memory_gb=limits["max_memory_gb"])
    except ScanStopped as e:
        doc, stopped = None, {"outcome": e.outcome, "why": str(e)}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cost = {"wall_s": round(time.monotonic() - start, 1), "cpu_s": round(cpu, 1), "load": round(load, 2), **limits}
    if stopped:
        cost["stopped"] = stopped
    return doc, cost


def load_stored(path):
    """A commit's stored scans as {"without", "with", "cost"}; `with` is None when it timed out.

    Files of the earlier format (a list of the two documents, no cost) are read too."""
    with open(path) as f:
        stored = json.load(f)
    if isinstance(stored, list):
        return {"without": stored[0], "with": stored[1], "cost": {}}
    return stored


def needs_rescan(stored, limits):
    """Whether a stored with-deps scan that a limit stopped should be tried again under `limits`
    (only when the limit that stopped it is now larger or gone)."""
    if stored["with"] is not None:
        return False
    cost = stored["cost"].get("with", {})
    key = {"timed out": "timeout_s", "out of memory": "max_memory_gb"}.get(cost.get("stopped", {}).get("outcome"))
    if key is None:
        return True
    old, new = cost.get(key), limits[key]
    return new is None or (old is not None and new > old)


def stopped_outcome(cost):
    """What an entry of a commit whose with-deps scan was stopped is reported as."""
    return cost.get("stopped", {}).get("outcome", "timed out")


def fmt_cost(cost):
    if not cost:
        return "-"
    return f"{cost['wall_s']:.0f} s / {cost['cpu_s']:.0f} s (load {cost['load']:.1f})"


def recall(counts):
    total = sum(counts.values())
    hit = sum(counts[o] for o in HITS)
    return f"{hit / total:.2f} ({hit}/{total})" if total else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", type=Path, default=HERE / "manifest.toml")
    ap.add_argument("--triage", type=Path, default=HERE / "deps-triage.tsv")
    ap.add_argument("--status", type=Path, default=HERE / "deps-status.tsv")
    ap.add_argument("--mirror", type=Path, default=Path(os.environ.get("BLOCKWATCH_MIRROR", "/work/.mirror")))
    ap.add_argument("--home", type=Path, default=DEFAULT_HOME, help="the directory fetch_deps.py filled")
    ap.add_argument("--cli", type=Path, default=Path(os.environ.get("BLOCKWATCH_CLI", REPO_ROOT / "target/release/cargo-blockwatch")))
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "target/real-bugs")
    ap.add_argument("--sample", type=int, default=30, help="size of the precision sample of new findings")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--reuse", action="store_true",
                    help="take a commit's two scans from <out>/deps-scans/ when a previous run stored them")
    ap.add_argument("--reuse-only", action="store_true",
                    help="score only the stored scans, scan nothing")
    ap.add_argument("--only", action="append", default=[], metavar="REPO", help="only this owner/name (repeatable)")
    ap.add_argument("--timeout", type=float, default=None, metavar="S",
                    help="stop a scan that runs longer than S seconds and report its commit as timed out")
    ap.add_argument("--max-memory-gb", type=float, default=None, metavar="G",
                    help="cap each scan's address space at G GiB and report a commit that needs more as out of memory")
    args = ap.parse_args()
    if args.timeout is not None and args.timeout <= 0:
        print(f"error: --timeout must be a positive number of seconds, not {args.timeout:g}", file=sys.stderr)
        return 2
    if args.max_memory_gb is not None and args.max_memory_gb <= 0:
        print(f"error: --max-memory-gb must be a positive number, not {args.max_memory_gb:g}", file=sys.stderr)
        return 2
    limits = {"timeout_s": args.timeout, "max_memory_gb": args.max_memory_gb}

    try:
        bugs = load_manifest(args.manifest)
        verdicts = load_triage(args.triage)
    except ManifestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not args.cli.is_file():
        print(f"error: no scanner at {args.cli}: run `cargo build --release -p cargo-blockwatch` or pass --cli", file=sys.stderr)
        return 2
    home = cargo_home(args.home)
    if not home.is_dir():
        print(f"error: no CARGO_HOME at {home}: run benches/real-bugs/fetch_deps.py first", file=sys.stderr)
        return 2
    # The scanner's `cargo metadata` reads the fetched sources from here.
    os.environ["CARGO_HOME"] = str(home)
    # One target directory for every tree: the scanner keeps its dependency summaries
    # there (keyed by package, version, features and engine), so a crate that several
    # repositories share is summarized once, and a second run reads them all.
    os.environ["CARGO_TARGET_DIR"] = str(args.home / "target")
    status = load_status(args.status)

    groups = defaultdict(list)
    for bug in bugs:
        if not args.only or bug["repo"] in args.only:
            groups[(bug["repo"], bug["parent"], bug.get("root", ""))].append(bug)

    outcomes = {}  # id -> (bug, without, with, with-hits)
    per_commit = []
    timed_out = []  # (repo, parent, root, costs): commits whose with-deps scan a limit stopped
    new_findings = []
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="blockwatch-real-bugs-deps-") as tmp:
        # Resolved commits first, smallest dependency trees first: a run cut short has
        # compared the most commits.
        def size(group):
            st, _, packages = status.get(group[0], ("", "", "0"))[:3]
            return (st != "resolved", int(packages) if packages.isdigit() else 0, group[0])

        for (repo, parent, root), entries in sorted(groups.items(), key=size):
            gitdir = git_dir(args.mirror, repo)
            if gitdir is None:
                print(f"not fetched: run fetch for github:{repo}")
                continue
            tree = Path(tmp) / slug(repo, parent)
            ws = tree / root if root else tree
            stored = args.out / "deps-scans" / f"{slug(repo, parent)}.json"
            done = load_stored(stored) if (args.reuse or args.reuse_only) and stored.is_file() else None
            if done is None and args.reuse_only:
                print(f"not scanned yet: {repo}@{parent[:12]} (no {stored})")
                continue
            if done is None or (not args.reuse_only and needs_rescan(done, limits)):
                try:
                    export_tree(gitdir, parent, tree)
                    lock = saved_lock(args.home, repo, parent)
                    if lock.is_file():
                        shutil.copyfile(lock, ws / "Cargo.lock")
                    if done is None:
                        bare, bare_cost = timed_scan(args.cli, ws, ["--no-deps"], limits)
                        if bare is None:
                            print(f"{bare_cost['stopped']['outcome']} without deps: {repo}@{parent[:12]} "
                                  f"({fmt_cost(bare_cost)}): {bare_cost['stopped']['why']}")
                            continue
                        done = {"without": bare, "with": None, "cost": {"without": bare_cost}}
                    done["with"], done["cost"]["with"] = timed_scan(args.cli, ws, [], limits)
                except (RuntimeError, OSError, ValueError) as e:
                    print(f"skipped {repo}@{parent[:12]}: {e}")
                    continue
                finally:
                    shutil.rmtree(tree, ignore_errors=True)
                stored.parent.mkdir(parents=True, exist_ok=True)
                with open(stored, "w") as f:
                    json.dump(done, f)
            bare, deps, cost = done["without"], done["with"], done["cost"]
            if deps is None:
                outcome = stopped_outcome(cost.get("with", {}))
                for bug in entries:
                    o1, _ = score(bug, bare["findings"])
                    outcomes[bug["id"]] = (bug, o1, outcome, [])
                timed_out.append((repo, parent, root, cost))
                print(f"{outcome} with deps: {repo}@{parent[:12]}{'/' + root if root else ''} "
                      f"({fmt_cost(cost.get('with'))}; {cost.get('with', {}).get('stopped', {}).get('why', '')}); "
                      f"{len(bare['findings'])} findings without deps", flush=True)
                continue
            before = {finding_key(f) for f in bare["findings"]}
            after = {finding_key(f) for f in deps["findings"]}
            for bug in entries:
                o1, _ = score(bug, bare["findings"])
                o2, hits = score(bug, deps["findings"])
                outcomes[bug["id"]] = (bug, o1, o2, hits)
            added = [f for f in deps["findings"] if finding_key(f) not in before]
            new_findings += [(repo, parent, root, f) for f in added]
            analysed = deps["summary"].get("dependencies_analysed", 0)
            notes = [n["message"] for n in deps.get("notes", []) if "dependencies not analysed" in n["message"]]
            hits = tuple(sum(1 for b in entries if outcomes[b["id"]][i] in HITS) for i in (1, 2))
            per_commit.append((repo, parent, root, status.get((repo, parent, root), ("not in status",))[0],
                               analysed, len(added), len(before - after), notes[0] if notes else "",
                               len(entries), hits, cost))
            print(f"scanned {repo}@{parent[:12]}{'/' + root if root else ''}: {len(bare['findings'])} findings "
                  f"without deps, {len(deps['findings'])} with ({analysed} dependencies analysed)", flush=True)

    print("\n| id | shape | without deps | with deps | dependency crates in the chain |")
    print("|---|---|---|---|---|")
    ordered = [outcomes[b["id"]] for b in bugs if b["id"] in outcomes]
    for bug, o1, o2, hits in ordered:
        crates = ", ".join(dependency_crates(hits[0])) if hits else ""
        print(f"| {bug['id']} | {bug['shape']} | {o1} | {o2} | {crates} |")

    print("\n| shape | entries | recall without deps | recall with deps |")
    print("|---|---:|---:|---:|")
    without, with_ = defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int))
    for bug, o1, o2, _ in outcomes.values():
        if o2 not in HITS + ("other-path", "miss"):
            continue  # compared only where both scans finished
        for shape in (bug["shape"], "**all**"):
            without[shape][o1] += 1
            with_[shape][o2] += 1
    for shape in SHAPES + ["**all**"]:
        if shape in without:
            print(f"| {shape} | {sum(without[shape].values())} | {recall(without[shape])} | {recall(with_[shape])} |")

    print("\n| scanned commit | fetch_deps status | entries hit without / with deps | dependencies analysed "
          "| findings added | dropped | scan without deps: wall / CPU | with deps: wall / CPU |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for repo, parent, root, st, analysed, added, dropped, note, n, (h1, h2), cost in per_commit:
        print(f"| {repo}@{parent[:12]}{'/' + root if root else ''} | {st} | {h1}/{n} / {h2}/{n} | {analysed} "
              f"| {added} | {dropped} | {fmt_cost(cost.get('without'))} | {fmt_cost(cost.get('with'))} |")
    for repo, parent, root, cost in timed_out:
        print(f"| {repo}@{parent[:12]}{'/' + root if root else ''} | {status.get((repo, parent, root), ('?',))[0]} "
              f"| with deps {stopped_outcome(cost.get('with', {}))} | - | - | - | {fmt_cost(cost.get('without'))} "
              f"| {stopped_outcome(cost.get('with', {}))}: {fmt_cost(cost.get('with'))} |")
    resolved = sum(1 for c in per_commit if c[4] > 0)
    print(f"\n{resolved} of {len(per_commit)} scanned commits had their dependencies analysed; "
          f"{sum(c[4] for c in per_commit)} dependencies analysed in all; "
          f"{len(new_findings)} findings added by dependencies ({sum(1 for o in new_findings if not o[3]['in_test'])} "
          f"outside test code), {sum(c[6] for c in per_commit)} dropped")
    if timed_out:
        print(f"{len(timed_out)} commits' with-deps scans were stopped by a limit (left out of both recalls): "
              + ", ".join(f"{r}@{p[:12]} ({stopped_outcome(c.get('with', {}))})" for r, p, _, c in timed_out))
    for repo, parent, root, st, analysed, _, _, note, *_ in per_commit:
        if st == "resolved" and not analysed:
            print(f"- resolved by fetch_deps but not analysed: {repo}@{parent[:12]}: {note or 'no note'}")

    new_findings.sort(key=lambda o: _sample_key(o))
    with open(args.out / "deps-new-findings.tsv", "w") as f:
        f.write("repo\tparent\tfile\tline\tcolumn\tresolved\tcertainty\tin_test\tcrates\tmessage\n")
        for o in new_findings:
            d = o[3]
            key = _sample_key(o)
            f.write("\t".join(key + [d["certainty"], str(d["in_test"]).lower(), ",".join(dependency_crates(d)),
                                     d["message"].replace("\t", " ")]) + "\n")
    pool = [o for o in new_findings if not o[3]["in_test"]]
    sample = sorted(pool, key=lambda o: sample_rank(args.seed, o))[: args.sample]
    judged = defaultdict(int)
    with open(args.out / "deps-precision-sample.tsv", "w") as f:
        f.write(TRIAGE_HEADER + "\n")
        for o in sample:
            key = _sample_key(o)
            verdict, reason = verdicts.get(tuple(key), ("", ""))
            judged[verdict or "untriaged"] += 1
            f.write("\t".join(key + [verdict, reason]) + "\n")
    print(f"new findings in {args.out / 'deps-new-findings.tsv'}; sample of {len(sample)} (seed {args.seed}) "
          f"in {args.out / 'deps-precision-sample.tsv'}")
    n = judged["true"] + judged["false"]
    if n:
        print(f"triaged precision of the new findings: {judged['true'] / n:.2f} ({judged['true']} true of {n} "
              f"judged; {judged['untriaged']} untriaged)")
    else:
        print(f"triaged precision: none of the sample is judged in {args.triage} yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
