"""Gold patches through `capuchin swebench eval`: does every validated instance resolve, and what does
grading cost beyond the tests' own time?

    nice python -m benchmarks.swebench_eval --dataset ../shared/data/swebench-dev.jsonl \\
        --validation benchmarks/results/validate-dev.jsonl --repos /work/.mirror \\
        --instances 'requests|flask|pytest|seaborn' --logs /work/scratch/eval-logs \\
        --out benchmarks/results/swebench-eval-gold.json

Runs the evaluation twice under two run ids: the first builds any missing instance images
(``cold``), the second finds them all cached (``warm``). Overhead per instance is the
instance's wall time minus the test command's own time (timed inside the container); the
warm pass gives the figure that matters once images exist. Also grades empty patches (none
may resolve). Writes per-instance outcomes, medians and instances per hour.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from agent.core.config import load_settings
from swebatch.data import load_dataset, load_predictions, select
from swebatch.evaluate import EvalOptions, Evaluator, Outcome
from swebatch.tests import TestLists


def one_pass(runner, tests: TestLists, rows: list[dict], preds: dict, run_id: str, logs: Path,
             workers: int) -> dict:
    outcomes: list[Outcome] = []

    def done(o: Outcome) -> None:
        outcomes.append(o)
        print(f"[{run_id}] {o.status:>13} {o.instance_id} {o.seconds:.1f}s tests={o.tests_s} {o.note[:100]}",
              flush=True)

    options = EvalOptions(run_id=run_id, log_root=logs, report_dir=logs, workers=workers, cache_level="instance")
    started = time.monotonic()
    report = Evaluator(runner, tests, options, on_done=done).evaluate(rows, preds)
    wall = time.monotonic() - started
    ran = [o for o in outcomes if o.tests_s is not None]
    overhead = [o.seconds - o.tests_s for o in ran]
    return {
        "run_id": run_id, "wall_s": round(wall, 1), "graded": len(ran),
        "instances_per_hour": round(len(ran) / wall * 3600, 1) if ran and wall else None,
        "overhead_median_s": round(statistics.median(overhead), 2) if overhead else None,
        "overhead_max_s": round(max(overhead), 2) if overhead else None,
        "tests_median_s": round(statistics.median(o.tests_s for o in ran), 2) if ran else None,
        "build_median_s": round(statistics.median(o.build_s for o in ran), 2) if ran else None,
        "load_avg": round(os.getloadavg()[0], 2),
        "report": {k: v for k, v in report.items() if not k.endswith("_ids") or k in
                   ("resolved_ids", "unresolved_ids", "error_ids", "not_validated_ids")},
        "outcomes": [{"instance_id": o.instance_id, "status": o.status, "note": o.note, "seconds": round(o.seconds, 2),
                      "tests_s": None if o.tests_s is None else round(o.tests_s, 2), "build_s": round(o.build_s, 2),
                      "run_s": round(o.run_s, 2)} for o in outcomes],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--validation", type=Path, required=True)
    ap.add_argument("--repos", type=Path, required=True)
    ap.add_argument("--instances", default=None, help="regular expression over instance ids")
    ap.add_argument("--logs", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--passes", default="cold,warm,empty")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/swebench-eval-gold.json"))
    args = ap.parse_args()
    from sandbox.docker_backend import DockerSandbox
    from sandbox.swebench import InstanceRunner

    settings = load_settings(None, {"sandbox": {"repos": str(args.repos)}})
    runner = InstanceRunner(DockerSandbox(settings.sandbox))
    rows = select(load_dataset(args.dataset), pattern=args.instances)
    tests = TestLists(args.validation)
    gold = load_predictions("gold", rows)
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    data["args"] = {k: str(v) for k, v in vars(args).items()}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in args.passes.split(","):
        preds = gold if name != "empty" else {i: p | {"model_patch": ""} for i, p in gold.items()}
        data[name] = one_pass(runner, tests, rows, preds, f"gold-{name}-{stamp}", args.logs, args.workers)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, indent=2) + "\n")
        summary = {k: v for k, v in data[name].items() if k not in ("outcomes", "report")}
        print(json.dumps(summary | {"resolved": data[name]["report"]["resolved_instances"]}, indent=2), flush=True)


if __name__ == "__main__":
    main()
