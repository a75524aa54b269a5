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
from statistics import median

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


def compare(models: list[str], prefix: str, ks: list[int], bugs: list[str] | None = None) -> dict:
    """Each model's figures over the bugs every model finished (a cut-short run compares like with
    like), how many each model finished in all, and what the rest would take at the medians so far."""
    from benchmarks.coverage import summarise

    data = {m: json.loads(results_path(prefix, m).read_text()) if results_path(prefix, m).exists() else {}
            for m in models}
    rows = {m: d.get("per_bug", {}) for m, d in data.items()}
    shared = sorted(set.intersection(*(set(r) for r in rows.values()))) if rows else []
    out: dict = {"paired": len(shared), "bugs": shared, "models": {}}
    for model, per_bug in rows.items():
        summary = summarise({b: per_bug[b] for b in shared}, ks)
        figures = {key: summary[key] for key in summary
                   if key in ("pass@1", "coverage", "selected", "fixes_per_minute") or key.startswith("median_")}
        out["models"][model] = figures | paired_figures([per_bug[b] for b in shared]) | {
            "completed": len(per_bug), "errors": sorted(data[model].get("errors", {})),
            "fixed": [b for b in shared if per_bug[b].get("chosen_correct")],
            "load_avg": [per_bug[b].get("load_avg") for b in shared]}
    if shared:
        out["most_fixes_per_minute"] = max(models, key=lambda m: out["models"][m]["fixes_per_minute"] or 0.0)
    out["remaining"] = remaining(rows, bugs if bugs is not None else bug_names())
    return out


def paired_figures(rows: list[dict]) -> dict:
    """Totals behind fixes per minute and the load the rows ran under (load at the start and the end of each bug)."""
    from agent.model_figures import wall_seconds

    loads = [x for r in rows for x in [r.get("load_avg"), *(r.get("load_avg_start") or [])[:1]] if x is not None]
    return {"fixes": sum(bool(r.get("chosen_correct")) for r in rows),
            "wall_minutes": round(sum(wall_seconds(r) for r in rows) / 60, 1),
            "samples": sum(r.get("n", 0) for r in rows),
            "load_avg_range": [min(loads), max(loads)] if loads else None}


def remaining(rows: dict[str, dict], bugs: list[str]) -> dict:
    """The (bug, model) runs left and their projected time: each model's median seconds per bug so
    far (solve and judging) times its bugs left, run one after another as the schedule does."""
    left = {m: [b for b in bugs if b not in per_bug] for m, per_bug in rows.items()}
    per_bug_s = {m: median([r.get("seconds", 0.0) for r in per_bug.values()]) if per_bug else None
                 for m, per_bug in rows.items()}
    known = [per_bug_s[m] * len(left[m]) for m in rows if per_bug_s[m] is not None]
    return {"runs": sum(len(b) for b in left.values()), "per_model": left,
            "median_s_per_bug": per_bug_s, "projected_s": round(sum(known)) if known else None}


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
        table = compare(models, args.out_prefix, [1, 2, 4, 8, 16], bugs)
        Path(f"{args.out_prefix}.json").write_text(json.dumps(table, indent=2))
        print(json.dumps(table, indent=2))
        return
    # The schedule is read again before each run, so a row removed meanwhile (to run it again) is
    # picked up; a run that failed (recorded under "errors") is not tried again by this process.
    tried: set[tuple[str, str]] = set()
    while todo := [pair for pair in schedule(bugs, models, args.out_prefix) if pair not in tried]:
        bug, model = todo[0]
        tried.add((bug, model))
        print(f"[{len(todo)} left] {bug} with {model} (load {os.getloadavg()[0]:.2f})", flush=True)
        env = os.environ | {"CAPUCHIN_EMBEDDED__MODEL": model}
        subprocess.run([sys.executable, "-m", "benchmarks.coverage", "--bugs", bug, "--max-k", str(args.max_k),
                        "--out", str(results_path(args.out_prefix, model))], env=env, check=False)


if __name__ == "__main__":
    main()
