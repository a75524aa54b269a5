"""The editor fuzzed with hostile model answers, long profile (CI runs a short one in tests/).

Generates ``--cases`` answers (malformed fences, truncated and huge code, CRLF, control characters,
lone surrogates, unicode identifiers, paths into .git/ or out through symlinks, search/replace
blocks that match nothing or many places) and checks the properties of ``editing.fuzzing``:
only EditError, nothing written to disk, the reported diff is exactly what it says. Prints and
writes the counts; exits 1 on the first property violation with the falsifying answer.

    python -m benchmarks.fuzz_editor [--cases 10000] [--seed 0] [--out benchmarks/results/fuzz-editor.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

from editing.fuzzing import answers, check_answer, fingerprint, make_hostile_repo


def run(cases: int, rng_seed: int) -> dict:
    outcomes: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="capuchin-fuzz-") as tmp:
        root = Path(tmp)
        repo = make_hostile_repo(root / "tree")
        before = fingerprint(root / "tree")
        scratch = root / "scratch"
        scratch.mkdir()

        @seed(rng_seed)
        @settings(max_examples=cases, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(answer=answers())
        def fuzz(answer: str) -> None:
            outcomes[check_answer(repo, answer, scratch)] += 1
            assert fingerprint(root / "tree") == before, "the editor changed files on disk"

        started = time.monotonic()
        error = None
        try:
            fuzz()
        except Exception as exc:  # a property violation: report it with hypothesis' falsifying example
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.monotonic() - started
    return {"cases": sum(outcomes.values()), "applied": outcomes["applied"], "refused": outcomes["refused"],
            "crashes": 0 if error is None else 1, "error": error, "seed": rng_seed, "seconds": round(seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/fuzz-editor.json"))
    args = parser.parse_args()
    result = run(args.cases, args.seed)
    print(f"{result['cases']} cases in {result['seconds']} s: {result['applied']} applied, "
          f"{result['refused']} refused, {result['crashes']} crashes")
    if result["error"]:
        print(result["error"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["crashes"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
