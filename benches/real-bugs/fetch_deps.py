#!/usr/bin/env python3
"""Downloads the dependency sources of the real-bug corpus, for the with-dependencies score.

For every scanned commit of manifest.toml (repository, parent, root) whose repository is
in the mirror, this exports the commit's tree (the files the scanner reads, as score.py
does) into a scratch directory and runs `cargo fetch` in the scanned root with a dedicated
CARGO_HOME, shared by every repository so crates are stored once. Both live under one
directory (`--home`, default /work/.deps-home): `cargo/` is the CARGO_HOME, `work/` the
scratch trees and lock files. It is outside this repository on purpose: cargo looks for
a workspace in every parent directory, so a tree under our target/ would be taken for a
member of blockwatch's own workspace.

  - with the repository's own Cargo.lock: `cargo fetch --locked`, and when the lock file
    is out of date with its manifests, plain `cargo fetch` (which updates it);
  - without one: `cargo fetch`, which resolves and writes a new Cargo.lock.

The lock file cargo fetched with is kept as `work/locks/<slug>.lock`; score.py's `--deps` mode
puts it in the exported tree, because the scanner runs `cargo metadata --offline --locked`
and never writes one. Every scanned commit gets a row in `deps-status.tsv` (next to this
file): resolved or not, how the lock came to be, the number of registry packages, and
for an unresolvable tree the reason (a git dependency: this machine reaches package
registries only).

Nothing fetched is committed: trees, locks and crates stay under `--home`.
Running it again re-checks each tree (offline first), downloading only what is missing;
it stops fetching new trees once CARGO_HOME holds `--max-gb` GiB.

    python3 benches/real-bugs/fetch_deps.py [--home DIR] [--only REPO] [--max-gb N]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import OrderedDict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from score import ManifestError, export_tree, git_dir, load_manifest  # noqa: E402

STATUS_HEADER = "repo\tparent\troot\tstatus\tlock\tpackages\treason"
DEFAULT_HOME = Path(os.environ.get("BLOCKWATCH_DEPS_HOME", "/work/.deps-home"))


def cargo_home(home):
    """The CARGO_HOME inside the dependency directory `home`."""
    return home / "cargo"


def saved_lock(home, repo, parent):
    """Where the lock file of one scanned commit is kept, once its dependencies are fetched."""
    return home / "work" / "locks" / f"{slug(repo, parent)}.lock"


def slug(repo, parent):
    """The directory name of one scanned commit: `owner+name-<12 digits>`."""
    return f"{repo.replace('/', '+')}-{parent[:12]}"


def scanned_commits(bugs):
    """Each (repo, parent, root) of the manifest once, in manifest order."""
    seen = OrderedDict()
    for bug in bugs:
        seen.setdefault((bug["repo"], bug["parent"], bug.get("root", "")), None)
    return list(seen)


def cargo_env(home):
    env = dict(os.environ)
    env["CARGO_HOME"] = str(home)
    # Only registries are reachable: fail a git or other download at once, not after retries.
    env["CARGO_NET_RETRY"] = "0"
    env["CARGO_HTTP_TIMEOUT"] = "60"
    env.pop("CARGO_TARGET_DIR", None)
    return env


def cargo(args, cwd, home, timeout=1800):
    """Runs cargo; returns (ok, the first `error` line of its stderr or its tail)."""
    try:
        proc = subprocess.run(
            ["cargo", *args],
            cwd=cwd,
            env=cargo_env(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return False, f"`cargo {' '.join(args)}` ran longer than {timeout} s"
    if proc.returncode == 0:
        return True, ""
    return False, first_error(proc.stderr.decode(errors="replace"))


def first_error(stderr):
    """The error cargo reports, with its cause lines, in one line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.startswith("error"):
            causes = [t for t in lines[i + 1 : i + 8] if t != "Caused by:"]
            return " ".join([line] + causes[:3])[:400]
    return (lines[-1] if lines else "cargo failed")[:400]


def classify(reason):
    """Names why a tree cannot be resolved, from cargo's error."""
    git = re.search(r"(https?://|ssh://|git@)[^\s`'\"]+", reason)
    if "git" in reason.lower() and git:
        return f"git dependency {git.group(0).rstrip('.,;)')} (no network beyond package registries): {reason}"
    if "failed to read" in reason and "Cargo.toml" in reason:
        return f"a path dependency outside the scanned tree: {reason}"
    return reason


