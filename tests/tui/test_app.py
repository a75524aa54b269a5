"""The app driven by Pilot, on the demo bug, with the real pipeline, a scripted model and a
sandbox double; assertions on the app's state and on the repository."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from agent.core.errors import EndpointUnreachable
from agent.testing import DEMO_GARBAGE as GARBAGE
from tui.app import CapuchinApp, build_app
from tui.screens.history import HistoryScreen
from tui.screens.issue import IssueScreen
from tui.screens.prompt import ConfirmScreen, PromptScreen
from tui.screens.review import CompareScreen, ReviewScreen
from tui.screens.run import RunScreen
from tui.state import FINAL
from tui.testing import ISSUE, ScriptedRunner, demo_repo
from tui.widgets.diff_view import DiffView
from tui.widgets.pipeline import CandidateTable, LocationTable

Steps = Callable[[Pilot], Awaitable[None]]


def drive(app: CapuchinApp, steps: Steps, size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await steps(pilot)

    asyncio.run(main())


async def until(pilot: Pilot, predicate: Callable[[], bool], what: str, limit_s: float = 60.0) -> None:
    """Let the app work until ``predicate`` holds (the limit only guards against a hang)."""
    for _ in range(int(limit_s / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def run_screen(pilot: Pilot) -> RunScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, RunScreen))


async def solved(pilot: Pilot) -> RunScreen:
    await until(pilot, lambda: any(isinstance(s, RunScreen) for s in pilot.app.screen_stack), "the run screen")
    screen = run_screen(pilot)
    await until(pilot, lambda: screen.state.status in FINAL, "the run to end")
    await pilot.pause()
    return screen


async def answer(pilot: Pilot, key: str, value: str | None = None) -> None:
    """Press ``key``, wait for its dialog, then confirm it (with ``value`` typed in, if given)."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen | ConfirmScreen), f"the dialog of {key}")
    if value is not None:
        pilot.app.screen.query_one("#prompt-input", Input).value = value
    await pilot.press("enter")
    await pilot.pause()


def git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout


def chosen_is_the_fix(screen: RunScreen) -> bool:
    row = screen.state.candidates[screen.state.chosen]
    return "+        return (values[mid - 1] + values[mid]) / 2" in (row.diff or "")


def test_typing_an_issue_runs_the_pipeline_and_shows_the_evidence(bug_repo):
    runner = ScriptedRunner()
    app = build_app(bug_repo, runner=runner)

    async def steps(pilot: Pilot) -> None:
        assert isinstance(pilot.app.screen, IssueScreen)
        await pilot.press(*"median [1,2] off")
        await pilot.press("ctrl+r")
        screen = await solved(pilot)
        state = screen.state
        assert runner.issues == ["median [1,2] off"]
        assert state.status == "solved", state.error
        assert all(state.stages[s].ok for s in ("localize", "sample", "verify", "select"))
        assert chosen_is_the_fix(screen)
        assert "passes 1/1 reproduction tests" in state.why
        garbage = next(r for r in state.candidates.values() if r.raw.startswith(GARBAGE))
        assert "--- retry with feedback ---" in garbage.raw  # the answer that was not an edit got a retry
        table = screen.query_one(CandidateTable)
        assert table.row_count == len(state.candidates) == 3
        assert table.selected_id == state.chosen  # the cursor lands on the chosen candidate
        assert screen.query_one(LocationTable).row_count == len(state.locations) > 0
        assert "descstats/central.py" in {loc.path for loc in state.locations}
        assert state.samples_done == state.samples_total == len(state.candidates)
        assert state.tests_run > 0
        palette = {c.title for c in pilot.app.get_system_commands(screen)}
        assert {"Apply", "Branch", "Save", "Copy", "Reject", "Compare"} <= palette

    drive(app, steps)


