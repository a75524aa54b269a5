"""Diagnosing test runs that are no evidence (issue #18)."""

from __future__ import annotations

from agent.core.types import TestResult, TestStatus
from sandbox.health import collection_errors, diagnose

FLASK_LOG = """>>>>> CAPUCHIN START TESTS
==================================== ERRORS ====================================
_______ ERROR collecting examples/javascript/tests/test_js_example.py ________
ImportError while loading conftest '/testbed/examples/javascript/tests/conftest.py'.
E   ModuleNotFoundError: No module named 'js_example'
=========================== short test summary info ============================
ERROR examples/javascript/tests/test_js_example.py - ModuleNotFoundError: No module named 'js_example'
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
>>>>> CAPUCHIN TEST EXIT 2
"""


def test_a_run_stopped_at_collection_names_the_file_and_the_missing_module():
    result = TestResult(applied=True, exit_code=2, output=FLASK_LOG,
                        tests={"examples/javascript/tests/test_js_example.py": TestStatus.ERROR})
    health = diagnose(result)
    assert health.collected == 0
    assert health.uncollectable == {"examples/javascript/tests/test_js_example.py":
                                    "ModuleNotFoundError: No module named 'js_example'"}
    assert health.missing_modules == ["js_example"]
    assert health.problem.startswith("no test ran")
    assert "test_js_example.py" in health.problem
    assert "js_example" in health.problem


def test_a_run_with_passing_tests_is_evidence():
    result = TestResult(applied=True, exit_code=1, output="",
                        tests={"t.py::a": TestStatus.PASSED, "t.py::b": TestStatus.FAILED, "u.py": TestStatus.ERROR})
    health = diagnose(result)
    assert (health.collected, health.passed, health.failed, health.problem) == (2, 1, 1, None)


def test_nothing_passing_is_a_problem_and_says_so():
    result = TestResult(applied=True, exit_code=1, output="E   ConnectionRefusedError: [Errno 111]",
                        tests={"t.py::a": TestStatus.FAILED})
    problem = diagnose(result).problem
    assert problem.startswith("no test passed (1 failed")
    assert "service" in problem


def test_a_run_that_never_reached_the_tests():
    result = TestResult(applied=True, exit_code=127, output="bash: python: command not found\n",
                        error="the run stopped before the tests started (exit 127)")
    assert "before the tests started" in diagnose(result).problem


def test_collection_errors_from_headers_alone():
    assert collection_errors("____ ERROR collecting tests/test_x.py ____\n") == {"tests/test_x.py": ""}


def test_a_conftest_that_cannot_be_imported_is_named_with_its_error():
    log = (">>>>> CAPUCHIN START TESTS\nImportError while loading conftest '/testbed/tests/conftest.py'.\n"
           "tests/conftest.py:9: in <module>\n    import flask\n"
           "E     File \"/opt/venv/lib/python3.9/site-packages/blinker/base.py\", line 93\n"
           "E   SyntaxError: invalid escape sequence \\*\n>>>>> CAPUCHIN TEST EXIT 4\n")
    health = diagnose(TestResult(applied=True, exit_code=4, output=log))
    assert "tests/conftest.py" in health.uncollectable
    assert "SyntaxError: invalid escape sequence" in health.uncollectable["tests/conftest.py"]
    assert "tests/conftest.py" in health.problem


def test_a_fixture_error_is_not_a_collection_error():
    log = "ERROR tests/test_blueprints.py::test_templates_list - DeprecationWarning: pkg_resources\n"
    assert collection_errors(log) == {}
