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
