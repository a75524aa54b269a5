"""Regrade `capuchin swebench eval` logs with the official harness's own parsers and grading functions.

Run it with a Python that has the official ``swebench`` package installed and NOT Capuchin on
its path (both are top-level ``swebench`` packages)::

    python3 -m venv /tmp/official && /tmp/official/bin/pip install swebench
    /tmp/official/bin/python benchmarks/official_parity.py --logs LOGS/RUN_ID/MODEL \\
        --dataset ../shared/data/swebench-dev.jsonl --validation benchmarks/results/validate-dev.jsonl \\
        --out benchmarks/results/swebench-eval-parity.json

For each graded instance: the test output between Capuchin's markers goes through the official
log parser of its repository, then ``get_eval_tests_report`` and ``get_resolution_status``; the
verdict is compared with Capuchin's ``report.json``. Disagreements are listed with the tests
whose parsed status differs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# The markers of Capuchin's run script (sandbox/runscript.py), copied: Capuchin is not importable here.
START, EXIT = ">>>>> CAPUCHIN START TESTS", ">>>>> CAPUCHIN TEST EXIT"


def records(path: Path) -> dict[str, dict]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            out[row["instance_id"]] = row
    return out


def main() -> None:
    from swebench.harness.grading import get_eval_tests_report, get_resolution_status
    from swebench.harness.log_parsers import MAP_REPO_TO_PARSER

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--logs", type=Path, required=True, help="logs/run_evaluation/<run_id>/<model>")
    ap.add_argument("--dataset", type=Path, required=True)
    ap.add_argument("--validation", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rows, lists = records(args.dataset), records(args.validation)
    agree, disagree = [], []
    for folder in sorted(p for p in args.logs.iterdir() if (p / "report.json").is_file()):
        iid = folder.name
        ours = json.loads((folder / "report.json").read_text())[iid]
        log = (folder / "test_output.txt").read_text(errors="replace")
        log = log.split(START, 1)[-1].split(EXIT, 1)[0]
        statuses = MAP_REPO_TO_PARSER[rows[iid]["repo"]](log, None)
        gold = {"FAIL_TO_PASS": lists[iid]["FAIL_TO_PASS"], "PASS_TO_PASS": lists[iid]["PASS_TO_PASS"]}
        official = get_eval_tests_report(statuses, gold)
        resolved = get_resolution_status(official) == "RESOLVED_FULL"
        if resolved == ours["resolved"]:
            agree.append(iid)
            continue
        differ = {g: sorted(set(official[g]["failure"]) ^ set(ours["tests_status"][g]["failure"]))
                  for g in ("FAIL_TO_PASS", "PASS_TO_PASS")}
        disagree.append({"instance_id": iid, "ours": ours["resolved"], "official": resolved, "tests": differ})
    result = {"graded": len(agree) + len(disagree), "agree": len(agree), "disagree": disagree}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v if k != "disagree" else len(v) for k, v in result.items()}))


if __name__ == "__main__":
    main()
