#!/usr/bin/env python3
"""Scores `cargo blockwatch` on the real-code corpus of fixed blocking-in-async bugs.

Each entry of manifest.toml names a public repository, the commit that fixed a
blocking call in async code, its parent (the commit scanned here) and where the
blocking call is in the parent. For every entry whose repository has been
fetched into the mirror directory, this exports the parent's tree, runs the
scanner with `--format json` on it and scores the entry:

  exact      a finding at the blocking call's file and line;
  chain      a finding whose call chain passes through that line (for a bug behind
             a helper, a finding at its async call site);
  call-site  a finding at the entry's async call site (`call_file`/`call_line`,
             for bugs behind a helper) whose chain ends at another blocking call;
  other-path for a bug behind a helper, no finding at its call site but one at
             another caller whose chain reaches the blocking line (not a hit);
  miss       none of these.

It prints recall per shape and overall and every miss, writes every other
finding of the scanned trees to a TSV file, takes a seeded sample of the non-test
ones (ranked by a hash of the seed and each finding's key) and, for sample rows
that triage.tsv already judges, reports the triaged precision.

Repositories that are not in the mirror are skipped with a note, never an
error: CI has no fetched trees, so this is a benchmark run by hand, not a test.

    python3 benches/real-bugs/score.py [--mirror DIR] [--cli PATH] [--sample N] [--scan-arg ARG]
"""

import argparse
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
SHAPES = [
    "direct",
    "async-block",
    "helper",
    "helper-method",
    "typed-receiver",
    "block_on",
    "drop",
    "fn-value",
    "dependency",
]
REQUIRED = ["id", "repo", "fix", "parent", "file", "line", "api", "shape", "link"]
TRIAGE_HEADER = "repo\tparent\tfile\tline\tcolumn\tresolved\tverdict\treason"


class ManifestError(Exception):
    """A manifest entry that cannot be scored as written."""


