"""Checks every bundled example bug behaves as its bug.toml claims.

For each ``examples/bugs/<name>/``: the visible tests pass on the buggy repository,
the hidden tests fail on it, and after ``git apply fix.patch`` the hidden and the
visible tests all pass. Each run copies ``repo/`` into a fresh git repository under
tmp and runs pytest in a subprocess with ``PYTHONPATH`` set to the copy, so nothing
is installed and the bundled tree is never touched.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from unidiff import PatchSet

BUGS_DIR = Path(__file__).resolve().parents[2] / "examples" / "bugs"
BUG_NAMES = sorted(p.name for p in BUGS_DIR.iterdir() if (p / "bug.toml").is_file())
REQUIRED_KEYS = {"name", "summary", "fix_files", "fix_functions", "hidden_tests", "difficulty"}
# pytest's -rA summary lines look like "PASSED tests/test_x.py::test_y" or "FAILED ... - reason".
_SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)", re.MULTILINE)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=False)


def _pytest(repo: Path) -> tuple[int, dict[str, str], str]:
    """Run the repository's tests; return (exit code, {test id: outcome}, output)."""
    # No plugin autoload: the example repos need plain pytest only, and skipping the project's
    # plugins (timeout, anyio, textual...) roughly halves start-up time.
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "tests"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    out = proc.stdout + proc.stderr
    return proc.returncode, {m[2]: m[1] for m in _SUMMARY.finditer(out)}, out


def _fresh_copy(bug_dir: Path, dest: Path) -> Path:
    repo = dest / "repo"
    shutil.copytree(bug_dir / "repo", repo, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "buggy base")):
        proc = _git(repo, *args)
        assert proc.returncode == 0, proc.stderr
    return repo


def _spans(source: str) -> dict[str, tuple[int, int]]:
    """``{qualified name: (first line, last line)}`` of every function and class in a module."""
    spans: dict[str, tuple[int, int]] = {}
    todo: list[tuple[ast.AST, str]] = [(ast.parse(source), "")]
    while todo:  # a stack, not recursion: tests/test_tree_walks.py allows no recursive function
        node, prefix = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                spans[name] = (first, child.end_lineno or child.lineno)
                todo.append((child, name + "."))
    return spans


def _touched_lines(patch: str) -> dict[str, set[int]]:
    """Original-file lines each file's diff removes, or inserts after."""
    touched: dict[str, set[int]] = {}
    for patched in PatchSet(patch):
        lines = touched.setdefault(patched.path, set())
        for hunk in patched:
            last_source = hunk.source_start
            for line in hunk:
                if line.source_line_no is not None:
                    last_source = line.source_line_no
                if line.is_removed:
                    lines.add(line.source_line_no)
                elif line.is_added:
                    lines.add(last_source)
    return touched


def _load(name: str) -> dict:
    return tomllib.loads((BUGS_DIR / name / "bug.toml").read_text())


def test_suite_is_large_enough():
    assert len(BUG_NAMES) >= 16


@pytest.mark.parametrize("name", BUG_NAMES)
def test_bug_metadata_is_consistent(name: str):
    bug_dir = BUGS_DIR / name
    meta = _load(name)
    assert meta.keys() >= REQUIRED_KEYS
    assert meta["name"] == name
    assert meta["difficulty"] in {"easy", "medium"}
    assert (bug_dir / "issue.md").read_text().strip()
    patch = (bug_dir / "fix.patch").read_text()
    patched = set(re.findall(r"^\+\+\+ b/(\S+)", patch, re.MULTILINE))
    assert patched == set(meta["fix_files"])
    touched = _touched_lines(patch)
    for key in meta["fix_functions"]:
        path, _, qualname = key.partition("::")
        assert path in meta["fix_files"]
        spans = _spans((bug_dir / "repo" / path).read_text())
        assert qualname in spans, f"{key} is not a function or class in the buggy file"
        first, last = spans[qualname]
        assert any(first <= line <= last for line in touched[path]), f"fix.patch does not change {key}"
    hidden = bug_dir / "hidden_tests" / f"test_hidden_{name}.py"
    assert hidden.is_file()
    for test_id in meta["hidden_tests"]:
        assert test_id.startswith(f"tests/test_hidden_{name}.py::")


@pytest.mark.slow
@pytest.mark.parametrize("name", BUG_NAMES)
def test_hidden_tests_fail_before_and_pass_after_fix(name: str, tmp_path: Path):
    bug_dir = BUGS_DIR / name
    meta = _load(name)
    repo = _fresh_copy(bug_dir, tmp_path)

    code, _, out = _pytest(repo)
    assert code == 0, f"visible tests must pass on the buggy code:\n{out}"

    shutil.copytree(bug_dir / "hidden_tests", repo / "tests", dirs_exist_ok=True)
    _, outcomes, out = _pytest(repo)
    for test_id in meta["hidden_tests"]:
        assert outcomes.get(test_id) == "FAILED", f"{test_id} should fail before the fix:\n{out}"

    applied = _git(repo, "apply", str(bug_dir / "fix.patch"))
    assert applied.returncode == 0, applied.stderr
    code, outcomes, out = _pytest(repo)
    assert code == 0, f"all tests must pass after the fix:\n{out}"
    for test_id in meta["hidden_tests"]:
        assert outcomes.get(test_id) == "PASSED", out
