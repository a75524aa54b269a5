"""Gold patches through `capuchin swebench eval`: does every validated instance resolve, and what does
grading cost beyond the tests' own time?

    nice python -m benchmarks.swebench_eval --dataset ../shared/data/swebench-dev.jsonl \\
        --validation benchmarks/results/validate-dev.jsonl --repos /work/.mirror \\
        --instances 'requests|flask|pytest|seaborn' --logs /work/scratch/eval-logs \\
        --out benchmarks/results/swebench-eval-gold.json

Runs the evaluation once per name in ``--passes``, each under its own run id: the first builds any
missing instance images (``cold``), later ones find them cached (``warm``, ``warm2``, ...); names
starting with ``baseline`` grade as before the overhead work (inline container removal, no
containers started ahead), for a ratio measured under the same load; names starting with ``empty`` grade empty
patches (none may resolve). Overhead per instance is the instance's wall time minus the test
command's own time (timed inside the container), split into image lookup, the script before the
tests, the container's start and exit, and the host side; warm passes give the figure that matters
once images exist. Writes per-instance outcomes, medians, the load average and instances per hour.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import statistics
import time
from pathlib import Path

from agent.core.config import load_settings
from sandbox.runscript import prep_seconds
from sandbox.swebench import _instance_spec
from sandbox.swebench_specs import repo_version
from swebatch.data import load_dataset, load_predictions, select
from swebatch.evaluate import EvalOptions, Evaluator, Outcome
from swebatch.tests import TestLists


def one_pass(runner, tests: TestLists, rows: list[dict], preds: dict, run_id: str, logs: Path,
             workers: int, cache_level: str = "instance") -> dict:
    outcomes: list[Outcome] = []

    def done(o: Outcome) -> None:
        outcomes.append(o)
        print(f"[{run_id}] {o.status:>13} {o.instance_id} {o.seconds:.1f}s tests={o.tests_s} {o.note[:100]}",
              flush=True)

    options = EvalOptions(run_id=run_id, log_root=logs, report_dir=logs, workers=workers, cache_level=cache_level)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    report = Evaluator(runner, tests, options, on_done=done).evaluate(rows, preds)
    wall = time.monotonic() - started
    ran = [o for o in outcomes if o.tests_s is not None]
    parts = [breakdown(o, logs / run_id) for o in ran]
    overhead = [p["overhead_s"] for p in parts]
    return {
        "run_id": run_id, "wall_s": round(wall, 1), "graded": len(ran),
        "instances_per_hour": round(len(ran) / wall * 3600, 1) if ran and wall else None,
        "overhead_median_s": median(overhead),
        "overhead_max_s": round(max(overhead), 2) if overhead else None,
        # everything the pass spent beyond the tests (set-up, sweeps, the final drain), per instance
        "wall_overhead_per_instance_s": round((wall - sum(o.tests_s for o in ran)) / len(ran), 2)
        if ran and workers == 1 else None,
        "median_parts_s": {k: median([p[k] for p in parts]) for k in PARTS},
        "tests_median_s": median([o.tests_s for o in ran]),
        "build_median_s": median([o.build_s for o in ran]),
        "load_avg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "report": {k: v for k, v in report.items() if not k.endswith("_ids") or k in
                   ("resolved_ids", "unresolved_ids", "error_ids", "not_validated_ids")},
        "outcomes": [{"instance_id": o.instance_id, "status": o.status, "note": o.note, "seconds": round(o.seconds, 2),
                      "tests_s": None if o.tests_s is None else round(o.tests_s, 2), "build_s": round(o.build_s, 2),
                      "run_s": round(o.run_s, 2)} for o in outcomes],
    }


PARTS = ("lookup_s", "in_container_prep_s", "container_start_exit_s", "host_s", "overhead_s")


def breakdown(o: Outcome, run_logs: Path) -> dict:
    """Where one instance's time beyond its tests went: image lookup (``build_s`` when cached), the
    script before the tests (patches, setup lines), the container's start and exit, and the host side
    (create, copy in, logs, parsing, writing the report)."""
    folder = next(run_logs.glob(f"*/{o.instance_id}"), None)
    output = (folder / "test_output.txt").read_text(errors="replace") if folder else ""
    prep = prep_seconds(output) or 0.0
    return {"lookup_s": o.build_s, "in_container_prep_s": prep,
            "container_start_exit_s": o.run_s - (o.tests_s or 0) - prep,
            "host_s": o.seconds - o.build_s - o.run_s, "overhead_s": o.seconds - (o.tests_s or 0)}


@contextlib.contextmanager
def baseline(runner):
    """Grading as it was before the overhead work, for a ratio under the same load: containers removed
    inline, no containers started ahead, no look-ahead of specs, each version read twice from git."""
    import sandbox.swebench as sw
    import swebatch.evaluate as ev

    run, prefetch, cached, lookahead = runner.sandbox.run_in_image, ev.prefetch, sw.repo_version, ev.Lookahead
    runner.sandbox.run_in_image = lambda req: run(dataclasses.replace(req, remove_later=False))
    ev.prefetch = lambda rows, layers: None
    ev.Lookahead = lambda *a, **kw: None
    sw.repo_version = cached.__wrapped__
    try:
        yield
    finally:
        runner.sandbox.run_in_image, ev.prefetch, sw.repo_version, ev.Lookahead = run, prefetch, cached, lookahead


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--validation", type=Path, required=True)
    ap.add_argument("--repos", type=Path, required=True)
    ap.add_argument("--instances", default=None, help="regular expression over instance ids")
    ap.add_argument("--instance-ids", type=Path, default=None, help="file of instance ids, one a line")
    ap.add_argument("--run-id", default=None,
                    help="fixed run id (one pass): rerunning skips instances with a report, so a long run resumes")
    ap.add_argument("--logs", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--passes", default="cold,warm,empty")
    ap.add_argument("--cache-level", default="instance", choices=("none", "base", "env", "instance"),
                    help="images kept afterwards; warm passes need 'instance', a long one-pass run 'env' saves disk")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/swebench-eval-gold.json"))
    args = ap.parse_args()
    from sandbox.docker_backend import DockerSandbox
    from sandbox.swebench import InstanceRunner

    settings = load_settings(None, {"sandbox": {"repos": str(args.repos)}})
    runner = InstanceRunner(DockerSandbox(settings.sandbox))
    ids = args.instance_ids.read_text().split() if args.instance_ids else None
    rows = select(load_dataset(args.dataset), pattern=args.instances, ids=ids)
    tests = TestLists(args.validation)
    gold = load_predictions("gold", rows)
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    data["args"] = {k: str(v) for k, v in vars(args).items()}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in args.passes.split(","):
        preds = gold if not name.startswith("empty") else {i: p | {"model_patch": ""} for i, p in gold.items()}
        _instance_spec.cache_clear()  # every pass reads versions from git like a fresh process
        repo_version.cache_clear()
        with baseline(runner) if name.startswith("baseline") else contextlib.nullcontext():
            run_id = args.run_id or f"gold-{name}-{stamp}"
            data[name] = one_pass(runner, tests, rows, preds, run_id, args.logs, args.workers, args.cache_level)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, indent=2) + "\n")
        summary = {k: v for k, v in data[name].items() if k not in ("outcomes", "report")}
        print(json.dumps(summary | {"resolved": data[name]["report"]["resolved_instances"]}, indent=2), flush=True)


if __name__ == "__main__":
    main()
