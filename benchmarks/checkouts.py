"""Make ``OUT/<instance_id>`` checkouts at each instance's base commit from local bare mirrors.

    python -m benchmarks.checkouts --dataset ../shared/data/swebench-dev.jsonl \\
        [--mirrors DIR] --out /work/checkouts     # DIR: default sandbox.repos

Idempotent: a checkout already at its base commit is left alone, a half-made one is
redone. Instances whose repository has no mirror are reported and skipped. Clones use
``--shared`` so each costs only its work tree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.core.errors import InputError


@dataclass(frozen=True)
class CheckoutSpec:
    instance_id: str
    repo: str
    base_commit: str

    def mirror(self, mirrors: Path) -> Path:
        from sandbox.swebench_specs import mirror_of

        return mirror_of(self.repo, mirrors)


def load_specs(dataset: Path) -> list[CheckoutSpec]:
    if not dataset.is_file():
        raise InputError(f"dataset not found: {dataset}")
    specs = []
    for n, line in enumerate(dataset.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            specs.append(CheckoutSpec(row["instance_id"], row["repo"], row["base_commit"]))
        except (json.JSONDecodeError, KeyError) as exc:
            raise InputError(f"{dataset}:{n}: not an instance row ({exc})") from None
    return specs


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def head_of(path: Path) -> str | None:
    if not (path / ".git").exists():
        return None
    done = _git("rev-parse", "HEAD", cwd=path)
    return done.stdout.strip() if done.returncode == 0 else None


def make_checkout(spec: CheckoutSpec, mirrors: Path, out: Path) -> str:
    """Return 'ok', 'made', or a reason it could not be made."""
    target = out / spec.instance_id
    if head_of(target) == spec.base_commit and _git("status", "--porcelain", "-uno", cwd=target).stdout == "":
        return "ok"
    try:
        mirror = spec.mirror(mirrors)
    except InputError as exc:
        return exc.message
    if target.exists():
        shutil.rmtree(target)
    steps = (
        (["clone", "-q", "--shared", "--no-checkout", str(mirror), str(target)], None),
        (["checkout", "-q", spec.base_commit], target),
    )
    for args, cwd in steps:
        done = _git(*args, cwd=cwd)
        if done.returncode != 0:
            shutil.rmtree(target, ignore_errors=True)
            return f"git {args[0]} failed: {done.stderr.strip()[:200]}"
    return "made"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, required=True)
    ap.add_argument("--mirrors", type=Path, default=None, help="git histories (default: sandbox.repos)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.mirrors is None:
        from agent.core.config import load_settings
        from sandbox.swebench_specs import repos_dir

        args.mirrors = repos_dir(load_settings(None).sandbox)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    specs = load_specs(args.dataset)
    for n, spec in enumerate(specs, 1):
        status = make_checkout(spec, args.mirrors, args.out)
        failed += status not in ("ok", "made")
        print(f"[{n}/{len(specs)}] {spec.instance_id}: {status}", flush=True)
    print(f"{len(specs) - failed} checkouts ready, {failed} missing", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
