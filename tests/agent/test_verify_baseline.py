"""The baseline is checked before it is trusted, and verdicts say what really happened (issue #18)."""

from __future__ import annotations

from pathlib import Path

from agent.core.events import EventBus
from agent.core.types import Candidate, TestResult, TestStatus, Verdict
from agent.report import ReproTest, Trajectory
from agent.verify import Verifier

FLASK_BASELINE = """>>>>> CAPUCHIN START TESTS
_______ ERROR collecting examples/javascript/tests/test_js_example.py ________
E   ModuleNotFoundError: No module named 'js_example'
ERROR examples/javascript/tests/test_js_example.py - ModuleNotFoundError: No module named 'js_example'
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
"""
REPRO = "test_capuchin_repro_0.py"


class ScriptedSandbox:
    """Answers each run from ``answer(patch, tests)``; records the calls."""

    def __init__(self, answer):
        self.answer = answer
        self.calls: list[tuple[str | None, list[str]]] = []

    def run(self, repo: Path, *, patch=None, tests=(), timeout_s=None, cancel=None) -> TestResult:
        self.calls.append((patch, list(tests)))
        return self.answer(patch, list(tests))


def _verifier(tmp_path: Path, sandbox: ScriptedSandbox) -> Verifier:
    bus = EventBus()
    return Verifier(tmp_path, sandbox, bus, Trajectory(tmp_path, "run", bus))


def _candidates() -> tuple[list[Candidate], dict[str, Verdict]]:
    cands = [Candidate(id=f"c{i}", temperature=0.8, diff=f"--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-x = {i}\n+x = 9\n")
             for i in range(2)]
    return cands, {c.id: Verdict(candidate_id=c.id, applies=True) for c in cands}


def test_a_baseline_that_ran_no_test_blames_no_candidate(tmp_path):
    """Regression (issue #18): Flask's baseline stopped at collection, and every candidate was then
    reported as 'applies: False' and 'broken tests or not applying'."""
    sandbox = ScriptedSandbox(lambda patch, tests: TestResult(
        applied=True, exit_code=2, output=FLASK_BASELINE,
        tests={"examples/javascript/tests/test_js_example.py": TestStatus.ERROR}))
    verifier = _verifier(tmp_path, sandbox)
    repro = [ReproTest(path=REPRO, code="def test_x():\n    assert False\n")]
    verifier.baseline(["tests/test_blueprints.py", "examples/javascript/tests/test_js_example.py"], repro)
    assert verifier.environment_problem.startswith("no test ran")
    assert "js_example" in verifier.environment_problem
    cands, verdicts = _candidates()
    verifier.check(cands, verdicts)
    assert len(sandbox.calls) == 1  # no candidate run and no repro run on a blind sandbox
    for v in verdicts.values():
        assert v.applies
        assert v.tests_ran is False
        assert v.regression_ok is None
        assert "not tested" in v.notes[0]


def test_repro_tests_run_on_their_own_and_baseline_failures_leave_the_regression_set(tmp_path):
    def answer(patch, tests):
        if tests == [REPRO]:  # the fix is "x = 9": the reproduction test passes only with it
            fixed = "+x = 9" in (patch or "")
            return TestResult(applied=True, tests={f"{REPRO}::test_bug": TestStatus.PASSED if fixed
                                                   else TestStatus.FAILED})
        return TestResult(applied=True, tests={"tests/test_a.py::t": TestStatus.PASSED,
                                               "tests/test_b.py::t": TestStatus.FAILED})

    sandbox = ScriptedSandbox(answer)
    verifier = _verifier(tmp_path, sandbox)
    repro = [ReproTest(path=REPRO, code="def test_bug():\n    assert False\n")]
    verifier.baseline(["tests/test_a.py", "tests/test_b.py"], repro)
    assert verifier.environment_problem is None
    assert [c[1] for c in sandbox.calls] == [["tests/test_a.py", "tests/test_b.py"], [REPRO]]
    assert verifier.regression == ["tests/test_a.py"]  # test_b fails before any change
    assert [t.path for t in verifier.repro] == [REPRO]
    cands, verdicts = _candidates()
    verifier.check(cands[:1], verdicts)
    assert [c[1] for c in sandbox.calls[2:]] == [["tests/test_a.py"], [REPRO]]
    v = verdicts["c0"]
    assert (v.applies, v.tests_ran, v.regression_ok, v.repro_passed, v.repro_total) == (True, True, True, 1, 1)


def test_a_patch_that_does_not_apply_says_so_and_tests_that_did_not_run_do_not_unapply_it(tmp_path):
    def answer(patch, tests):
        if patch and "x = 1" in patch:
            return TestResult(applied=False, apply_error="error: patch failed: m.py:1")
        return TestResult(applied=True, tests={"tests/test_a.py::t": TestStatus.PASSED},
                          error="tests not found or not run: tests/test_a.py::gone" if patch else None)

    verifier = _verifier(tmp_path, ScriptedSandbox(answer))
    verifier.baseline(["tests/test_a.py"], [])
    cands, verdicts = _candidates()
    verifier.check(cands, verdicts)
    assert verdicts["c0"].applies
    assert verdicts["c0"].regression_ok
    assert not verdicts["c1"].applies
    assert verdicts["c1"].tests_ran is False
    assert "does not apply" in verdicts["c1"].notes[0]


def test_an_unverified_patch_is_not_landed_unless_asked_and_the_reason_is_named():
    import pytest

    from agent.core.errors import NoVerifiedCandidate
    from agent.report import SolveReport
    from agent.solve_cli import refuse_unverified

    report = SolveReport(run_id="r", repo="/r", issue="i", environment_problem="no test ran (pytest: usage error)")
    with pytest.raises(NoVerifiedCandidate, match="could not run this repository's tests"):
        refuse_unverified(report)
    refuse_unverified(report.model_copy(update={"verified": True, "environment_problem": None}))


def test_no_candidate_message_counts_the_real_reasons():
    from agent.pipeline import _why_none
    from agent.report import SolveReport

    cands = [Candidate(id=c, temperature=0.8, diff="d") for c in "abc"]
    verdicts = [Verdict(candidate_id="a", applies=False, tests_ran=False),
                Verdict(candidate_id="b", applies=True, tests_ran=True, regression_ok=False),
                Verdict(candidate_id="c", applies=True, tests_ran=True, regression_ok=False)]
    message = _why_none(SolveReport(run_id="r", repo="/r", issue="i", candidates=cands, verdicts=verdicts))
    assert message == ("none of the 3 distinct candidates survived verification: 2 broke regression tests "
                       "that passed before, 1 did not apply")
