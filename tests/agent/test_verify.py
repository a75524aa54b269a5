"""Reproduction tests: extraction from model answers and telling broken tests from real failures."""

from __future__ import annotations

from agent.pipeline import sampling_plan
from agent.verify import VerifyLimits, extract_test_code, failing_from_own_errors, write_repro_tests

SUMMARY = """\
=========================== short test summary info ============================
FAILED test_capuchin_repro_0.py::test_getbool[feature flags] - NameError: name 'TEXT' is not defined
FAILED test_capuchin_repro_1.py::test_case - confini.convert.ConfigError: not a boolean: 'True'
FAILED test_capuchin_repro_2.py::test_x - AssertionError: assert 1 == 2
FAILED test_capuchin_repro_3.py::test_y - ModuleNotFoundError: No module named 'foo'
"""


def test_failures_from_the_tests_own_errors_are_recognised():
    assert failing_from_own_errors(SUMMARY) == {
        "test_capuchin_repro_0.py::test_getbool[feature flags]",
        "test_capuchin_repro_3.py::test_y",
    }


def test_extracts_the_block_with_tests_and_rejects_broken_code():
    answer = "Here:\n```python\nimport x\n```\n```python\nfrom m import f\n\ndef test_f():\n    assert f() == 1\n```"
    assert extract_test_code(answer) == "from m import f\n\ndef test_f():\n    assert f() == 1\n"
    assert extract_test_code("```python\ndef test_f(:\n```") is None
    assert extract_test_code("no code at all") is None


def test_repro_files_are_deduplicated_and_numbered():
    a = "```python\ndef test_a():\n    assert False\n```"
    files = write_repro_tests([a, a, "nothing", a.replace("test_a", "test_b")])
    assert [f.path for f in files] == ["test_capuchin_repro_0.py", "test_capuchin_repro_1.py"]


def test_sampling_plan_spreads_samples_over_focuses():
    plan = sampling_plan(3, 4, [0.0, 0.8])
    assert plan[:3] == [(0, 0.0), (1, 0.0), (2, 0.0)]  # one greedy answer per focus
    assert plan[3:] == [(0, 0.8), (1, 0.8), (2, 0.8), (0, 0.8)]
    assert sampling_plan(1, 2, [0.0, 1.0]) == [(0, 0.0), (0, 1.0), (0, 1.0)]


def test_issue_snippets_become_tests_and_tracebacks_do_not():
    from agent.verify import issue_snippet_tests

    issue = ("It crashes:\n```python\nfrom confini import to_bool\nprint(to_bool('True'))\n```\n"
             "```\nconfini.convert.ConfigError: not a boolean: 'True'\n```\n"
             "```pycon\n>>> import math\n>>> math.floor(2.5)\n```\n")
    tests = issue_snippet_tests(issue)
    assert [t.path for t in tests] == ["test_capuchin_repro_issue_0.py", "test_capuchin_repro_issue_1.py"]
    namespace: dict = {}
    exec(compile(tests[1].code, "t", "exec"), namespace)
    namespace["test_issue_snippet_runs"]()  # the pycon snippet runs once its prompts are stripped


def test_failing_every_reproduction_test_rules_a_candidate_out_only_when_a_rival_passes_one():
    from agent.core.types import Candidate, Verdict
    from agent.selection import choose, survives

    def verdict(cid, passed, total=2):
        return Verdict(candidate_id=cid, applies=True, regression_ok=True, repro_total=total, repro_passed=passed)

    assert not survives(verdict("a", 0), reproduced=True)
    assert survives(verdict("a", 1), reproduced=True)
    assert survives(verdict("a", 0), reproduced=False)  # a test nobody passes vetoes nobody
    assert survives(Verdict(candidate_id="a", applies=True, regression_ok=None, repro_total=0))

    cands = [Candidate(id=i, temperature=0.8, diff=f"diff {i}") for i in "abc"]
    # b passes a reproduction test: the two that pass none are out even though a has more votes
    pool = {"a": verdict("a", 0).model_copy(update={"votes": 3}), "b": verdict("b", 1), "c": verdict("c", 0)}
    assert choose(cands, pool).candidate_id == "b"
    # nobody passes any: the tests are the ones in doubt, and votes decide among the survivors
    pool = {"a": verdict("a", 0).model_copy(update={"votes": 3}), "c": verdict("c", 0)}
    assert choose(cands, pool).candidate_id == "a"
    # a candidate that breaks a regression test is never chosen, whatever else it has
    pool = {"a": verdict("a", 2).model_copy(update={"regression_ok": False})}
    assert choose(cands, pool) is None


class RecordingSandbox:
    """A test double of the Sandbox protocol: answers each run from a function of its tests."""

    def __init__(self, answer):
        self.answer, self.runs = answer, []

    def run(self, repo, *, patch=None, tests=None, timeout_s=None, cancel=None):
        self.runs.append(list(tests or []))
        return self.answer(list(tests or []))