def test_apply_lands_the_chosen_patch_in_the_work_tree(bug_repo):
    app = build_app(bug_repo, ISSUE, runner=ScriptedRunner())

    async def steps(pilot: Pilot) -> None:
        screen = await solved(pilot)
        assert chosen_is_the_fix(screen)
        await answer(pilot, "a")
        await pilot.pause()

    drive(app, steps)
    assert "return (values[mid - 1] + values[mid]) / 2" in (bug_repo / "descstats" / "central.py").read_text()


def test_apply_refuses_a_dirty_work_tree(bug_repo):
    app = build_app(bug_repo, ISSUE, runner=ScriptedRunner())
    central = bug_repo / "descstats" / "central.py"

    async def steps(pilot: Pilot) -> None:
        await solved(pilot)
        central.write_text(central.read_text() + "\n# my own change\n")
        await answer(pilot, "a")

    drive(app, steps)
    assert "(values[mid - 1] + values[mid])" not in central.read_text()
    assert central.read_text().endswith("# my own change\n")


def test_branch_commits_and_save_writes_the_patch(bug_repo, tmp_path):
    app = build_app(bug_repo, ISSUE, runner=ScriptedRunner())
    out = tmp_path / "fix.patch"

    async def steps(pilot: Pilot) -> None:
        screen = await solved(pilot)
        await answer(pilot, "s", str(out))  # instead of the suggested path
        await answer(pilot, "b")  # the suggested branch name
        await pilot.pause()
        assert out.read_text() == screen.state.candidates[screen.state.chosen].diff

    drive(app, steps)
    branch = git(bug_repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    assert branch.startswith("capuchin/median-is-wrong-for-samples-")
    assert "(values[mid - 1] + values[mid]) / 2" in git(bug_repo, "show", "HEAD")
    assert git(bug_repo, "status", "--porcelain", "--untracked-files=no") == ""


def test_reject_reruns_with_the_reason_added_to_the_issue(bug_repo):
    runner = ScriptedRunner()
    app = build_app(bug_repo, ISSUE, runner=runner)

    async def steps(pilot: Pilot) -> None:
        first = await solved(pilot)
        await answer(pilot, "x", "use statistics.median")
        await until(pilot, lambda: len(runner.issues) == 2, "the rerun")
        second = await solved(pilot)
        assert second is not first
        assert second.state.status == "solved"
        assert pilot.app.screen_stack.count(second) == 1
        assert first not in pilot.app.screen_stack

    drive(app, steps)
    assert "A reviewer rejected a proposed fix: use statistics.median" in runner.issues[1]
    assert runner.issues[1].startswith(ISSUE.rstrip())


def test_review_shows_diff_log_and_repro_tests_and_compares(bug_repo):
    app = build_app(bug_repo, ISSUE, runner=ScriptedRunner())

    async def steps(pilot: Pilot) -> None:
        screen = await solved(pilot)
        await pilot.press("enter")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        assert review.row.id == screen.state.chosen
        view = review.query_one(DiffView)
        assert view.diff == review.row.diff
        assert not view.split
        await pilot.press("u")
        assert view.split
        await pilot.press("l")
        log = str(review.query_one("#log-text").render())
        assert "test_capuchin_repro" in log
        assert "PASSED" in log
        await pilot.press("escape")
        table = screen.query_one(CandidateTable)
        await pilot.press("m")
        await pilot.press("up" if table.cursor_row else "down")
        other = table.selected_id
        await pilot.press("m")
        compare = pilot.app.screen
        assert isinstance(compare, CompareScreen)
        assert set(compare.ids) == {screen.state.chosen, other}

    drive(app, steps)


def test_a_failing_run_ends_with_a_message_not_a_traceback(bug_repo):
    def runner(repo, issue, bus, cancel):
        bus.emit("stage_started", "localize")
        raise EndpointUnreachable("cannot reach the model endpoint http://gpu:8000/v1", hint="check llm.base_url")

    app = build_app(bug_repo, ISSUE, runner=runner)

    async def steps(pilot: Pilot) -> None:
        screen = await solved(pilot)
        assert screen.state.status == "error"
        assert screen.state.stages["localize"].ok is False  # the stage that was running failed
        assert "cannot reach the model endpoint" in screen.state.error
        assert "cannot reach the model endpoint" in str(screen.query_one("#why").render())

    drive(app, steps)


def test_esc_twice_cancels_the_run_for_real(bug_repo):
    runner = ScriptedRunner(samples=8, delay_s=1.0)  # 9 answers, 9 s of "generation"
    app = build_app(bug_repo, ISSUE, runner=runner)

    async def steps(pilot: Pilot) -> None:
        await until(pilot, lambda: any(isinstance(s, RunScreen) for s in pilot.app.screen_stack), "the run screen")
        screen = run_screen(pilot)
        await until(pilot, lambda: screen.state.current_stage == "sample", "sampling")
        await pilot.press("escape")
        assert screen.state.running  # one Esc only warns
        await pilot.press("escape")
        await until(pilot, lambda: screen.state.status in FINAL, "the run to stop")
        assert screen.state.status == "cancelled"

    drive(app, steps)
    assert len(runner.models[0].requests) < 9  # no more model calls after the cancel
    report = json.loads(next((bug_repo / ".capuchin" / "runs").glob("*/report.json")).read_text())
    assert report["status"] == "cancelled"


def test_quitting_mid_run_cancels_it_and_does_not_hang(bug_repo):
    runner = ScriptedRunner(samples=8, delay_s=1.0)
    app = build_app(bug_repo, ISSUE, runner=runner)

    async def steps(pilot: Pilot) -> None:
        await until(pilot, lambda: any(isinstance(s, RunScreen) for s in pilot.app.screen_stack), "the run screen")
        screen = run_screen(pilot)
        await until(pilot, lambda: screen.state.current_stage == "sample", "sampling")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not screen.job.alive, "the run to stop")

    drive(app, steps)
    assert len(runner.models[0].requests) < 9


