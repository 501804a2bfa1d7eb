#!/usr/bin/env python3
"""Precision of `cargo blockwatch` on large public async workspaces.

For each workspace of big-workspaces.toml (repository, pinned commit), this exports
the commit's tree from the fetched git directory (or reuses an earlier export), runs
the scanner with `--format json` on it (or reads a JSON report given with `--json`),
keeps the findings outside test code, draws a seeded sample of them and joins the
hand verdicts of big-verdicts.tsv. It prints the precision per workspace, the false
findings by cause, and every sampled finding that has no verdict yet, with what a
triager needs to judge it.

A verdict is keyed by a fingerprint that survives engine changes and code motion:
repository, file, the async context (`async fn `x``), the resolved API at the call
and the blocking leaf (the last link of the chain, or the API itself). The line is a
hint: several findings with one fingerprint are told apart by it, and a finding whose
line moved keeps its verdict when its fingerprint is unique. The sample ranks
findings by SHA-256 of the seed and the fingerprint with its occurrence number, so a
re-scan keeps the sampled findings that are still reported and only new ones need a
verdict.

    python3 benches/real-bugs/big_sample.py [--mirror DIR] [--cli PATH] [--trees DIR]
                                            [--json OWNER/NAME=FILE] [--sample N] [--seed S]
"""

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from score import export_tree, git_dir  # noqa: E402  (the real-bug scorer's exporter)

VERDICT_HEADER = ["repo", "file", "context", "resolved", "leaf", "line", "verdict", "cause", "note"]


class InputError(Exception):
    """A manifest or verdict file that cannot be used as written."""


def load_manifest(path):
    """The `[sample]` settings and the `[[workspace]]` entries; problems name the entry."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{path}: {e}") from e
    spaces = doc.get("workspace", [])
    if not spaces:
        raise InputError(f"{path}: no [[workspace]] entries")
    for i, ws in enumerate(spaces):
        where = f"{path}: [[workspace]] #{i + 1} ({ws.get('repo', 'no repo')})"
        for key in ("repo", "commit", "rust_files", "rust_lines"):
            if key not in ws:
                raise InputError(f"{where}: missing key `{key}`")
        if len(ws["commit"]) != 40:
            raise InputError(f"{where}: `commit` must be a full 40-digit commit")
    return doc.get("sample", {}), spaces


def load_verdicts(path):
    """Verdict rows grouped by fingerprint: {(repo, file, context, resolved, leaf): [row]}."""
    rows = defaultdict(list)
    if not path.is_file():
        return rows
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if n == 1 or not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) != len(VERDICT_HEADER):
            raise InputError(f"{path}:{n}: expected {len(VERDICT_HEADER)} tab-separated columns, found {len(cols)}")
        row = dict(zip(VERDICT_HEADER, cols))
        if row["verdict"] not in ("true", "false"):
            raise InputError(f"{path}:{n}: verdict must be true or false, not `{row['verdict']}`")
        if row["verdict"] == "false" and not row["cause"]:
            raise InputError(f"{path}:{n}: a false finding needs its cause class")
        if not row["line"].isdigit():
            raise InputError(f"{path}:{n}: line must be a number, not `{row['line']}`")
        rows[tuple(cols[:5])].append(row)
    return rows


def count_rust(tree):
    """(.rs files, lines) under `tree`."""
    files = lines = 0
    for p in tree.rglob("*.rs"):
        files += 1
        lines += p.read_bytes().count(b"\n")
    return files, lines


def export(mirror, trees, ws):
    """The exported tree of a workspace's commit, made once and reused (a marker names
    the commit it holds)."""
    tree = trees / ws["repo"].replace("/", "+")
    marker = tree.parent / (tree.name + ".commit")
    if marker.is_file() and marker.read_text().strip() == ws["commit"]:
        return tree
    gitdir = git_dir(mirror, ws["repo"])
    if gitdir is None:
        raise InputError(f"not fetched: run fetch for github:{ws['repo']}")
    if tree.exists():
        subprocess.run(["rm", "-rf", str(tree)], check=True)
    missing = export_tree(gitdir, ws["commit"], tree)
    if missing:
        print(f"note: {ws['repo']}: {len(missing)} files absent from the snapshot: {', '.join(missing[:3])}")
    marker.write_text(ws["commit"] + "\n")
    return tree


def scan(cli, root, args, out):
    """Runs the scanner on `root` (JSON report to `out`); returns the document."""
    proc = subprocess.run(
        [str(cli), "--format", "json", "--output", str(out), *args, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if proc.returncode not in (0, 1, 2) or not out.is_file():
        raise InputError(f"scan of {root} failed, exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    notes = [l for l in proc.stderr.decode(errors="replace").splitlines() if l.strip()]
    for note in notes[:5]:
        print(f"  scanner: {note}")
    return read_json(out)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: {e}") from e


def leaf(f):
    """The blocking API a finding ends at: its chain's last callee, or the API itself."""
    return f["chain"][-1]["callee"] if f["chain"] else f["resolved"]


