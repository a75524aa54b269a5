"""Coverage@k and selected@k over a run, from stored solve reports and per-candidate grades."""

from __future__ import annotations

import json

import pytest

from agent.core.types import Candidate, Verdict
from agent.report import SolveReport
from swebatch.coverage import candidate_predictions, coverage_report
from swebatch.records import Record, write_record


def report(chosen: str) -> SolveReport:
    # a (with duplicate b) is wrong; c is right; d failed to apply
    cands = [Candidate(id="a", temperature=0.0, diff="wrong", duplicates=["b"]),
             Candidate(id="b", temperature=0.8, diff="wrong"),
             Candidate(id="c", temperature=0.8, diff="right"),
             Candidate(id="d", temperature=0.8, error="no edit")]
    verdicts = [Verdict(candidate_id="a", applies=True, regression_ok=True, votes=2),
                Verdict(candidate_id="c", applies=True, regression_ok=True, votes=1)]
    return SolveReport(run_id="r", repo="/", issue="i", candidates=cands, verdicts=verdicts, chosen=chosen)


def test_only_distinct_verified_candidates_are_graded():
    preds = candidate_predictions("o__r-1", report("a"))
    assert [(p["model_name_or_path"], p["model_patch"]) for p in preds] == [("candidate-a", "wrong"),
                                                                            ("candidate-c", "right")]


def test_duplicates_share_their_representatives_grade_and_the_fit_and_plot_are_written(tmp_path):
    pytest.importorskip("matplotlib")
    for iid, chosen in (("o__r-1", "a"), ("o__r-2", "c")):
        (tmp_path / iid).mkdir()
        (tmp_path / iid / "report.json").write_text(report(chosen).model_dump_json())
        write_record(tmp_path, Record(instance_id=iid, status="solved", model_name_or_path="m"))
    grades = {"o__r-1": {"a": False, "c": True}, "o__r-2": {"a": False, "c": True}}
    data = coverage_report(tmp_path, [{"instance_id": "o__r-1"}, {"instance_id": "o__r-2"}], grades, subsets=20)
    one = data["per_instance"]["o__r-1"]
    assert one["n"] == 4
    assert one["correct"] == 1
    assert one["chosen_correct"] is False
    assert data["per_instance"]["o__r-2"]["chosen_correct"] is True
    assert data["summary"]["coverage"]["1"] == pytest.approx(0.25)
    assert data["summary"]["coverage"]["4"] == pytest.approx(1.0)
    assert data["summary"]["fit"] is not None
    assert (tmp_path / "coverage.png").stat().st_size > 0
    assert json.loads((tmp_path / "coverage.json").read_text())["summary"]["instances"] == 2
