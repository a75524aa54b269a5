"""Gold coverage over every validating dev instance: one file from the gold passes run so far.

Earlier passes (``swebench-eval-gold.json``, ``swebench-eval-gold-5repos.json``) graded 55
instances; the rest ran later under one resumable run id (``benchmarks.swebench_eval --run-id``),
whose per-instance ``report.json`` and ``run_instance.log`` are read here. Per repository: how many
validate, are graded, resolve; each instance not resolved with its reason; instances per hour
(the long run's wall clock over what it graded) and the load average it ran under.

    python -m benchmarks.swebench_gold_all --logs LOGS/gold-all LOGS/gold-all-b \\
        --passes /work/scratch/h-swe/gold-all/*.json --out benchmarks/results/swebench-eval-gold-all.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
EARLIER = ("swebench-eval-gold.json", "swebench-eval-gold-5repos.json")
FINDINGS = [
    "sympy__sympy-15599 and sympy__sympy-15809 were first recorded unresolved: a second process started on the "
    "same run id swept its containers, and '[container removed before its output was read]' was graded as every "
    "test failed, with a report.json that a resume skips. Fixed (swebatch/evaluate.py: such a run is an error "
    "without a report; tests/swebatch/test_evaluate.py); both regraded under run id gold-all-b: resolved.",
]
_LOG = re.compile(r"^(\S+ \S+) (\S+): (\w+)\n?(?:seconds=(\S+) build_s=(\S+) run_s=(\S+) tests_s=(\S+))?", re.M)


def repository(instance_id: str) -> str:
    return instance_id.split("__")[1].rsplit("-", 1)[0]


def earlier_outcomes(results: Path) -> dict[str, dict]:
    """The last resolved-or-not verdict of each instance in the earlier files (any pass, any stratum)."""
    found: dict[str, dict] = {}
    for name in EARLIER:
        stack = [json.loads((results / name).read_text())]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if node.get("status") in ("resolved", "unresolved", "error") and "instance_id" in node:
                    prior = found.get(node["instance_id"])
                    if prior is None or prior["status"] != "resolved":
                        found[node["instance_id"]] = {"status": node["status"], "note": node.get("note", ""),
                                                      "source": name}
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return found


def run_outcomes(runs: list[Path]) -> dict[str, dict]:
    """The long run's verdicts from its per-instance folders (the last entry of each run_instance.log); a
    later run folder (a regrade under another run id) overrides an earlier one."""
    found: dict[str, dict] = {}
    for log in (log for logs in runs for log in sorted(logs.glob("*/*/run_instance.log"))):
        entries = _LOG.findall(log.read_text(errors="replace"))
        if not entries:
            continue
        stamp, iid, status, seconds, build, _run, tests = entries[-1]
        if status in ("resolved", "unresolved") and not (log.parent / "report.json").is_file():
            status = "no_report"  # its verdict was withdrawn (see the failure's note): not counted
        found[iid] = {"status": status, "at": stamp, "run": log.parents[2].name,
                      "seconds": float(seconds or 0), "build_s": float(build or 0),
                      "tests_s": None if tests in ("", "None") else float(tests), "source": "long run"}
        if status != "resolved":
            tail = (log.parent / "test_output.txt")
            found[iid]["note"] = log.read_text(errors="replace")[-600:]
            found[iid]["output_tail"] = tail.read_text(errors="replace")[-1500:] if tail.is_file() else ""
    return found


def summarise(validating: list[str], outcomes: dict[str, dict], passes: list[dict]) -> dict:
    per: dict[str, Counter] = defaultdict(Counter)
    for iid in validating:
        c = per[repository(iid)]
        c["validating"] += 1
        out = outcomes.get(iid)
        if out:
            c["graded"] += 1
            c[out["status"]] += 1
    graded = sum(c["graded"] for c in per.values())
    resolved = sum(c["resolved"] for c in per.values())
    run = [o for o in outcomes.values() if o.get("source") == "long run" and o.get("at")]
    stamps = sorted(datetime.strptime(o["at"], "%Y-%m-%d %H:%M:%S") for o in run)
    first_start = min((datetime.strptime(o["at"], "%Y-%m-%d %H:%M:%S").timestamp() - o["seconds"] for o in run),
                      default=None)
    wall_h = (stamps[-1].timestamp() - first_start) / 3600 if run else None
    loads = [x for p in passes for x in p.get("load_avg", [])]
    return {
        "validating": len(validating), "graded": graded, "resolved": resolved,
        "not_graded": [i for i in validating if i not in outcomes],
        "per_repository": {r: dict(c) for r, c in sorted(per.items())},
        "failures": [{"instance_id": i} | o for i, o in sorted(outcomes.items())
                     if i in validating and o["status"] != "resolved"],
        "long_run": {
            "graded": len(run), "wall_h": round(wall_h, 2) if wall_h else None,
            "instances_per_hour": round(len(run) / wall_h, 1) if wall_h else None,
            "per_repository_per_hour": per_hour(run),
            "tests_median_s": round(statistics.median(o["tests_s"] for o in run if o["tests_s"]), 1) if run else None,
            "build_median_s": round(statistics.median(o["build_s"] for o in run), 1) if run else None,
            "load_avg_at_pass_starts_and_ends": loads,
        },
    }


def per_hour(run: list[dict]) -> dict[str, float]:
    """One worker's view: an hour over the summed instance times of each repository (with two workers in
    flight the run's rate is about twice this)."""
    spent: dict[str, list[float]] = defaultdict(list)
    for o in run:
        spent[o.get("repo", "")].append(o["seconds"])
    return {r: round(len(s) / sum(s) * 3600, 1) for r, s in sorted(spent.items()) if sum(s)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--validation", type=Path, default=RESULTS / "validate-dev.jsonl")
    ap.add_argument("--logs", type=Path, nargs="+", required=True,
                    help="the long run's folders (<log root>/<run id>), regrades last")
    ap.add_argument("--passes", type=Path, nargs="*", default=[], help="the long run's per-repository JSON files")
    ap.add_argument("--out", type=Path, default=RESULTS / "swebench-eval-gold-all.json")
    args = ap.parse_args()
    latest = {}
    for line in args.validation.read_text().splitlines():
        rec = json.loads(line)
        latest[rec["instance_id"]] = rec["status"]
    validating = sorted(i for i, s in latest.items() if s == "validated")
    outcomes = earlier_outcomes(RESULTS) | run_outcomes(args.logs)
    for iid, o in outcomes.items():
        o["repo"] = repository(iid)
    passes = [p for f in args.passes for p in json.loads(f.read_text()).values() if isinstance(p, dict) and "wall_s" in p]
    data = summarise(validating, outcomes, passes)
    empty = [json.loads((RESULTS / name).read_text())["empty"]["report"] for name in EARLIER]
    data["empty_patches"] = {"submitted": sum(r["empty_patch_instances"] for r in empty),
                             "resolved": sum(r["resolved_instances"] for r in empty),
                             "ran": sum(r["completed_instances"] for r in empty),
                             "note": "empty patches are never run and never resolved (measured on every "
                                     "graded repository in the earlier passes: 'empty' in both earlier files)"}
    data["harness_findings"] = FINDINGS
    data["sources"] = list(EARLIER) + [f"long run: {', '.join(p.name for p in args.logs)} (per-instance logs)"]
    args.out.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps({k: v for k, v in data.items() if k in ("validating", "graded", "resolved", "per_repository")}
                     | {"instances_per_hour": data["long_run"]["instances_per_hour"],
                        "failures": [f["instance_id"] for f in data["failures"]]}, indent=2))


if __name__ == "__main__":
    main()
