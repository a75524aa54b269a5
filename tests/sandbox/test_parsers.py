"""Log parsers on real-shaped logs of pytest, Django's runtests and sympy's bin/test."""

from __future__ import annotations

import pytest

from agent.core.errors import InputError
from agent.core.types import TestStatus as Status
from sandbox.parsers import PARSERS, get_parser, missing_tests, parse_django, parse_pytest, parse_sympy

PYTEST_LOG = """\
============================= test session starts ==============================
tests/test_a.py::test_ok PASSED                                          [ 20%]
tests/test_a.py::test_param[1-2] PASSED                                  [ 40%]
=========================== short test summary info ============================
PASSED tests/test_a.py::test_ok
PASSED tests/test_a.py::test_param[1-2]
FAILED tests/test_a.py::TestX::test_bad - AssertionError: assert 1 == 2
ERROR tests/test_b.py::test_fixture_broke - RuntimeError
SKIPPED [1] tests/test_c.py:3: no numpy
XFAIL tests/test_a.py::test_known - reason
\x1b[31mFAILED tests/test_a.py::test_colored\x1b[0m
"""


def test_pytest_summary_lines():
    got = parse_pytest(PYTEST_LOG)
    assert got == {
        "tests/test_a.py::test_ok": Status.PASSED,
        "tests/test_a.py::test_param[1-2]": Status.PASSED,
        "tests/test_a.py::TestX::test_bad": Status.FAILED,
        "tests/test_b.py::test_fixture_broke": Status.ERROR,
        "tests/test_a.py::test_known": Status.PASSED,
        "tests/test_a.py::test_colored": Status.FAILED,
    }


def test_pytest_verbose_only_for_old_pytest():
    log = "testing/test_x.py::test_one PASSED\ntesting/test_x.py::test_two FAILED\n"
    assert parse_pytest(log) == {"testing/test_x.py::test_one": Status.PASSED,
                                 "testing/test_x.py::test_two": Status.FAILED}


def test_pytest_parametrised_ids_with_spaces_in_brackets():
    log = "PASSED tests/t.py::test_p[a b]\nFAILED tests/t.py::test_p[c d] - boom\n"
    assert parse_pytest(log) == {"tests/t.py::test_p[a b]": Status.PASSED, "tests/t.py::test_p[c d]": Status.FAILED}


DJANGO_LOG = """\
test_add (admin_views.tests.AdminViewTests) ... ok
test_skip (admin_views.tests.AdminViewTests) ... skipped 'no db'
test_bad (admin_views.tests.AdminViewTests) ... FAIL
test_err (admin_views.tests.OtherTests) ... ERROR
test_noisy (admin_views.tests.OtherTests) ... System check identified no issues (0 silenced).
ok
test_xfail (admin_views.tests.OtherTests) ... expected failure

======================================================================
FAIL: test_bad (admin_views.tests.AdminViewTests)
----------------------------------------------------------------------
"""


def test_django():
    assert parse_django(DJANGO_LOG) == {
        "test_add (admin_views.tests.AdminViewTests)": Status.PASSED,
        "test_skip (admin_views.tests.AdminViewTests)": Status.SKIPPED,
        "test_bad (admin_views.tests.AdminViewTests)": Status.FAILED,
        "test_err (admin_views.tests.OtherTests)": Status.ERROR,
        "test_noisy (admin_views.tests.OtherTests)": Status.PASSED,
        "test_xfail (admin_views.tests.OtherTests)": Status.PASSED,
    }


SYMPY_LOG = """\
============================= test process starts ==============================
executable:         /opt/venv/bin/python  (3.9.2-final-0) [CPython]
sympy/geometry/tests/test_point.py[3]
test_point ok
test_issue_11617 F
test_transform E                                                          [FAIL]

sympy/core/tests/test_basic.py[2]
test_structure ok
test_skipme s                                                                 [OK]

________________________________________________________________________________
_____________ sympy/geometry/tests/test_point.py:test_issue_11617 ______________
Traceback (most recent call last):
"""


def test_sympy_ids_carry_the_file():
    assert parse_sympy(SYMPY_LOG) == {
        "sympy/geometry/tests/test_point.py::test_point": Status.PASSED,
        "sympy/geometry/tests/test_point.py::test_issue_11617": Status.FAILED,
        "sympy/geometry/tests/test_point.py::test_transform": Status.ERROR,
        "sympy/core/tests/test_basic.py::test_structure": Status.PASSED,
        "sympy/core/tests/test_basic.py::test_skipme": Status.SKIPPED,
    }


def test_registry_and_unknown_parser():
    assert {"pytest", "django", "sympy"} <= set(PARSERS)
    assert get_parser("pytest") is parse_pytest
    with pytest.raises(InputError, match="unknown log parser"):
        get_parser("nose")


def test_missing_tests_match_params_and_prefixes():
    results = {"t.py::test_a[1]": Status.PASSED, "t.py::TestK::test_b": Status.PASSED}
    assert missing_tests(["t.py::test_a", "t.py::TestK", "t.py::test_c"], results) == ["t.py::test_c"]


def test_a_truncated_log_keeps_every_result_line():
    """packaging 24.1: 26,854 PASSED lines (2.4 MB) behind a 400 kB cap that kept only the end."""
    from sandbox.engine import truncate

    passed = "".join(f"PASSED tests/test_a.py::test_a[{i}]\n" for i in range(20_000))
    log = "collected 20000 items\n" + "." * 500_000 + "\n" + passed + "=== 20000 passed in 9s ===\n"
    kept = truncate(log, 100_000)
    assert len(kept) < len(log) - 400_000  # the progress dots went
    assert set(parse_pytest(kept)) == {f"tests/test_a.py::test_a[{i}]" for i in range(20_000)}
    assert kept.endswith("=== 20000 passed in 9s ===\n")
    assert truncate("short", 100_000) == "short"
