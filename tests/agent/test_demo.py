"""The demo's bundled-bug plumbing."""

from __future__ import annotations

import subprocess

import pytest

from agent.core.errors import InputError
from agent.demo import bug_dir, fresh_repo, hidden_test_files, is_hidden


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
    assert any(is_hidden(t) for t in fixed.tests)
    assert any(not is_hidden(t) for t in fixed.tests)  # the project's own tests are judged too
    buggy = run_hidden_tests(sandbox, repo, bug, "")
    assert buggy.tests
    assert not all_passed(buggy)


@pytest.mark.filterwarnings("ignore:local sandbox")
def test_a_fix_that_breaks_the_projects_own_tests_is_not_correct(tmp_path):
    """The hidden tests alone would accept it (seen in the coverage run on unknown_unit_error)."""
    from agent.demo import all_passed, run_hidden_tests
    from editing.patch import file_diff
    from sandbox import open_sandbox
    from sandbox.config import SandboxConfig

    bug = bug_dir("median_even")
    repo = fresh_repo(bug, tmp_path)
    path = "descstats/central.py"
    before = (repo / path).read_text()
    fixed = before.replace("    return values[len(values) // 2]\n", "    mid = len(values) // 2\n"
                           "    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2\n")
    broken = fixed.replace("return sorted(v for v, c in counts.items() if c == top)", "return [top]")
    assert before != fixed != broken
    sandbox = open_sandbox(SandboxConfig(backend="local"))
    assert all_passed(run_hidden_tests(sandbox, repo, bug, file_diff(path, before, fixed)))
    result = run_hidden_tests(sandbox, repo, bug, file_diff(path, before, broken))
    assert all(s == "PASSED" for t, s in result.tests.items() if is_hidden(t))
    assert result.tests["tests/test_central.py::test_mode"] == "FAILED"
    assert not all_passed(result)


@pytest.mark.filterwarnings("ignore:local sandbox")
@pytest.mark.parametrize("applied", ["fix", "nothing"])
def test_demo_in_the_tui_judges_what_was_applied_there(tmp_path, monkeypatch, capsys, applied):
    """`capuchin demo --tui`: the terminal UI itself is replaced by what a user did in it (applied
    the reference fix, or nothing); what follows is real: the hidden tests on a pristine copy."""
    import agent.solve_cli as solve_cli
    from agent.cli import main

    bug = bug_dir("median_even")
    monkeypatch.setattr("agent.demo.cache_dir", lambda: tmp_path / "cache")  # where the demo copy goes
    monkeypatch.setenv("CAPUCHIN_SANDBOX__BACKEND", "local")
    opened: list = []

    def fake_tui(repo, source):
        opened.append(repo)
        return (bug / "fix.patch").read_text() if applied == "fix" else ""

    monkeypatch.setattr(solve_cli, "_demo_in_tui", fake_tui)
    assert main(["demo", "--tui"]) == 0
    output = " ".join(capsys.readouterr().err.split())
    assert opened == [tmp_path / "cache" / "demo" / "median_even"]
    if applied == "fix":
        assert "hidden tests (never shown to the agent): 3/3 passed; the project's own tests: 7/7" in output
    else:
        assert "nothing to judge" in output