def test_history_opens_a_past_run_read_only(bug_repo):
    from agent.core.events import EventBus

    ScriptedRunner()(bug_repo, ISSUE, EventBus(), None)
    app = build_app(bug_repo, runner=ScriptedRunner())

    async def steps(pilot: Pilot) -> None:
        await pilot.press("ctrl+t")
        assert isinstance(pilot.app.screen, HistoryScreen)
        assert len(pilot.app.screen.runs) == 1
        await pilot.press("enter")
        screen = pilot.app.screen
        assert isinstance(screen, RunScreen)
        assert screen.read_only
        assert screen.job is None
        assert screen.state.status == "solved"
        assert chosen_is_the_fix(screen)
        await pilot.press("a", "y")  # applying is not offered for a past run
        await pilot.pause()

    drive(app, steps)
    assert git(bug_repo, "status", "--porcelain", "--untracked-files=no") == ""


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_both_sizes_show_every_part_of_the_run_screen(bug_repo, size):
    app = build_app(bug_repo, ISSUE, runner=ScriptedRunner())

    async def steps(pilot: Pilot) -> None:
        screen = await solved(pilot)
        for part in ("#stages", "#locations", "#candidates", "#why", "#log", "#status"):
            region = screen.query_one(part).region
            assert region.height >= 1, part
            assert region.width >= 40, part
            assert region.bottom <= size[1]

    drive(app, steps, size)


def test_issue_screen_loads_a_file(tmp_path):
    repo = demo_repo(tmp_path / "repo")
    (tmp_path / "issue.md").write_text("# From a file\n")
    app = build_app(repo, runner=ScriptedRunner())

    async def steps(pilot: Pilot) -> None:
        await pilot.press("ctrl+o")
        pilot.app.screen.query_one("#source", Input).value = str(tmp_path / "issue.md")
        await pilot.press("enter")
        area = pilot.app.screen.query_one("#issue-text", TextArea)
        await until(pilot, lambda: area.text == "# From a file\n", "the file to load")

    drive(app, steps)
