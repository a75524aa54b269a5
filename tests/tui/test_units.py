"""The TUI's pure parts: diff rendering, actions on the repository, issue sources, history."""

from __future__ import annotations

import subprocess

import httpx
import pytest
from rich.console import Console

from agent.core.errors import InputError
from agent.report import SolveReport
from editing.patch import parse_diff
from tui import actions
from tui.config import TuiConfig
from tui.history import list_runs
from tui.issue_source import IssueRef, fetch_issue, load_issue, parse_issue_ref
from tui.widgets.diff_view import file_hunks, hunk_rows, pair_rows, render_diff

DIFF = """--- a/pkg/m.py
+++ b/pkg/m.py
@@ -1,4 +1,5 @@
 def f():
-    return "[red]1"
+    x = 2
+    return x
 # end
@@ -10,2 +11,2 @@
 def g():
-    pass
+    return None
--- /dev/null
+++ b/new.py
@@ -0,0 +1,2 @@
+A = 1
+B = 2
"""


def plain(renderable, width=100) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_hunks_number_both_sides_and_shift_later_hunks():
    fp = parse_diff(DIFF)[0]
    (h1, s1), (h2, s2) = list(file_hunks(fp))
    assert (s1, s2) == (1, 11)
    rows = hunk_rows(fp.path, h1, s1)
    assert [(r.tag, r.old_no, r.new_no) for r in rows] == [
        (" ", 1, 1), ("-", 2, None), ("+", None, 2), ("+", None, 3), (" ", 3, 4)]
    new_file = parse_diff(DIFF)[1]
    assert [s for _, s in file_hunks(new_file)] == [1]


def test_split_view_pairs_removals_with_the_additions_after_them():
    fp = parse_diff(DIFF)[0]
    h, s = next(file_hunks(fp))
    pairs = pair_rows(hunk_rows(fp.path, h, s))
    assert [(a.tag if a else None, b.tag if b else None) for a, b in pairs] == [
        (" ", " "), ("-", "+"), (None, "+"), (" ", " ")]


def test_rendered_diff_shows_code_verbatim_in_both_modes():
    unified = plain(render_diff(DIFF))
    assert 'return "[red]1"' in unified  # markup-like text from a model is shown as typed
    assert "pkg/m.py → pkg/m.py" in unified
    assert "/dev/null → new.py" in unified
    split = plain(render_diff(DIFF, path="pkg/m.py", split=True))
    assert "x = 2" in split
    assert "new.py" not in split
    assert "(no changes)" in plain(render_diff(""))


def test_apply_and_branch_reuse_the_solve_checks(make_repo):
    repo = make_repo({"m.py": "def f():\n    return 1\n"})
    patch = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n def f():\n-    return 1\n+    return 2\n"
    assert actions.apply_to_work_tree(repo, patch) == "applied to the work tree"
    assert "return 2" in (repo / "m.py").read_text()
    with pytest.raises(InputError, match="uncommitted changes"):
        actions.apply_to_work_tree(repo, patch)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "m.py"], check=True)
    branch = actions.suggested_branch("# median() is wrong for [even] samples!", "c03")
    assert branch == "capuchin/median-is-wrong-for-even-c03"
    assert "committed" in actions.commit_branch(repo, branch, patch, "fix it")
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--abbrev-ref", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    assert head == branch


def test_save_patch_refuses_a_directory(tmp_path):
    assert actions.save_patch(tmp_path / "out" / "x.patch", "diff").read_text() == "diff"
    with pytest.raises(InputError, match="directory"):
        actions.save_patch(tmp_path, "diff")


def test_rejection_adds_reason_and_patch_to_the_issue():
    issue = actions.issue_with_rejection("Bug here.\n", "it hides the error", "--- a/m.py\n+++ b/m.py\n")
    assert issue.startswith("Bug here.\n")
    assert "it hides the error" in issue
    assert "```diff" in issue
    with pytest.raises(InputError):
        actions.issue_with_rejection("Bug", "  ", None)