def load_manifest(path):
    """Reads and checks manifest.toml; every problem names the entry and key."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ManifestError(f"{path}: {e}") from e
    bugs = doc.get("bug", [])
    seen = set()
    for i, bug in enumerate(bugs):
        where = f"{path}: [[bug]] #{i + 1} ({bug.get('id', 'no id')})"
        for key in REQUIRED:
            if key not in bug:
                raise ManifestError(f"{where}: missing key `{key}`")
        if bug["shape"] not in SHAPES:
            raise ManifestError(
                f"{where}: shape `{bug['shape']}` is not one of {', '.join(SHAPES)}"
            )
        if bug["id"] in seen:
            raise ManifestError(f"{where}: id `{bug['id']}` is used twice")
        seen.add(bug["id"])
        for key in ("fix", "parent"):
            if len(bug[key]) != 40:
                raise ManifestError(f"{where}: `{key}` must be a full 40-digit commit")
        if ("call_line" in bug) != ("call_file" in bug):
            raise ManifestError(f"{where}: `call_file` and `call_line` go together")
    return bugs


def git_dir(mirror, repo):
    """The fetched git directory of `owner/name`, or None."""
    base = mirror / repo.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


SCANNED_NAMES = ("Cargo.toml", "Cargo.lock", "blockwatch.toml", ".gitignore", ".ignore")


def export_tree(gitdir, commit, into):
    """Writes the files of `commit` that the scanner reads (`.rs`, Cargo.toml,
    blockwatch.toml, ignore files) into `into`; returns the paths whose content the
    snapshot lacks (fetched snapshots leave out files of 4 MiB and more)."""
    git = ["git", "--git-dir", str(gitdir)]
    probe = subprocess.run(git + ["cat-file", "-e", f"{commit}^{{commit}}"], stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        raise RuntimeError(f"commit {commit} is not in the fetched snapshot {gitdir}")
    listing = subprocess.run(
        git + ["ls-tree", "-r", "-z", commit], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    if listing.returncode != 0:
        raise RuntimeError(listing.stderr.decode(errors="replace").strip())
    wanted = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, oid = meta.split()
        name = path.decode(errors="replace")
        if kind == b"blob" and mode != b"120000" and (
            name.endswith(".rs") or name.rsplit("/", 1)[-1] in SCANNED_NAMES
        ):
            wanted.append((oid, name))
    batch = subprocess.run(
        git + ["cat-file", "--batch"],
        input=b"".join(oid + b"\n" for oid, _ in wanted),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, pos, missing = batch.stdout, 0, []
    for oid, name in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            missing.append(name)
            continue
        size = int(header[2])
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out[pos : pos + size])
        pos += size + 1
    return missing


class ScanStopped(RuntimeError):
    """A scan stopped by a limit (not a miss: nothing was scored); `outcome` names which:
    `timed out` or `out of memory`."""

    def __init__(self, outcome, message):
        super().__init__(message)
        self.outcome = outcome


def scan(cli, root, extra_args, timeout=None, max_memory_gb=None):
    """Runs the scanner on `root`; returns its JSON document.

    With `timeout` (seconds), a scan still running then is killed with everything it
    started (its `cargo metadata` too: the scanner runs in its own process group); with
    `max_memory_gb`, its address space is capped (RLIMIT_AS) so that a runaway scan fails
    its allocation instead of starving the machine. Either raises `ScanStopped`."""
    out = root.parent / (root.name + ".blockwatch.json")
    out.unlink(missing_ok=True)

    def cap_memory():
        limit = int(max_memory_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.Popen(
        [str(cli), "--format", "json", "--output", str(out), *extra_args, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=cap_memory if max_memory_gb else None,
    )
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ScanStopped("timed out", f"the scan ran longer than {timeout:g} s and was stopped")
    if proc.returncode != 0 and b"memory allocation of" in stderr:
        raise ScanStopped("out of memory", f"the scan ran out of memory (cap {max_memory_gb} GiB): "
                          + stderr.decode(errors="replace").splitlines()[0])
    if proc.returncode == -signal.SIGKILL:
        raise ScanStopped("out of memory", "the scan was killed (SIGKILL; the kernel's OOM killer, "
                          "or another process)")
    if proc.returncode not in (0, 1, 2) or not out.is_file():
        raise RuntimeError(
            f"exit {proc.returncode}: {stderr.decode(errors='replace')[-500:]}"
        )
    with open(out) as f:
        return json.load(f)


def rel(bug_file, scan_root):
    """A repository-relative path made relative to the entry's scan root."""
    prefix = scan_root.strip("/")
    if prefix and bug_file.startswith(prefix + "/"):
        return bug_file[len(prefix) + 1 :]
    return bug_file


def score(bug, findings):
    """The outcome of one entry and the findings that match it.

    For a bug behind a helper (`call_line` set) only findings at the async call site
    count: one elsewhere whose chain passes through the blocking line reports another
    path to the same call, which the fix did not name; it is `other-path`, not a hit."""
    root = bug.get("root", "")
    file, line = rel(bug["file"], root), bug["line"]

    def through(f):
        return any(s["file"] == file and s["line"] == line for s in f["chain"])

    exact = [f for f in findings if f["file"] == file and f["line"] == line]
    if exact:
        return "exact", exact
    if "call_line" in bug:
        cfile = rel(bug["call_file"], root)
        site = [f for f in findings if f["file"] == cfile and f["line"] == bug["call_line"]]
        if any(through(f) for f in site):
            return "chain", [f for f in site if through(f)]
        if site:
            return "call-site", site
    chain = [f for f in findings if through(f)]
    if chain:
        return ("other-path" if "call_line" in bug else "chain"), chain
    return "miss", []


def triage_key(repo, parent, f):
    return (repo, parent, f["file"], str(f["line"]), str(f["column"]), f["resolved"])


def _sample_key(other):
    """The triage key of a finding, its file relative to the repository."""
    repo, parent, root, f = other
    key = list(triage_key(repo, parent, f))
    if root:
        key[2] = f"{root}/{key[2]}"
    return key


