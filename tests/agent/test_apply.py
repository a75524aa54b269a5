"""Landing a chosen patch: --apply on the work tree, --branch as a commit."""

from __future__ import annotations

import pytest

from agent.core.errors import CapuchinError
from agent.core.inputs import git
from agent.land import apply_patch, check_can_apply, commit_on_branch
from editing.patch import file_diff

PATCH = file_diff("m.py", "x = 1\n", "x = 2\n")


def test_apply_changes_the_work_tree(make_repo):
    repo = make_repo({"m.py": "x = 1\n"})
    check_can_apply(repo, None)
    apply_patch(repo, PATCH)
    assert (repo / "m.py").read_text() == "x = 2\n"


def test_a_patch_that_no_longer_applies_is_refused_and_changes_nothing(make_repo):
    repo = make_repo({"m.py": "x = 5\n"})
    with pytest.raises(CapuchinError, match="no longer applies"):
        apply_patch(repo, PATCH)
    assert (repo / "m.py").read_text() == "x = 5\n"


def test_branch_commit_holds_only_the_patch(make_repo):
    repo = make_repo({"m.py": "x = 1\n"})
    (repo / "notes.txt").write_text("the user's untracked file")
    commit_on_branch(repo, "fix/x", PATCH, "Totals are wrong\nmore detail")
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip() == "fix/x"
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").stdout.split() == [
        "Fix:", "Totals", "are", "wrong", "m.py"]
    assert "notes.txt" in git(repo, "status", "--porcelain").stdout  # still untracked, not committed
