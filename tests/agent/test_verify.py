"""Reproduction tests: extraction from model answers and telling broken tests from real failures."""

from __future__ import annotations

from agent.pipeline import sampling_plan
from agent.verify import extract_test_code, failing_from_own_errors, write_repro_tests

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


def test_a_candidate_failing_every_reproduction_test_does_not_survive():
    from agent.selection import survives
    from agent.types import Verdict

    assert not survives(Verdict(candidate_id="a", applies=True, regression_ok=True, repro_total=2, repro_passed=0))
    assert survives(Verdict(candidate_id="a", applies=True, regression_ok=True, repro_total=2, repro_passed=1))
    assert survives(Verdict(candidate_id="a", applies=True, regression_ok=None, repro_total=0))