def sample_rank(seed, other):
    """A finding's place in the seeded precision sample: a hash of the seed and the
    finding's key, so adding a repository displaces few already-triaged findings."""
    repo, parent, root, f = other
    key = "\t".join(triage_key(repo, parent, f) + (root,))
    return hashlib.sha256(f"{seed}\t{key}".encode()).hexdigest()


def load_triage(path):
    verdicts = {}
    if not path.is_file():
        return verdicts
    for n, row in enumerate(path.read_text().splitlines(), 1):
        if n == 1 or not row.strip():
            continue
        cols = row.split("\t")
        if len(cols) != 8 or cols[6] not in ("true", "false"):
            raise ManifestError(f"{path}:{n}: expected 8 tab-separated columns, verdict true/false")
        verdicts[tuple(cols[:6])] = (cols[6], cols[7])
    return verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", type=Path, default=HERE / "manifest.toml")
    ap.add_argument("--triage", type=Path, default=HERE / "triage.tsv")
    ap.add_argument("--mirror", type=Path, default=Path(os.environ.get("BLOCKWATCH_MIRROR", "/work/.mirror")))
    ap.add_argument("--cli", type=Path, default=Path(os.environ.get("BLOCKWATCH_CLI", REPO_ROOT / "target/release/cargo-blockwatch")))
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "target/real-bugs")
    ap.add_argument("--sample", type=int, default=40, help="size of the precision sample")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--scan-arg", action="append", default=[], metavar="ARG",
                    help="pass ARG to cargo-blockwatch (repeatable), e.g. --scan-arg=--no-deps")
    ap.add_argument("--keep-trees", type=Path, help="export the scanned trees here and keep them (default: a temporary directory)")
    args = ap.parse_args()

    try:
        bugs = load_manifest(args.manifest)
        verdicts = load_triage(args.triage)
    except ManifestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not args.cli.is_file():
        print(f"error: no scanner at {args.cli}: run `cargo build --release -p cargo-blockwatch` or pass --cli", file=sys.stderr)
        return 2

    groups = defaultdict(list)
    for bug in bugs:
        groups[(bug["repo"], bug["parent"], bug.get("root", ""))].append(bug)

    outcomes = {}
    others = []
    skipped = []
    with_deps = []
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="blockwatch-real-bugs-") as tmp:
        if args.keep_trees:
            tmp = args.keep_trees
            tmp.mkdir(parents=True, exist_ok=True)
        for (repo, parent, root), entries in sorted(groups.items()):
            gitdir = git_dir(args.mirror, repo)
            if gitdir is None:
                print(f"not fetched: run fetch for github:{repo} (skipping {len(entries)} "
                      f"entr{'y' if len(entries) == 1 else 'ies'})")
                skipped += entries
                continue
            tree = Path(tmp) / f"{repo.replace('/', '+')}-{parent[:12]}"
            try:
                missing = export_tree(gitdir, parent, tree)
                if missing:
                    print(f"note: {repo}@{parent[:12]}: {len(missing)} files absent from the snapshot: {', '.join(missing[:3])}")
                doc = scan(args.cli, tree / root if root else tree, args.scan_arg)
            except (RuntimeError, OSError, ValueError) as e:
                print(f"skipped {repo}@{parent[:12]}: {e}")
                skipped += entries
                continue
            findings = doc["findings"]
            matched = set()
            for bug in entries:
                outcome, hits = score(bug, findings)
                outcomes[bug["id"]] = (bug, outcome, hits)
                if outcome != "other-path":
                    matched.update(id(f) for f in hits)
            for f in findings:
                if id(f) not in matched:
                    others.append((repo, parent, root, f))
            errors = doc["summary"]["errors"]
            deps = doc["summary"].get("dependencies_analysed", 0)
            if deps:
                with_deps.append(repo)
            print(f"scanned {repo}@{parent[:12]}{'/' + root if root else ''}: "
                  f"{doc['summary']['files_scanned']} files, {len(findings)} findings"
                  + (f", {errors} input errors" if errors else "")
                  + (f", {deps} dependencies analysed" if deps else ""))

    print()
    print("| id | shape | outcome | where | finding (certainty, resolved) |")
    print("|---|---|---|---|---|")
    ordered = [outcomes[b["id"]] for b in bugs if b["id"] in outcomes]
    for bug, outcome, hits in ordered:
        where = f"{bug['file']}:{bug['line']}"
        found = f"{hits[0]['certainty']}, `{hits[0]['resolved']}`" if hits else ""
        print(f"| {bug['id']} | {bug['shape']} | {outcome} | {where} | {found} |")

    print()
    print("| shape | entries | exact | chain | call-site | other-path | miss | recall |")
    print("|---|---|---|---|---|---|---|---|")
    by_shape = defaultdict(lambda: defaultdict(int))
    for bug, outcome, _ in outcomes.values():
        by_shape[bug["shape"]][outcome] += 1
        by_shape["**all**"][outcome] += 1
    for shape in SHAPES + ["**all**"]:
        c = by_shape.get(shape)
        if not c:
            continue
        total = sum(c.values())
        hit = c["exact"] + c["chain"] + c["call-site"]
        print(f"| {shape} | {total} | {c['exact']} | {c['chain']} | {c['call-site']} | {c['other-path']} "
              f"| {c['miss']} | {hit / total:.2f} ({hit}/{total}) |")
    repos = {bug["repo"] for bug, _, _ in outcomes.values()}
    print(f"\n{len(outcomes)} entries from {len(repos)} repositories scored, {len(skipped)} skipped")
    print(f"{len(set(with_deps))} of {len(repos)} repositories had their dependencies analysed "
          "(`cargo metadata --offline` resolved them from the local registry)")

    print("\nmisses (other-path included):")
    for bug, outcome, _ in ordered:
        if outcome in ("miss", "other-path"):
            print(f"- {bug['id']} ({bug['shape']}, {bug['api']}): {bug['repo']} {bug['file']}:{bug['line']}"
                  f" -- {bug.get('note', '')}")

    others.sort(key=lambda o: triage_key(o[0], o[1], o[3]))
    other_path = args.out / "other-findings.tsv"
    with open(other_path, "w") as f:
        f.write("repo\tparent\tfile\tline\tcolumn\tresolved\tcertainty\tin_test\tmessage\n")
        for repo, parent, root, d in others:
            file = f"{root}/{d['file']}" if root else d["file"]
            f.write("\t".join([repo, parent, file, str(d["line"]), str(d["column"]), d["resolved"],
                               d["certainty"], str(d["in_test"]).lower(), d["message"].replace("\t", " ")]) + "\n")
    pool = [o for o in others if not o[3]["in_test"]]
    sample = sorted(pool, key=lambda o: sample_rank(args.seed, o))[: args.sample]
    sample_path = args.out / "precision-sample.tsv"
    judged = defaultdict(int)
    with open(sample_path, "w") as f:
        f.write(TRIAGE_HEADER + "\n")
        for o in sample:
            key = _sample_key(o)
            verdict, reason = verdicts.get(tuple(key), ("", ""))
            judged[verdict or "untriaged"] += 1
            f.write("\t".join(key + [verdict, reason]) + "\n")
    print(f"\n{len(others)} other findings ({len(pool)} outside test code) written to {other_path}")
    print(f"precision sample of {len(sample)} (seed {args.seed}) written to {sample_path}")
    present = [verdicts[k] for k in (tuple(_sample_key(o)) for o in pool) if k in verdicts]
    if present:
        t = sum(1 for v, _ in present if v == "true")
        print(f"all triaged findings present in this run (sample or not): {t} true of {len(present)}")
    if judged["true"] + judged["false"]:
        t, n = judged["true"], judged["true"] + judged["false"]
        print(f"triaged precision: {t / n:.2f} ({t} true of {n} judged; {judged['untriaged']} untriaged)")
    else:
        print(f"triaged precision: none of the sample is judged in {args.triage} yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
