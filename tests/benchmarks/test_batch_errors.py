"""Batch commands record one instance's failure and go on (issue #11: `bench localize` died with a
RecursionError traceback at the first sympy instance instead of recording it)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import benchmarks.coverage
import benchmarks.localize
from agent.core.errors import CapuchinError
from sandbox.validate import tally, validate_all


def _dataset(tmp_path: Path, ids: list[str]) -> tuple[Path, Path]:
    dataset, checkouts = tmp_path / "d.jsonl", tmp_path / "checkouts"
    rows = [{"instance_id": i, "problem_statement": "p", "patch": "diff --git a/m.py b/m.py\n",
             "expected_spans": repr({"m.py": ["f"]})} for i in ids]
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for i in ids:
        (checkouts / i).mkdir(parents=True)
    return dataset, checkouts


def test_bench_localize_records_an_instance_that_fails_and_goes_on(tmp_path, monkeypatch):
    def localize_one(inst, checkout, config, model=None):
        if inst.instance_id == "deep":
            raise RecursionError("maximum recursion depth exceeded")
        return {"instance_id": inst.instance_id, "files": ["m.py"], "functions": ["m.py::f"], "seconds": 0.1}

    monkeypatch.setattr(benchmarks.localize, "localize_one", localize_one)
    dataset, checkouts = _dataset(tmp_path, ["deep", "fine"])
    out = tmp_path / "out.jsonl"
    summary = benchmarks.localize.run(dataset, checkouts, out, config=None)
    assert summary["instances"] == 2
    assert summary["errors"] == 1
    assert summary["file_acc"][1] == 0.5  # the failed instance counts as a miss
    assert summary["error_instances"] == {"deep": "RecursionError: maximum recursion depth exceeded"}
    assert "errors: 1" in benchmarks.localize.format_summary(summary)
    assert benchmarks.localize.done_ids(out) == {"fine"}  # the failed one runs again on resume


class _Runner:
    """An InstanceRunner double: one instance's build raises a bug, another's a setup error."""

    sandbox = None

    def instance_spec(self, row):
        if row["instance_id"] == "buggy":
            raise KeyError("python")
        if row["instance_id"] == "unbuildable":
            raise CapuchinError("no base image")
        return SimpleNamespace(env=SimpleNamespace(name="env"))


def test_sandbox_validate_records_an_instance_that_raises_and_goes_on(tmp_path):
    rows = [{"instance_id": i, "repo": "o/r", "test_patch": "", "patch": ""} for i in ("buggy", "unbuildable")]
    out = tmp_path / "validate.jsonl"
    counts = validate_all(_Runner(), rows, out, log=lambda _: None)
    records = {r["instance_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["buggy"]["status"] == "error"
    assert "KeyError" in records["buggy"]["reason"]
    assert records["unbuildable"]["status"] == "build_failed"
    assert counts == tally(out)
    assert counts["o/r"]["error"] == 1
    assert counts["o/r"]["build_failed"] == 1


def test_the_coverage_benchmark_records_a_bug_that_fails_and_goes_on(tmp_path, monkeypatch, capsys):
    def solve_bug(bug, settings, max_k, workdir):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(benchmarks.coverage, "solve_bug", solve_bug)
    data: dict = {"per_bug": {}}
    args = SimpleNamespace(max_k=2, subsets=1)
    benchmarks.coverage.run_one_bug("median_even", args, [1, 2], data, tmp_path / "e.jsonl", "abc")
    assert data["errors"] == {"median_even": "RecursionError: maximum recursion depth exceeded"}
    assert data["summary"]["errors"] == 1
    assert data["per_bug"] == {}
    assert "median_even: error" in capsys.readouterr().out
