"""The coverage benchmark for several embedded models, interleaved bug by bug.

Runs ``benchmarks.coverage`` once per (bug, model) in the order bug1 model A, bug1 model B,
bug2 model A, ... so that whatever else loads the machine meanwhile falls on every model alike
(each row records the load average). Each model writes its own results file, which
``benchmarks.coverage`` resumes: a (bug, model) already there is skipped, so a killed run picks up
where it stopped.

    python -m benchmarks.coverage_models --models qwen2.5-coder-0.5b-instruct,qwen2.5-coder-1.5b-instruct \\
        --max-k 16 --out-prefix benchmarks/results/coverage-batched
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from agent.demo import bug_names


def short_name(model: str) -> str:
    """``qwen2.5-coder-1.5b-instruct`` -> ``1.5b``: the size part names the file, else the whole name."""
    return next((part for part in model.split("-") if part[:-1].replace(".", "").isdigit() and part[-1] == "b"), model)


def results_path(prefix: str, model: str) -> Path:
    return Path(f"{prefix}-{short_name(model)}.json")


def done(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text()).get("per_bug", {}))
    except (OSError, ValueError):
        return set()


def schedule(bugs: list[str], models: list[str], prefix: str) -> list[tuple[str, str]]:
    """(bug, model) pairs still to run, interleaved bug by bug."""
    return [(bug, model) for bug in bugs for model in models if bug not in done(results_path(prefix, model))]


def compare(models: list[str], prefix: str, ks: list[int]) -> dict:
    """Each model's figures over the bugs every model finished (a cut-short run compares like with like)."""
    from benchmarks.coverage import summarise

    rows = {m: json.loads(results_path(prefix, m).read_text()).get("per_bug", {}) if results_path(prefix, m).exists()
            else {} for m in models}
    shared = sorted(set.intersection(*(set(r) for r in rows.values()))) if rows else []
    out = {"bugs": shared, "models": {}}
    for model, per_bug in rows.items():
        summary = summarise({b: per_bug[b] for b in shared}, ks)
        out["models"][model] = {key: summary[key] for key in summary
                                if key in ("pass@1", "coverage", "selected", "fixes_per_minute") or key.startswith("median_")}
        out["models"][model]["fixed"] = [b for b in shared if per_bug[b].get("chosen_correct")]
        out["models"][model]["load_avg"] = [per_bug[b].get("load_avg") for b in shared]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True, help="comma-separated embedded model names")
    parser.add_argument("--bugs", help="comma-separated names (default: all)")
    parser.add_argument("--max-k", type=int, default=16)
    parser.add_argument("--out-prefix", default="benchmarks/results/coverage-batched")
    parser.add_argument("--shuffle", type=int, metavar="SEED",
                        help="run the bugs in a random order drawn from SEED, so that a run cut short covers "
                        "a random subset rather than the first names in the alphabet")
    parser.add_argument("--compare", action="store_true",
                        help="write <out-prefix>.json: each model's figures over the bugs all of them finished")
    args = parser.parse_args()
    models = args.models.split(",")
    bugs = args.bugs.split(",") if args.bugs else bug_names()
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(bugs)
    if args.compare:
        table = compare(models, args.out_prefix, [1, 2, 4, 8, 16])
        Path(f"{args.out_prefix}.json").write_text(json.dumps(table, indent=2))
        print(json.dumps(table, indent=2))
        return
    todo = schedule(bugs, models, args.out_prefix)
    for i, (bug, model) in enumerate(todo, 1):
        print(f"[{i}/{len(todo)}] {bug} with {model} (load {os.getloadavg()[0]:.2f})", flush=True)
        env = os.environ | {"CAPUCHIN_EMBEDDED__MODEL": model}
        subprocess.run([sys.executable, "-m", "benchmarks.coverage", "--bugs", bug, "--max-k", str(args.max_k),
                        "--out", str(results_path(args.out_prefix, model))], env=env, check=False)


if __name__ == "__main__":
    main()