def fingerprints(repo, findings):
    """(fingerprint, occurrence, finding) for each finding, occurrences numbered in line
    order among findings that share a fingerprint."""
    seen = Counter()
    out = []
    for f in sorted(findings, key=lambda f: (f["file"], f["line"], f["column"])):
        fp = (repo, f["file"], f["context"], f["resolved"], leaf(f))
        seen[fp] += 1
        out.append((fp, seen[fp], f))
    return out


def join_verdicts(keyed, verdicts):
    """The verdict row of each finding (or None): first by fingerprint and line, then
    the remaining rows of a fingerprint in line order when as many findings remain."""
    by_fp = defaultdict(list)
    for fp, occ, f in keyed:
        by_fp[fp].append(f)
    joined = {}
    for fp, found in by_fp.items():
        rows = list(verdicts.get(fp, []))
        left = []
        for f in found:
            hit = next((r for r in rows if int(r["line"]) == f["line"]), None)
            if hit is not None:
                rows.remove(hit)
                joined[id(f)] = hit
            else:
                left.append(f)
        if left and len(left) == len(rows):
            for f, r in zip(left, sorted(rows, key=lambda r: int(r["line"]))):
                joined[id(f)] = r
    return joined


def rank(seed, fp, occ):
    return hashlib.sha256("\t".join([str(seed), *fp, str(occ)]).encode()).hexdigest()


