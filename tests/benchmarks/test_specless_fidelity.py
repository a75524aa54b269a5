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