@pytest.mark.parametrize(("text", "ref"), [
    ("https://github.com/psf/requests/issues/2317", IssueRef("psf", "requests", 2317)),
    ("https://github.com/psf/requests/issues/2317#issuecomment-1", IssueRef("psf", "requests", 2317)),
    ("pallets/flask#5000", IssueRef("pallets", "flask", 5000)),
    ("issue.md", None),
    ("https://gitlab.com/a/b/issues/1", None),
])
def test_issue_references(text, ref):
    assert parse_issue_ref(text) == ref


def github(status: int, payload: dict | None = None, seen: list | None = None) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=payload or {})

    return httpx.MockTransport(handle)


def test_fetch_issue_sends_the_token_and_returns_markdown(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "tok")
    seen: list[httpx.Request] = []
    text = fetch_issue(IssueRef("o", "r", 7), TuiConfig(), github(200, {"title": "Crash", "body": "Boom"}, seen))
    assert text == "# Crash\n\nBoom\n"
    assert seen[0].url.path == "/repos/o/r/issues/7"
    assert seen[0].headers["Authorization"] == "Bearer tok"


def test_fetch_issue_errors_are_written_for_people(monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    with pytest.raises(InputError, match="no issue o/r#7") as missing:
        fetch_issue(IssueRef("o", "r", 7), TuiConfig(), github(404))
    assert "GITHUB_TOKEN" in missing.value.hint

    def unreachable(request):
        raise httpx.ConnectError("no route", request=request)

    with pytest.raises(InputError, match="cannot reach the GitHub API") as offline:
        fetch_issue(IssueRef("o", "r", 7), TuiConfig(), httpx.MockTransport(unreachable))
    assert "paste the issue text" in offline.value.hint
    with pytest.raises(InputError, match="refused"):
        fetch_issue(IssueRef("o", "r", 7), TuiConfig(), github(403))


def test_load_issue_reads_files_and_rejects_empty_input(tmp_path):
    (tmp_path / "i.md").write_text("the bug")
    assert load_issue(str(tmp_path / "i.md"), TuiConfig()) == "the bug"
    with pytest.raises(InputError, match="not found"):
        load_issue(str(tmp_path / "missing.md"), TuiConfig())
    with pytest.raises(InputError, match="type a file path"):
        load_issue("  ", TuiConfig())


def test_history_lists_readable_runs_newest_first(tmp_path):
    runs = tmp_path / ".capuchin" / "runs"
    for run_id, status in (("20260101-000000-aaaaaa", "solved"), ("20260102-000000-bbbbbb", "no_candidate")):
        (runs / run_id).mkdir(parents=True)
        report = SolveReport(run_id=run_id, repo=str(tmp_path), issue="# Title here\n\nbody", status=status)
        (runs / run_id / "report.json").write_text(report.model_dump_json())
    (runs / "20260103-000000-cccccc").mkdir()  # killed before its report was written
    (runs / "20260104-000000-dddddd").mkdir()
    (runs / "20260104-000000-dddddd" / "report.json").write_text("{not json")
    found = list_runs(tmp_path)
    assert [r.run_id for r in found] == ["20260102-000000-bbbbbb", "20260101-000000-aaaaaa"]
    assert found[0].title == "Title here"


def test_cli_starts_the_app_on_a_repository_and_refuses_other_paths(bug_repo, tmp_path, monkeypatch, capsys):
    from agent.cli import main
    from tui.app import CapuchinApp

    started: list[CapuchinApp] = []
    monkeypatch.setattr(CapuchinApp, "run", lambda self: started.append(self))
    (tmp_path / "issue.md").write_text("the bug")
    assert main(["tui", str(bug_repo), "--issue", str(tmp_path / "issue.md")]) == 0
    assert started[0].session.repo == bug_repo
    assert started[0].issue == "the bug"
    assert started[0].start
    assert main(["tui", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