def git_sources(ws):
    """The git dependencies that a lock file names (URL without the commit)."""
    lock = ws / "Cargo.lock"
    if not lock.is_file():
        return []
    try:
        doc = tomllib.loads(lock.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return []
    urls = {p["source"].split("#")[0] for p in doc.get("package", []) if p.get("source", "").startswith("git+")}
    return sorted(urls)


def registry_packages(ws):
    """How many registry packages the lock file holds."""
    try:
        doc = tomllib.loads((ws / "Cargo.lock").read_text())
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return 0
    return sum(1 for p in doc.get("package", []) if p.get("source", "").startswith("registry+"))


def dir_gib(path):
    """The disk space under `path`, in GiB (0 when absent)."""
    if not path.exists():
        return 0.0
    out = subprocess.run(["du", "-sk", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        return int(out.stdout.split()[0]) / (1024 * 1024)
    except (IndexError, ValueError):
        return 0.0


def fetch_one(gitdir, repo, parent, root, work, home):
    """Exports one commit and fetches its dependencies; returns the status row's fields
    (status, lock, packages, reason)."""
    tree = work / "trees" / slug(repo, parent)
    done = tree / ".exported"
    if not done.is_file():
        if tree.exists():
            shutil.rmtree(tree)
        tree.mkdir(parents=True)
        export_tree(gitdir, parent, tree)
        own = (tree / root / "Cargo.lock").is_file() if root else (tree / "Cargo.lock").is_file()
        done.write_text("own-lock\n" if own else "no-lock\n")
    ws = tree / root if root else tree
    if not (ws / "Cargo.toml").is_file():
        return "unresolvable", "", 0, f"no Cargo.toml at {root or 'the top'} of the tree"
    own_lock = done.read_text().strip() == "own-lock"
    saved = saved_lock(work.parent, repo, parent)

    # Already fetched: the saved lock is in the tree and every source is present.
    if saved.is_file():
        shutil.copyfile(saved, ws / "Cargo.lock")
        ok, _ = cargo(["fetch", "--locked", "--offline"], ws, home)
        if ok:
            return "resolved", lock_kind(work, repo, parent), registry_packages(ws), ""

    if own_lock:
        ok, reason = cargo(["fetch", "--locked"], ws, home)
        kind = "own"
        if not ok and "lock file" in reason and "needs to be updated" in reason:
            ok, reason = cargo(["fetch"], ws, home)
            kind = "own, updated by cargo fetch"
    else:
        ok, reason = cargo(["fetch"], ws, home)
        kind = "generated by cargo fetch"
    if not ok:
        gits = git_sources(ws)
        if gits:
            # cargo names the first source it failed on; the lock names them all.
            reason = (f"{len(gits)} git dependencies (no network beyond package registries): "
                      f"{', '.join(g.removeprefix('git+') for g in gits)}; cargo: {reason}")
        else:
            reason = classify(reason)
        return "unresolvable", kind, registry_packages(ws) if (ws / "Cargo.lock").is_file() else 0, reason
    saved.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ws / "Cargo.lock", saved)
    (work / "locks" / f"{slug(repo, parent)}.kind").write_text(kind + "\n")
    return "resolved", kind, registry_packages(ws), ""


def lock_kind(work, repo, parent):
    path = work / "locks" / f"{slug(repo, parent)}.kind"
    return path.read_text().strip() if path.is_file() else "own"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", type=Path, default=HERE / "manifest.toml")
    ap.add_argument("--mirror", type=Path, default=Path(os.environ.get("BLOCKWATCH_MIRROR", "/work/.mirror")))
    ap.add_argument("--home", type=Path, default=DEFAULT_HOME,
                    help="CARGO_HOME (cargo/) and scratch trees (work/) go here; default /work/.deps-home or BLOCKWATCH_DEPS_HOME")
    ap.add_argument("--status", type=Path, default=HERE / "deps-status.tsv")
    ap.add_argument("--only", action="append", default=[], metavar="REPO", help="only this owner/name (repeatable)")
    ap.add_argument("--max-gb", type=float, default=15.0, help="stop fetching new trees once CARGO_HOME holds this much")
    args = ap.parse_args()

    try:
        bugs = load_manifest(args.manifest)
    except ManifestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if shutil.which("cargo") is None:
        print("error: no `cargo` on PATH", file=sys.stderr)
        return 2
    home = cargo_home(args.home)
    home.mkdir(parents=True, exist_ok=True)
    work = args.home / "work"

    previous = {}
    if args.status.is_file():
        for row in args.status.read_text().splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) == 7:
                previous[tuple(cols[:3])] = cols
    rows = []
    for repo, parent, root in scanned_commits(bugs):
        key = (repo, parent, root)
        if args.only and repo not in args.only:
            if key in previous:
                rows.append(previous[key])
            continue
        gitdir = git_dir(args.mirror, repo)
        if gitdir is None:
            row = [repo, parent, root, "not fetched", "", "0", f"not in {args.mirror}: run fetch for github:{repo}"]
        elif dir_gib(home) >= args.max_gb:
            row = [repo, parent, root, "skipped", "", "0", f"CARGO_HOME holds {args.max_gb} GiB already"]
        else:
            try:
                status, kind, packages, reason = fetch_one(gitdir, repo, parent, root, work, home)
            except (RuntimeError, OSError, ValueError) as e:
                status, kind, packages, reason = "unresolvable", "", 0, f"export failed: {e}"
            reason = reason.replace(str(work / "trees"), "<trees>").replace(str(home), "$CARGO_HOME")
            row = [repo, parent, root, status, kind, str(packages), reason.replace("\t", " ")]
        rows.append(row)
        print(f"{row[3]:>12}  {repo}@{parent[:12]}{'/' + root if root else ''}"
              + (f"  {row[5]} packages, lock {row[4]}" if row[3] == "resolved" else f"  {row[6]}"),
              flush=True)

    with open(args.status, "w") as f:
        f.write(STATUS_HEADER + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    resolved = sum(1 for r in rows if r[3] == "resolved")
    print(f"\n{resolved} of {len(rows)} scanned commits resolved; CARGO_HOME {home} "
          f"holds {dir_gib(home):.1f} GiB; status in {args.status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
