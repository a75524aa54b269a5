"""Regrade `capuchin swebench eval` logs with the official harness's own parsers and grading functions.

Run it with a Python that has the official ``swebench`` package installed (Capuchin's own package is
``swebatch``, so the two can share one environment; a separate one keeps Capuchin's pins apart)::

    python3 -m venv /tmp/official && /tmp/official/bin/pip install swebench
    /tmp/official/bin/python benchmarks/official_parity.py --logs LOGS/RUN_ID/MODEL \\
        --dataset ../shared/data/swebench-dev.jsonl --validation benchmarks/results/validate-dev.jsonl \\
        --out benchmarks/results/swebench-eval-parity.json

For each graded instance: the test output between Capuchin's markers goes through the official
log parser of its repository, then ``get_eval_tests_report`` and ``get_resolution_status``; the
verdict is compared with Capuchin's ``report.json``. Disagreements are listed with the tests
whose parsed status differs.

The dev set's lists come from Capuchin's validation, i.e. Capuchin's parsers, and some of those
ids are ones the official parsers never produce (parametrised ids with spaces, which they cut at
the first space; result lines of the nested pytest runs in pytest's own suite). An official
dataset's lists come from the official parsers. So the verdict is also computed with the lists
restricted to ids the official parser names in this log (``consistent``): equal verdicts there
mean the grading rules agree, and the remaining differences are the ids' spelling.
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
    from swebench.harness.log_parsers.python import MAP_REPO_TO_PARSER_PY as MAP_REPO_TO_PARSER

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--logs", type=Path, required=True, help="logs/run_evaluation/<run_id>/<model>")
    ap.add_argument("--dataset", type=Path, required=True)
    ap.add_argument("--validation", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rows, lists = records(args.dataset), records(args.validation)
    agree, disagree, consistent_agree = [], [], 0
    for folder in sorted(p for p in args.logs.iterdir() if (p / "report.json").is_file()):
        iid = folder.name
        ours = json.loads((folder / "report.json").read_text())[iid]
        log = (folder / "test_output.txt").read_text(errors="replace")
        log = log.split(START, 1)[-1].split(EXIT, 1)[0]
        statuses = MAP_REPO_TO_PARSER[rows[iid]["repo"]](log, None)
        gold = {"FAIL_TO_PASS": lists[iid]["FAIL_TO_PASS"], "PASS_TO_PASS": lists[iid]["PASS_TO_PASS"]}
        official = get_eval_tests_report(statuses, gold)
        resolved = get_resolution_status(official) == "RESOLVED_FULL"
        named = {g: [t for t in ids if t in statuses] for g, ids in gold.items()}
        consistent = get_resolution_status(get_eval_tests_report(statuses, named)) == "RESOLVED_FULL"
        consistent_agree += consistent == ours["resolved"]
        if resolved == ours["resolved"]:
            agree.append(iid)
            continue
        differ = {g: sorted(set(official[g]["failure"]) ^ set(ours["tests_status"][g]["failure"]))
                  for g in ("FAIL_TO_PASS", "PASS_TO_PASS")}
        disagree.append({"instance_id": iid, "ours": ours["resolved"], "official": resolved,
                         "official_on_ids_it_names": consistent,
                         "unnamed_by_official_parser": {g: len(gold[g]) - len(named[g]) for g in gold},
                         "tests": differ})
    result = {"graded": len(agree) + len(disagree), "agree": len(agree),
              "agree_on_ids_the_official_parser_names": consistent_agree, "disagree": disagree}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v if k != "disagree" else len(v) for k, v in result.items()}))


if __name__ == "__main__":
    main()