def test_an_uncollectable_reproduction_file_is_dropped_and_the_baseline_rerun(tmp_path):
    from agent.core.events import EventBus
    from agent.core.types import TestResult
    from agent.report import ReproTest, Trajectory
    from agent.verify import Verifier
    from sandbox.health import collection_errors

    interrupted = ("_____ ERROR collecting test_capuchin_repro_1.py _____\n"
                   "E   ImportError: cannot import name 'assert_' from 'pytest'\n"
                   "!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!\n")
    assert set(collection_errors(interrupted)) == {"test_capuchin_repro_1.py"}

    def answer(tests):
        if "test_capuchin_repro_1.py" in tests:  # pytest stops before running anything
            return TestResult(applied=True, exit_code=2, output=interrupted)
        return TestResult(applied=True, exit_code=1, tests={
            "tests/test_a.py::test_ok": "PASSED", "test_capuchin_repro_0.py::test_bug": "FAILED"})

    sandbox = RecordingSandbox(answer)
    verifier = Verifier(tmp_path, sandbox, EventBus(), Trajectory(tmp_path, "r1", EventBus()))
    good = ReproTest(path="test_capuchin_repro_0.py", code="def test_bug():\n    assert False\n")
    bad = ReproTest(path="test_capuchin_repro_1.py", code="from pytest import assert_\n")
    verifier.baseline(["tests/test_a.py"], [good, bad])

    # the regression tests run on their own; the repro files run apart, again without the bad one
    assert sandbox.runs[0] == ["tests/test_a.py"]
    assert len(sandbox.runs) == 3
    assert "test_capuchin_repro_1.py" not in sandbox.runs[2]
    assert verifier.passing_before == {"tests/test_a.py::test_ok"}
    assert [t.path for t in verifier.repro] == ["test_capuchin_repro_0.py"]
    assert "cannot be collected" in bad.note


def test_behavioural_agreement_backs_different_texts_that_pass_the_same_tests():
    from agent.core.types import Candidate, Verdict
    from agent.selection import Weights, behaviour_support, choose

    def verdict(cid, passing, votes=1):
        return Verdict(candidate_id=cid, applies=True, regression_ok=True, repro_total=2,
                       repro_passed=len(passing), repro_passing=passing, votes=votes)

    cands = [Candidate(id=i, temperature=0.8, diff=f"diff {i}") for i in "abc"]
    # a: two votes for one text; b and c: two different texts passing the same test as a does not
    pool = {"a": verdict("a", ["t1"], votes=2), "b": verdict("b", ["t2"]), "c": verdict("c", ["t2"])}
    assert behaviour_support(list(pool.values())) == {"a": 1.0, "b": 1.0, "c": 1.0}
    pool["c"] = verdict("c", ["t2"], votes=2)
    assert behaviour_support(list(pool.values())) == {"a": 2 / 3, "b": 1.0, "c": 1.0}
    assert choose(cands, pool, Weights(agreement=0.0)).candidate_id == "a"  # text votes only: a ties c, a's id wins
    assert choose(cands, pool, Weights(agreement=1.0)).candidate_id == "c"  # b and c behave alike: 3 votes


def test_candidates_get_a_timeout_scaled_from_the_baseline_run(tmp_path):
    from agent.core.events import EventBus
    from agent.core.types import Candidate, TestResult, Verdict
    from agent.report import Trajectory
    from agent.verify import Verifier, candidate_timeout

    assert candidate_timeout(2.0, 600.0, 10.0, 60.0) == 60.0  # the floor
    assert candidate_timeout(30.0, 600.0, 10.0, 60.0) == 300.0
    assert candidate_timeout(90.0, 600.0, 10.0, 60.0) == 600.0  # never above the configured cap
    assert candidate_timeout(0.0, 600.0, 10.0, 60.0) == 600.0  # no baseline timing: the cap

    class TimingSandbox(RecordingSandbox):
        def run(self, repo, *, patch=None, tests=None, timeout_s=None, cancel=None):
            self.timeouts = [*getattr(self, "timeouts", []), timeout_s]
            return super().run(repo, patch=patch, tests=tests, timeout_s=timeout_s)

    sandbox = TimingSandbox(lambda tests: TestResult(applied=True, duration_s=12.0,
                                                     tests={"tests/test_a.py::test_ok": "PASSED"}))
    verifier = Verifier(tmp_path, sandbox, EventBus(), Trajectory(tmp_path, "r1", EventBus()),
                        VerifyLimits(timeout_s=600.0))
    verifier.baseline(["tests/test_a.py"], [])
    cand = Candidate(id="c1", temperature=0.0, diff="")
    verifier.check([cand], {"c1": Verdict(candidate_id="c1", applies=True)})
    assert sandbox.timeouts == [600.0, 120.0]
