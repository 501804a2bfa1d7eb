#!/usr/bin/env python3
"""Findings of two `cargo-blockwatch` builds on the cargo registry corpus, compared.

The corpus is the one cli/tests/real_code.rs scans: every crates.io package this
repository's Cargo.lock names, as the local cargo registry holds it
(`$CARGO_HOME/registry/src/*/<name>-<version>`). Each build scans each crate as a user
would (`--config-root <crate> --format json .`, run in the crate, its dependency cache
in a temporary directory, never in the registry). Findings are matched by crate, file,
line and column; a matched pair whose API, certainty, category, test flag or blocking
leaf differ is *relabelled*, an unmatched one *added* or *dropped*.

It prints the counts and writes every change to a TSV (crate, change, file, line,
before and after labels, message), grouped so that a reader can classify them.

    python3 benches/real-bugs/registry_diff.py --before OLD_BINARY --after NEW_BINARY
                                               [--after-arg ARG] [--out FILE]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent


def locked_packages(lock):
    """(name, version) of each crates.io package in a Cargo.lock."""
    out = []
    for block in lock.read_text().split("[[package]]")[1:]:
        fields = {}
        for line in block.splitlines():
            key, sep, value = line.partition(" = ")
            if sep:
                fields[key.strip()] = value.strip().strip('"')
        if fields.get("source", "").startswith("registry+") and "name" in fields:
            out.append((fields["name"], fields["version"]))
    return sorted(out)


def registry_crates(lock):
    """The unpacked source directories of the locked packages, and the absent ones."""
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    dirs = sorted(p for p in (home / "registry/src").iterdir() if p.is_dir())
    present, absent = [], []
    for name, version in locked_packages(lock):
        found = next((d / f"{name}-{version}" for d in dirs if (d / f"{name}-{version}").is_dir()), None)
        (present if found else absent).append(found or f"{name}-{version}")
    return present, absent


def scan(cli, krate, extra, target_dir):
    """The findings of one build on one crate (a list; an error names the crate)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir))
    env.pop("BLOCKWATCH_COLOR", None)
    proc = subprocess.run(
        [str(cli), "--config-root", str(krate), "--format", "json", *extra, "."],
        cwd=krate, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600,
    )
    if proc.returncode not in (0, 1, 2):
        raise RuntimeError(f"{krate.name}: exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}")
    try:
        return json.loads(proc.stdout)["findings"]
    except (ValueError, KeyError) as e:
        raise RuntimeError(f"{krate.name}: no JSON report ({e})") from e


def leaf(f):
    return f["chain"][-1]["callee"] if f["chain"] else f["resolved"]


def label(f):
    return {
        "resolved": f["resolved"],
        "leaf": leaf(f),
        "certainty": f["certainty"],
        "category": f["category"],
        "in_test": f["in_test"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="the older cargo-blockwatch binary")
    ap.add_argument("--after", type=Path, required=True, help="the newer cargo-blockwatch binary")
    ap.add_argument("--after-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for the newer binary only (repeatable), e.g. --no-deps")
    ap.add_argument("--lock", type=Path, default=REPO_ROOT / "Cargo.lock")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "target/registry-diff.tsv")
    args = ap.parse_args()
    for cli in (args.before, args.after):
        if not cli.is_file():
            print(f"error: no binary at {cli}", file=sys.stderr)
            return 2

    present, absent = registry_crates(args.lock)
    print(f"{len(present)} locked crates in the registry ({len(absent)} absent)")
    totals = Counter()
    changes = []
    with tempfile.TemporaryDirectory(prefix="blockwatch-registry-diff-") as tmp:
        for krate in present:
            try:
                old = scan(args.before, krate, [], Path(tmp) / "before")
                new = scan(args.after, krate, args.after_arg, Path(tmp) / "after")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"skipped: {e}")
                continue
            totals["before"] += len(old)
            totals["after"] += len(new)
            at = lambda fs: {(f["file"], f["line"], f["column"]): f for f in fs}
            o, n = at(old), at(new)
            for key in sorted(o.keys() | n.keys()):
                a, b = o.get(key), n.get(key)
                if a and b:
                    if label(a) == label(b):
                        continue
                    kind = "relabelled"
                else:
                    kind = "added" if b else "dropped"
                totals[kind] += 1
                f = b or a
                changes.append((krate.name, kind, key[0], key[1], a, b, f))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as out:
        out.write("crate\tchange\tfile\tline\tin_test\tbefore\tafter\tmessage\n")
        for name, kind, file, line, a, b, f in changes:
            show = lambda x: "" if x is None else f"{x['certainty']} {x['resolved']} -> {leaf(x)} [{x['category']}]"
            out.write("\t".join([name, kind, file, str(line), str(f["in_test"]).lower(), show(a), show(b),
                                 f["message"].replace("\t", " ")]) + "\n")
    print(f"findings: {totals['before']} before, {totals['after']} after; "
          f"{totals['added']} added, {totals['dropped']} dropped, {totals['relabelled']} relabelled")
    print(f"every change: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
