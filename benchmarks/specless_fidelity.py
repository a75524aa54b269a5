"""Spec-less fidelity on the SWE-bench dev set: does the environment Capuchin infers for a plain
checkout give the same verdicts as the curated one?

For each instance that validates with its curated spec (``benchmarks/results/validate-dev.jsonl``),
the repository is checked out at ``base_commit`` as a user would have it (a git clone of the
local mirror), and the inferred environment runs the validated FAIL_TO_PASS and PASS_TO_PASS
tests with the test patch, without and with the gold patch. The instance matches when every
FAIL_TO_PASS test fails before and passes after, and every PASS_TO_PASS test passes in both.

    python -m benchmarks.specless_fidelity --dataset ../shared/data/swebench-dev.jsonl \\
        [--repos psf/requests pallets/flask] [--out benchmarks/results/specless-fidelity.jsonl]

Resumable: instances already in ``--out`` are skipped. Prints the per-repository match rate.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

from agent.core.errors import CapuchinError
from agent.core.types import TestResult, TestStatus

VALIDATED = Path(__file__).parent / "results" / "validate-dev.jsonl"
RESULTS = Path(__file__).parent / "results" / "specless-fidelity.jsonl"


MIRRORS = Path("/work/.mirror")


def checkout(repo: str, commit: str, root: Path, mirrors: Path = MIRRORS) -> Path:
    """A clone of the local mirror at ``commit`` (shared objects: cheap), reused across instances."""
    from sandbox.swebench_specs import mirror_of

    path = root / repo.replace("/", "+")
    if not (path / ".git").is_dir():
        subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(mirror_of(repo, mirrors)), str(path)],
                       check=True)
    # A fetched mirror lacks blobs over 4 MiB (astropy's IERS tables): git refuses the whole checkout,
    # so such paths are left out with sparse patterns (the rest of the tree is what a user has).
    missing = missing_blobs(path, commit)
    sparse = path / ".git" / "info" / "sparse-checkout"
    sparse.parent.mkdir(exist_ok=True)
    sparse.write_text("/*\n" + "".join(f"!/{p}\n" for p in missing))
    subprocess.run(["git", "-C", str(path), "config", "core.sparseCheckout", "true"], check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "--force", commit], check=True)
    subprocess.run(["git", "-C", str(path), "clean", "-qffdx"], check=True)  # -ff: an older commit's submodule too
    fill_submodules(path, mirrors)
    return path


def fill_submodules(path: Path, mirrors: Path) -> list[str]:
    """Check out the submodules whose histories are local mirrors too, as a user does with
    ``git submodule update --init`` (astropy 3.x's setup.py needs astropy_helpers; Capuchin's
    inference tells a user whose clone lacks it to do so). Returns the submodule paths filled."""
    from sandbox.swebench_specs import mirror_of

    text = (path / ".gitmodules").read_text(errors="replace") if (path / ".gitmodules").is_file() else ""
    filled = []
    for name, body in re.findall(r'\[submodule "([^"]+)"\]([^\[]*)', text):
        url = re.search(r"^\s*url\s*=\s*\S*github\.com[/:]([\w.-]+)/([\w.-]+?)(?:\.git)?/?\s*$", body, re.M)
        sub = re.search(r"^\s*path\s*=\s*(\S+)\s*$", body, re.M)
        if not url or not sub:
            continue
        try:
            mirror = mirror_of(f"{url.group(1)}/{url.group(2)}", mirrors)
        except CapuchinError:
            continue
        subprocess.run(["git", "-C", str(path), "config", f"submodule.{name}.url", str(mirror)], check=True)
        update = subprocess.run(["git", "-C", str(path), "-c", "protocol.file.allow=always", "submodule", "update",
                                 "--init", "--force", "--", sub.group(1)], capture_output=True, text=True)
        if update.returncode == 0:
            filled.append(sub.group(1))
    return filled


def substitute_missing(path: Path, commit: str, substitutes: Path | None) -> list[str]:
    """Fill paths whose blobs the mirror lacks from ``substitutes`` (files at the same relative paths,
    e.g. taken from the project's release on PyPI): astropy of March–April 2023 reads its IERS table
    (``eopc04.1962-now``, 4.9 MB) at import, and without it every test tried the network. The exact
    blob of those commits is in no release; the 5.3 wheel's copy (the same table two months later, a
    blob of the project's own history) stands in. Returns the paths filled; records say which."""
    if substitutes is None:
        return []
    filled = []
    for rel in missing_blobs(path, commit):
        if (substitutes / rel).is_file():
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            (path / rel).write_bytes((substitutes / rel).read_bytes())
            filled.append(rel)
    return filled


def missing_blobs(path: Path, commit: str) -> list[str]:
    """Paths of ``commit``'s tree whose blobs the repository does not have."""
    tree = subprocess.run(["git", "-C", str(path), "ls-tree", "-r", "-z", commit], capture_output=True,
                          check=True).stdout.decode(errors="replace").split("\0")
    blobs = {}
    for entry in filter(None, tree):
        meta, _, name = entry.partition("\t")
        kind, sha = meta.split()[1:3]
        if kind == "blob":
            blobs.setdefault(sha, []).append(name)
    check = subprocess.run(["git", "-C", str(path), "cat-file", "--batch-check"], input="\n".join(blobs).encode(),
                           capture_output=True, check=True).stdout.decode().splitlines()
    return sorted(name for line in check if line.endswith(" missing") for name in blobs[line.split()[0]])


_DUPLICATE_SUFFIX = re.compile(r"_(\d+)\]$")


def status_of(result: TestResult, test_id: str) -> TestStatus | None:
    """A curated test's status here. Older pytest (6.2 here) spells duplicate parametrize ids without the
    underscore ("test_unparse[1234-12340]" for the curated "[1234-1234_0]"): an old checkout's dated
    pytest names the same test differently, which is not a different verdict."""
    found = result.tests.get(test_id)
    if found is None and _DUPLICATE_SUFFIX.search(test_id):
        found = result.tests.get(_DUPLICATE_SUFFIX.sub(r"\1]", test_id))
    return found


def compare(before: TestResult, after: TestResult, f2p: list[str], p2p: list[str]) -> dict:
    """Which curated verdicts the inferred environment reproduces."""
    ok = TestStatus.PASSED
    f2p_bad = [t for t in f2p if status_of(before, t) == ok or status_of(after, t) != ok]
    p2p_bad = [t for t in p2p if status_of(before, t) != ok or status_of(after, t) != ok]
    return {"match": not f2p_bad and not p2p_bad, "f2p_mismatch": f2p_bad, "p2p_mismatch": p2p_bad[:50],
            "n_p2p_mismatch": len(p2p_bad),
            "before": {s.value: sum(v == s for v in before.tests.values()) for s in TestStatus},
            "after": {s.value: sum(v == s for v in after.tests.values()) for s in TestStatus}}


def run_instance(sandbox, row: dict, curated: dict, root: Path, timeout_s: float,
                 substitutes: Path | None = None) -> dict:
    from sandbox.docker_backend import RunRequest
    from sandbox.health import diagnose
    from sandbox.infer import infer
    from sandbox.worktree import worktree_tar

    started = time.monotonic()
    record = {"instance_id": row["instance_id"], "repo": row["repo"]}
    repo = checkout(row["repo"], row["base_commit"], root)
    if substituted := substitute_missing(repo, row["base_commit"], substitutes):
        record["substituted"] = substituted
    inference = infer(repo)
    record["python"] = inference.python.version
    record["install"] = list(inference.install.evidence)
    try:
        image = sandbox.image_for(repo)
    except CapuchinError as exc:
        return record | {"status": "build_failed", "reason": str(exc)[-1500:],
                         "seconds": round(time.monotonic() - started, 1)}
    tests = curated["test_files"]
    spec = inference.spec().env

    def run(patches: list[str]) -> TestResult:
        return sandbox.run_in_image(RunRequest(image=image, env=spec, tests=tests, patches=patches,
                                               tree=worktree_tar(repo), timeout_s=timeout_s))

    before = run([row["test_patch"]])
    after = run([row["test_patch"], row["patch"]])
    record |= compare(before, after, curated["FAIL_TO_PASS"], curated["PASS_TO_PASS"])
    record["status"] = "match" if record["match"] else "mismatch"
    if not record["match"]:
        record["problem_before"] = diagnose(before).problem
        record["log_tail_after"] = after.output[-2500:]
    record["seconds"] = round(time.monotonic() - started, 1)
    return record


def _head() -> str:
    done = subprocess.run(["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip()


def tally(out: Path) -> dict:
    per: dict[str, Counter] = defaultdict(Counter)
    latest = {}  # a re-run (--redo) appends: its record replaces the earlier one
    for line in out.read_text().splitlines() if out.is_file() else []:
        rec = json.loads(line)
        latest[rec["instance_id"]] = rec
    for rec in latest.values():
        per[rec["repo"]]["instances"] += 1
        per[rec["repo"]][rec["status"]] += 1
    total = sum(c["instances"] for c in per.values())
    matched = sum(c["match"] for c in per.values())
    return {"per_repo": {r: dict(c) for r, c in sorted(per.items())}, "instances": total, "match": matched,
            "match_rate": round(matched / total, 4) if total else None}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", type=Path, required=True)
    ap.add_argument("--validated", type=Path, default=VALIDATED)
    ap.add_argument("--repos", nargs="*", default=None)
    ap.add_argument("--instances", nargs="*", default=None)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--checkouts", type=Path, default=Path.home() / ".cache" / "capuchin" / "fidelity")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--cpus", type=float, default=None,
                    help="CPUs for each test run and image build (default: the sandbox's); 1 leaves a core to whatever runs beside")
    ap.add_argument("--substitutes", type=Path, default=None,
                    help="files at repository-relative paths standing in for blobs the mirrors lack")
    ap.add_argument("--redo", action="store_true", help="run instances already in --out again (the last record counts)")
    args = ap.parse_args(argv)

    from sandbox.config import SandboxConfig
    from sandbox.docker_backend import DockerSandbox
    from sandbox.swebench import load_instances
    from sandbox.validate import latest_records

    curated = {i: r for i, r in latest_records(args.validated).items() if r["status"] == "validated"}
    rows = [r for r in load_instances(args.dataset) if r["instance_id"] in curated
            and (not args.repos or r["repo"] in args.repos)
            and (not args.instances or r["instance_id"] in args.instances)]
    done = ({json.loads(line)["instance_id"] for line in args.out.read_text().splitlines()}
            if args.out.is_file() and not args.redo else set())
    args.checkouts.mkdir(parents=True, exist_ok=True)
    cpus = {"cpus": args.cpus, "build_cpus": args.cpus} if args.cpus else {}
    sandbox = DockerSandbox(SandboxConfig(backend="docker", timeout_s=args.timeout, **cpus))
    for row in (r for r in rows if r["instance_id"] not in done):
        record = run_instance(sandbox, row, curated[row["instance_id"]], args.checkouts, args.timeout,
                              args.substitutes)
        # which inference code gave the verdict, so records made before a fix can be found and re-run
        record |= {"at": time.strftime("%Y-%m-%d %H:%M:%S"), "capuchin_commit": _head()}
        print(f"{row['instance_id']}: {record['status']} ({record['seconds']} s)", flush=True)
        with args.out.open("a") as fh:
            fh.write(json.dumps(record) + "\n")
    print(json.dumps(tally(args.out), indent=2))


if __name__ == "__main__":
    main()
