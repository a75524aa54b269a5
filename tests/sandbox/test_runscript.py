"""The run script: patch application ladder, markers, and turning output into a TestResult."""

from __future__ import annotations

import subprocess

from agent.core.types import TestStatus as Status
from sandbox import runscript


def _run(tmp_path, patch: str, test_cmd: str = "echo 'PASSED t.py::a'; true") -> str:
    work = tmp_path / "w"
    work.mkdir(exist_ok=True)
    (work / "f.txt").write_text("one\ntwo\nthree\n")
    (tmp_path / "p.diff").write_text(patch)
    script = runscript.build_script(workdir=str(work), patches=[str(tmp_path / "p.diff")], test_cmd=test_cmd,
                                    parser="pytest", tests=["t.py::a"], env={"X": "1"})
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    return proc.stdout + proc.stderr, proc.returncode


def test_clean_patch_applies_with_git_apply(tmp_path):
    out, code = _run(tmp_path, "--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n")
    assert f"{runscript.APPLIED} git-apply" in out
    result = runscript.to_result(out, exit_code=code, timed_out=False, duration_s=0.1, parser="pytest",
                                 tests=["t.py::a"])
    assert result.applied
    assert result.tests == {"t.py::a": Status.PASSED}
    assert (tmp_path / "w" / "f.txt").read_text() == "one\nTWO\nthree\n"
    # the script times what comes before the tests and the tests apart (grading overhead is the rest)
    assert runscript.prep_seconds(out) is not None
    assert runscript.test_seconds(out) is not None
    assert runscript.prep_seconds("no markers") is None


def test_offset_patch_falls_back_to_fuzz(tmp_path):
    # wrong line numbers and one wrong context line: git apply refuses, patch --fuzz applies
    out, _ = _run(tmp_path, "--- a/f.txt\n+++ b/f.txt\n@@ -7,3 +7,3 @@\n one\n-two\n+TWO\n thre\n")
    assert f"{runscript.APPLIED} patch-fuzz" in out
    assert (tmp_path / "w" / "f.txt").read_text() == "one\nTWO\nthree\n"


def test_failed_apply_is_reported_and_tests_do_not_run(tmp_path):
    out, code = _run(tmp_path, "--- a/f.txt\n+++ b/f.txt\n@@ -1,1 +1,1 @@\n-nothing\n+else\n")
    assert code == runscript.APPLY_FAILED_CODE
    result = runscript.to_result(out, exit_code=code, timed_out=False, duration_s=0.1, parser="pytest",
                                 tests=["t.py::a"])
    assert not result.applied
    assert result.apply_error
    assert result.tests == {}
    assert (tmp_path / "w" / "f.txt").read_text() == "one\ntwo\nthree\n"  # no half-applied hunk


def test_timeout_and_unknown_ids():
    result = runscript.to_result(f"{runscript.START}\nPASSED t.py::a\n", exit_code=None, timed_out=True,
                                 duration_s=5, parser="pytest", tests=["t.py::a", "t.py::b"])
    assert result.timed_out
    assert "timed out" in result.error
    out = "ERROR: not found: /testbed/t.py::b\n(no name '/testbed/t.py::b' in any of [<Module t.py>])\n"
    assert runscript.unknown_ids(out, ["t.py::a", "t.py::b"]) == ["t.py::b"]


def test_sympy_takes_files():
    assert runscript.test_args("sympy", ["a.py::x", "a.py::y", "b.py"]) == ["a.py", "b.py"]
    assert runscript.test_args("pytest", ["a.py::x"]) == ["a.py::x"]
