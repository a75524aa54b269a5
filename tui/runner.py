"""Running one solve off the UI thread, cancellable, reporting only through callbacks.

The screen gives a ``SolveJob`` two callbacks that post Textual messages (``post_message`` is
thread-safe and does not wait), so the pipeline never waits for the UI and the UI is touched
only from its own thread. The job is a daemon thread rather than a Textual thread worker:
those run on asyncio's default executor, which the event loop joins when the app closes, so
a sandbox run stuck in a test would hold the app open; a daemon thread is cancelled, given a
few seconds to save its trajectory, and then left behind.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from agent.core.cancel import CancelToken
from agent.core.errors import Cancelled, CapuchinError, NoVerifiedCandidate
from agent.core.events import Event, EventBus
from agent.report import SolveReport


class Runner(Protocol):
    """Runs the pipeline: the real ``agent.solve.solve`` by default, scripted parts in tests."""

    def __call__(self, repo: Path, issue: str, bus: EventBus, cancel: CancelToken) -> SolveReport: ...


def default_runner(repo: Path, issue: str, bus: EventBus, cancel: CancelToken) -> SolveReport:
    """The configured model and sandbox, exactly as `capuchin solve` runs them."""
    from agent.core.config import settings_for
    from agent.solve import solve

    return solve(repo, issue, settings_for(repo), bus, cancel=cancel)


@dataclass
class Outcome:
    """How a run ended: a status, the report when there is one, a message for people otherwise."""

    status: str
    report: SolveReport | None = None
    message: str = ""
    hint: str | None = None


class SolveJob:
    """One run of ``runner`` in a daemon thread; ``cancel()`` asks it to stop."""

    def __init__(self, runner: Runner, repo: Path, issue: str, *,
                 on_event: Callable[[Event], None], on_done: Callable[[Outcome], None]):
        self.runner, self.repo, self.issue = runner, repo, issue
        self.on_event, self.on_done = on_event, on_done
        self.token = CancelToken()
        self.bus = EventBus()
        self._thread = threading.Thread(target=self._main, name="capuchin-solve", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.token.cancel("stopped from the terminal UI")

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; whether it did."""
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _main(self) -> None:
        unsubscribe = self.bus.subscribe(self.on_event)
        try:
            outcome = self._outcome()
        finally:
            unsubscribe()
        self.on_done(outcome)

    def _outcome(self) -> Outcome:
        try:
            report = self.runner(self.repo, self.issue, self.bus, self.token)
            return Outcome(report.status, report)
        except Cancelled as exc:
            return Outcome("cancelled", exc.report, "the run was cancelled; its evidence so far is kept")
        except NoVerifiedCandidate as exc:
            return Outcome("no_candidate", exc.report, exc.message, exc.hint)
        except CapuchinError as exc:
            return Outcome("error", getattr(exc, "report", None), exc.message, exc.hint)
        except Exception as exc:  # a bug must end as a message in the app, not a dead thread
            where = traceback.extract_tb(exc.__traceback__)[-1]
            return Outcome("error", None, f"unexpected {type(exc).__name__}: {exc}",
                           f"at {Path(where.filename).name}:{where.lineno}; please report it")
