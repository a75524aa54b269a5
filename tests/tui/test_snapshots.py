"""Snapshots of every screen at 80x24 (and the busy ones at 200x50), from a recorded run with
fixed paths, ids and times (tests/tui/fixtures/record_run.py) and a fixed clock.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from agent.core.errors import Cancelled
from agent.core.events import Event
from agent.report import SolveReport
from tui.app import CapuchinApp
from tui.screens.run import RunScreen
from tui.session import Session
from tui.testing import ISSUE

FIXTURE = Path(__file__).parent / "fixtures" / "run"
T0 = 1_764_504_000.0
T_END = T0 + 63.0
REPO = Path("/src/demo")


def recorded() -> tuple[list[Event], SolveReport]:
    events = [Event.model_validate_json(line) for line in (FIXTURE / "events.jsonl").read_text().splitlines()]
    return events, SolveReport.model_validate_json((FIXTURE / "report.json").read_text())


class Replay:
    """A runner that replays the recorded run's events (with their recorded times); with
    ``pause_after``, stops after that many events and waits to be cancelled, like a run in progress."""

    def __init__(self, trajectory: Path, pause_after: int | None = None):
        self.events, self.report = recorded()
        self.report.trajectory_dir = str(trajectory)
        self.pause_after = pause_after
        self.paused = threading.Event()

    def __call__(self, repo, issue, bus, cancel):
        for i, event in enumerate(self.events):
            if i == self.pause_after:
                self.paused.set()
                while not cancel.cancelled:
                    time.sleep(0.01)
                raise Cancelled("the run was cancelled")
            for subscriber in list(bus._subscribers):  # re-publish with the recorded time
                subscriber(event)
        return self.report


@pytest.fixture
def trajectory(tmp_path) -> Path:
    run = tmp_path / "run"
    (run / "tests").mkdir(parents=True)
    for log in FIXTURE.glob("*.log"):
        shutil.copy(log, run / "tests" / log.name)
    return run


def make_app(runner, start: bool = True, repo: Path = REPO) -> CapuchinApp:
    return CapuchinApp(Session(repo, runner, clock=lambda: T_END, tick_s=3600), ISSUE, start=start)


async def settled(pilot: Pilot, done) -> None:
    for _ in range(400):
        if done():
            break
        await pilot.pause(0.02)
    for area in pilot.app.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def run_screen(pilot: Pilot) -> RunScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, RunScreen))


def finished(pilot: Pilot) -> bool:
    screens = [s for s in pilot.app.screen_stack if isinstance(s, RunScreen)]
    return bool(screens) and screens[0].state.status == "solved" and screens[0].job and not screens[0].job.alive


def test_issue_screen(snap_compare):
    async def before(pilot: Pilot) -> None:
        await settled(pilot, lambda: pilot.app.focused is not None)  # the cursor shows only with focus

    assert snap_compare(make_app(Replay(Path("/nowhere")), start=False), terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_run_screen_solved(snap_compare, trajectory, size):
    async def before(pilot: Pilot) -> None:
        await settled(pilot, lambda: finished(pilot))

    assert snap_compare(make_app(Replay(trajectory)), terminal_size=size, run_before=before)


def test_run_screen_while_verifying(snap_compare, trajectory):
    replay = Replay(trajectory)
    first_verdict = next(i for i, e in enumerate(replay.events) if e.kind == "verdict")
    replay.pause_after = first_verdict + 1

    async def before(pilot: Pilot) -> None:
        await settled(pilot, lambda: replay.paused.is_set() and run_screen(pilot).drawn and any(
            r.verdict for r in run_screen(pilot).state.candidates.values()))

    assert snap_compare(make_app(replay), terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize(("size", "keys"), [((80, 24), ()), ((200, 50), ("u",)), ((80, 24), ("l",))])
def test_review_screen(snap_compare, trajectory, size, keys):
    async def before(pilot: Pilot) -> None:
        await settled(pilot, lambda: finished(pilot))
        await pilot.press("enter", *keys)
        await pilot.pause()

    assert snap_compare(make_app(Replay(trajectory)), terminal_size=size, run_before=before)


def test_history_screen(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    run = tmp_path / ".capuchin" / "runs" / "20261130-120000-abcdef"
    run.mkdir(parents=True)
    shutil.copy(FIXTURE / "report.json", run / "report.json")

    async def before(pilot: Pilot) -> None:
        await settled(pilot, lambda: True)
        await pilot.press("ctrl+t")
        await settled(pilot, lambda: getattr(pilot.app.focused, "id", None) == "runs")

    assert snap_compare(make_app(Replay(tmp_path), start=False, repo=tmp_path), terminal_size=(80, 24),
                        run_before=before)


def test_compare_screen(snap_compare, trajectory):
    async def before(pilot: Pilot) -> None:
        await settled(pilot, lambda: finished(pilot))
        await pilot.press("m", "up", "m")
        await pilot.pause()

    assert snap_compare(make_app(Replay(trajectory)), terminal_size=(200, 50), run_before=before)
