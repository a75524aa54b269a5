"""The demo's bundled-bug plumbing."""

from __future__ import annotations

import subprocess

import pytest

from agent.demo import bug_dir, fresh_repo, hidden_test_files
from agent.errors import InputError


def test_default_demo_bug_exists():
    bug = bug_dir(None)
    assert (bug / "repo").is_dir()
    assert (bug / "issue.md").read_text().strip()


def test_unknown_bug_lists_known_ones():
    with pytest.raises(InputError, match="no example bug") as info:
        bug_dir("no_such_bug")
    assert "bool_case" in info.value.hint


def test_fresh_repo_is_a_clean_git_repo_and_replaces_old_copies(tmp_path):
    bug = bug_dir("bool_case")
    repo = fresh_repo(bug, tmp_path)
    (repo / "stray.txt").write_text("left over")
    repo = fresh_repo(bug, tmp_path)
    assert not (repo / "stray.txt").exists()
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True)
    assert status.returncode == 0
    assert status.stdout == ""


def test_hidden_tests_go_under_tests():
    files = hidden_test_files(bug_dir("bool_case"))
    assert files
    assert all(path.startswith("tests/test_hidden_") for path in files)


@pytest.mark.filterwarnings("ignore:local sandbox")
def test_hidden_tests_accept_the_reference_fix_and_reject_the_bug(tmp_path):
    from agent.demo import all_passed, run_hidden_tests
    from sandbox import open_sandbox
    from sandbox.config import SandboxConfig

    bug = bug_dir("median_even")
    repo = fresh_repo(bug, tmp_path)
    sandbox = open_sandbox(SandboxConfig(backend="local"))
    fixed = run_hidden_tests(sandbox, repo, bug, (bug / "fix.patch").read_text())
    assert all_passed(fixed), fixed.output[-2000:]
    buggy = run_hidden_tests(sandbox, repo, bug, "")
    assert buggy.tests
    assert not all_passed(buggy)
