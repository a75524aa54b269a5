"""`capuchin solve` refuses bad input up front, with a message and exit 2, changing nothing."""

from __future__ import annotations

import subprocess

import pytest

from agent.cli import main


@pytest.fixture
def issue(tmp_path):
    path = tmp_path / "issue.md"
    path.write_text("Totals are wrong for empty carts.\n")
    return path


def test_not_a_git_repository(tmp_path, issue, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert main(["solve", str(plain), "--issue", str(issue)]) == 2
    assert "is not a git repository" in capsys.readouterr().err


def test_missing_repository(tmp_path, issue, capsys):
    assert main(["solve", str(tmp_path / "nope"), "--issue", str(issue)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_empty_issue(make_repo, tmp_path, capsys):
    repo = make_repo({"m.py": "x = 1\n"})
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    assert main(["solve", str(repo), "--issue", str(empty)]) == 2
    assert "is empty" in capsys.readouterr().err


def test_issue_not_utf8(make_repo, tmp_path, capsys):
    repo = make_repo({"m.py": "x = 1\n"})
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe caf\xe9")
    assert main(["solve", str(repo), "--issue", str(bad)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_dirty_tree_with_apply_changes_nothing(make_repo, issue, capsys):
    repo = make_repo({"m.py": "x = 1\n"})
    (repo / "m.py").write_text("x = 2\n")
    assert main(["solve", str(repo), "--issue", str(issue), "--apply"]) == 2
    assert "uncommitted changes (m.py)" in capsys.readouterr().err
    assert (repo / "m.py").read_text() == "x = 2\n"
    assert not (repo / ".capuchin").exists()


def test_existing_branch_is_refused(make_repo, issue, capsys):
    repo = make_repo({"m.py": "x = 1\n"})
    subprocess.run(["git", "-C", str(repo), "branch", "fix"], check=True)
    assert main(["solve", str(repo), "--issue", str(issue), "--branch", "fix"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_bad_temperatures(make_repo, issue, capsys):
    repo = make_repo({"m.py": "x = 1\n"})
    assert main(["solve", str(repo), "--issue", str(issue), "--temperatures", "hot"]) == 2
    assert "--temperatures" in capsys.readouterr().err


def test_endpoint_down_is_a_clear_error(make_repo, issue, capsys, monkeypatch):
    repo = make_repo({"m.py": "x = 1\n"})
    monkeypatch.setenv("CAPUCHIN_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CAPUCHIN_SANDBOX__BACKEND", "local")
    assert main(["solve", str(repo), "--issue", str(issue)]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the model endpoint" in err
    assert "Traceback" not in err


def test_a_patch_no_reproduction_test_confirms_is_shown_as_unconfirmed(capsys):
    from agent.core.types import Verdict
    from agent.report import SolveReport
    from agent.solve_cli import _show

    def shown(passed: int) -> str:
        verdict = Verdict(candidate_id="c01", applies=True, regression_ok=True, repro_total=2, repro_passed=passed)
        _show(SolveReport(run_id="r", repo="/r", issue="i", chosen="c01", patch="--- a/m.py\n+++ b/m.py\n",
                          verdicts=[verdict]))
        return capsys.readouterr().err

    assert "unconfirmed" in shown(0)
    assert "unconfirmed" not in shown(1)


def test_the_chosen_patchs_size_is_shown_with_its_evidence(capsys):
    from agent.core.types import Verdict
    from agent.report import SolveReport
    from agent.solve_cli import _show

    patch = "diff --git a/m.py b/m.py\n--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    verdict = Verdict(candidate_id="c01", applies=True, regression_ok=True, repro_total=1, repro_passed=1)
    _show(SolveReport(run_id="r", repo="/r", issue="i", chosen="c01", patch=patch, verdicts=[verdict]))
    assert "regression ok, 2 lines changed" in capsys.readouterr().err
