"""The spec-less fidelity benchmark's verdict comparison (benchmarks/specless_fidelity.py)."""

from __future__ import annotations

from agent.core.types import TestResult, TestStatus
from benchmarks.specless_fidelity import compare

P, F = TestStatus.PASSED, TestStatus.FAILED


def result(tests: dict[str, TestStatus]) -> TestResult:
    return TestResult(applied=True, tests=tests, exit_code=0)


def test_a_duplicate_parametrize_id_spelled_the_old_way_is_the_same_test():
    """sphinx-8265: pytest 6.2 names the curated "[1234-1234_0]" as "[1234-12340]"."""
    before = result({"t.py::u[1234-12340]": P, "t.py::u[1234-12341]": P, "t.py::f": F})
    after = result({"t.py::u[1234-12340]": P, "t.py::u[1234-12341]": P, "t.py::f": P})
    assert compare(before, after, ["t.py::f"], ["t.py::u[1234-1234_0]", "t.py::u[1234-1234_1]"])["match"]
    missing = compare(before, after, ["t.py::f"], ["t.py::u[99_2]"])
    assert missing["p2p_mismatch"] == ["t.py::u[99_2]"]


def test_a_rerun_record_replaces_the_earlier_one_in_the_tally(tmp_path):
    import json

    from benchmarks.specless_fidelity import tally

    out = tmp_path / "f.jsonl"
    lines = [{"instance_id": "a", "repo": "o/r", "status": "mismatch"}, {"instance_id": "b", "repo": "o/r", "status": "match"},
             {"instance_id": "a", "repo": "o/r", "status": "match"}]
    out.write_text("".join(json.dumps(x) + "\n" for x in lines))
    assert tally(out) == {"per_repo": {"o/r": {"instances": 2, "match": 2}}, "instances": 2, "match": 2, "match_rate": 1.0}
