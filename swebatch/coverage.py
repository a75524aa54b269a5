"""Coverage@k and selected@k over a batch run (``swebench run --grade-candidates``).

Every distinct verified candidate of every instance is graded with the official rules
(``swebatch.evaluate``; logs under ``RUN_DIR/candidate_grades/``, resumable like any evaluation);
a sample is correct when the distinct patch it stands for resolves the instance (samples that
failed Capuchin's own verification count as incorrect: they could never be chosen). The curves,
the Large Language Monkeys fit and the plot come from ``benchmarks.curves``, the one
implementation shared with the bundled-bug benchmark.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from agent.report import SolveReport
from benchmarks.curves import KS, curves, fit_monkeys, mean_curves, plot
from swebatch.evaluate import EvalOptions, Evaluator
from swebatch.records import read_record
from swebatch.tests import TestLists

GRADES = "candidate_grades"


def load_report(folder: Path) -> SolveReport | None:
    try:
        return SolveReport.model_validate_json((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def candidate_predictions(iid: str, report: SolveReport) -> list[dict]:
    """One prediction per distinct verified candidate; its model name names the candidate."""
    verified = {v.candidate_id for v in report.verdicts if v.applies and v.regression_ok is not False}
    return [{"instance_id": iid, "model_name_or_path": f"candidate-{c.id}", "model_patch": c.diff}
            for c in report.candidates if c.id in verified and c.diff]


def grade_candidates(out: Path, rows: Sequence[dict], runner, tests: TestLists, workers: int = 1,
                     on_done: Callable = lambda o: None) -> dict[str, dict[str, bool]]:
    """Grade every instance's distinct verified candidates; return {instance: {candidate id: resolved}}."""
    options = EvalOptions(run_id="grade", log_root=out / GRADES, report_dir=out / GRADES, workers=workers,
                          cache_level="instance")
    evaluator = Evaluator(runner, tests, options, on_done=on_done)
    results: dict[str, dict[str, bool]] = {}
    try:
        for row in rows:
            report = load_report(out / row["instance_id"])
            if report is None:
                continue
            preds = candidate_predictions(row["instance_id"], report)
            for pred in preds:
                evaluator.on_done(evaluator.one(row, pred))
            results[row["instance_id"]] = {p["model_name_or_path"].removeprefix("candidate-"):
                                           _resolved(evaluator.folder(p) / "report.json", row["instance_id"])
                                           for p in preds}
    finally:
        evaluator.close()  # containers removed in the background: wait for them, sweep the rest
    return results


def _resolved(path: Path, iid: str) -> bool:
    try:
        return bool(json.loads(path.read_text())[iid]["resolved"])
    except (OSError, ValueError, KeyError):
        return False


def coverage_report(out: Path, rows: Sequence[dict], grades: dict[str, dict[str, bool]], *,
                    subsets: int = 50, title: str = "") -> dict:
    """Per-instance and mean curves, the fit, written to RUN_DIR/coverage.json and coverage.png."""
    per: dict[str, dict] = {}
    max_n = 0
    for i, row in enumerate(rows):
        iid = row["instance_id"]
        report = load_report(out / iid)
        if report is None or iid not in grades:
            continue
        owner = {c.id: c.id for c in report.candidates} | {d: c.id for c in report.candidates for d in c.duplicates}
        correct = {c.id: grades[iid].get(owner[c.id], False) for c in report.candidates}
        max_n = max(max_n, len(report.candidates))
        row_curves = curves(report, correct, list(KS), subsets, seed=i)
        record = read_record(out / iid)
        row_curves["chosen_correct"] = bool(report.chosen) and correct.get(report.chosen, False)
        row_curves["status"] = record.status if record else None
        per[iid] = json.loads(json.dumps(row_curves))  # string keys, as stored
    ks = [k for k in KS if k <= max(max_n, 1)]
    summary = {"instances": len(per), **mean_curves(list(per.values()), ks),
               "chosen_correct": sum(r["chosen_correct"] for r in per.values())}
    summary["fit"] = fit_monkeys(summary["coverage"])
    data = {"summary": summary, "per_instance": per}
    (out / "coverage.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if per:
        plot(summary, out / "coverage.png", title or f"Capuchin on {len(per)} SWE-bench instances",
             f"fraction of {len(per)} instances", fit=summary["fit"])
    return data