def wilson(k, n, z=1.96):
    """The 95 % Wilson score interval of k successes in n."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def describe(f):
    chain = " -> ".join(f"{l['callee']} ({l['file']}:{l['line']})" for l in f["chain"])
    return f"{f['file']}:{f['line']}:{f['column']} in {f['context']}: `{f['call']}` [{f['certainty']}]" + (
        f"\n      chain: {chain}" if chain else ""
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", type=Path, default=HERE / "big-workspaces.toml")
    ap.add_argument("--verdicts", type=Path, default=HERE / "big-verdicts.tsv")
    ap.add_argument("--mirror", type=Path, default=Path(os.environ.get("BLOCKWATCH_MIRROR", "/work/.mirror")))
    ap.add_argument("--cli", type=Path, default=Path(os.environ.get("BLOCKWATCH_CLI", REPO_ROOT / "target/release/cargo-blockwatch")))
    ap.add_argument("--trees", type=Path, default=REPO_ROOT / "target/big-workspaces",
                    help="where the exported trees and the JSON reports go (kept, to read code while triaging)")
    ap.add_argument("--json", action="append", default=[], metavar="OWNER/NAME=FILE",
                    help="read this workspace's report from FILE instead of scanning (repeatable)")
    ap.add_argument("--scan-arg", action="append", default=None, metavar="ARG",
                    help="scanner arguments instead of the manifest's `scan_args` (repeatable)")
    ap.add_argument("--sample", type=int, help="sample size per workspace (default: the manifest's)")
    ap.add_argument("--seed", type=int, help="sample seed (default: the manifest's)")
    args = ap.parse_args()

    try:
        settings, spaces = load_manifest(args.manifest)
        verdicts = load_verdicts(args.verdicts)
        given = {}
        for item in args.json:
            repo, sep, file = item.partition("=")
            if not sep:
                raise InputError(f"--json {item}: expected OWNER/NAME=FILE")
            given[repo] = Path(file)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    size = args.sample or settings.get("size", 40)
    seed = args.seed if args.seed is not None else settings.get("seed", 20261202)
    scan_args = args.scan_arg if args.scan_arg is not None else settings.get("scan_args", [])
    args.trees.mkdir(parents=True, exist_ok=True)

    totals = Counter()
    causes = Counter()
    kinds = Counter()
    false_rows = []
    untriaged = []
    table = []
    for ws in spaces:
        repo = ws["repo"]
        try:
            if repo in given:
                doc = read_json(given[repo])
            else:
                tree = export(args.mirror, args.trees, ws)
                files, lines = count_rust(tree)
                if (files, lines) != (ws["rust_files"], ws["rust_lines"]):
                    print(f"note: {repo}: {files} .rs files, {lines} lines; the manifest says "
                          f"{ws['rust_files']}, {ws['rust_lines']}")
                root = tree / ws["root"] if ws.get("root") else tree
                out = args.trees / (tree.name + ".blockwatch.json")
                print(f"scanning {repo}@{ws['commit'][:12]} ({' '.join(scan_args) or 'default options'})")
                doc = scan(args.cli, root, scan_args, out)
        except InputError as e:
            print(f"skipped {repo}: {e}")
            continue
        findings = doc["findings"]
        pool = [f for f in findings if not f["in_test"]]
        keyed = fingerprints(repo, pool)
        joined = join_verdicts(keyed, verdicts)
        sample = sorted(keyed, key=lambda k: rank(seed, k[0], k[1]))[:size]
        judged = Counter()
        for fp, occ, f in sample:
            row = joined.get(id(f))
            if row is None:
                untriaged.append((repo, f))
                judged["untriaged"] += 1
                continue
            judged[row["verdict"]] += 1
            if row["verdict"] == "true":
                kinds[(repo, row["cause"] or "unclassified")] += 1
            if row["verdict"] == "false":
                causes[row["cause"]] += 1
                false_rows.append((repo, f, row))
        all_judged = Counter(joined[id(f)]["verdict"] for _, _, f in keyed if id(f) in joined)
        groups = len({f.get("group") for f in pool})
        t, n = judged["true"], judged["true"] + judged["false"]
        lo, hi = wilson(t, n)
        table.append((repo, ws["commit"][:12], ws["rust_lines"], len(findings), len(pool), groups,
                      len(sample), t, judged["false"], judged["untriaged"],
                      f"{t / n:.2f} ({lo:.2f}-{hi:.2f})" if n else "-",
                      f"{all_judged['true']}/{sum(all_judged.values())}"))
        totals["true"] += t
        totals["false"] += judged["false"]

    print()
    print("| workspace | commit | .rs lines | findings | outside tests | blocking leaves | sample | true | false | untriaged | precision (Wilson 95 %) | every verdict still reported (true/judged) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in table:
        print("| " + " | ".join(str(c) for c in row) + " |")
    t, n = totals["true"], totals["true"] + totals["false"]
    if n:
        lo, hi = wilson(t, n)
        print(f"\nall sampled: {t} true of {n} judged, precision {t / n:.2f} (Wilson 95 %: {lo:.2f}-{hi:.2f})")
    if kinds:
        print("\ntrue sampled findings by where they run:")
        for (repo, kind), c in sorted(kinds.items()):
            print(f"  {c:3d}  {repo}: {kind}")
    if false_rows:
        print("\nfalse findings by cause:")
        for cause, c in causes.most_common():
            print(f"  {c:3d}  {cause}")
        print("\nfalse findings:")
        for repo, f, row in false_rows:
            print(f"- {repo} {f['file']}:{f['line']} ({row['cause']}): {row['note']}")
    if untriaged:
        print(f"\n{len(untriaged)} sampled findings have no verdict in {args.verdicts.name}; a row for each "
              f"({chr(9).join(VERDICT_HEADER)}):")
        for repo, f in untriaged:
            print(f"- {repo} {describe(f)}")
            print("    " + "\t".join([repo, f["file"], f["context"], f["resolved"], leaf(f), str(f["line"]), "", "", ""]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
