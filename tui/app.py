"""The Capuchin terminal UI: issue in, live pipeline, candidate review, act on the choice.

``build_app`` is the factory the CLI and the tests use. The app owns what screens must not:
starting runs and acting on the repository (screens send ``ActRequested``/``RerunRequested``
up; the app answers with notifications).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from agent.core.errors import CapuchinError
from agent.core.inputs import check_repo
from tui import actions
from tui.config import TuiConfig
from tui.messages import ActRequested, RerunRequested
from tui.runner import Runner, default_runner
from tui.screens.history import HistoryScreen
from tui.screens.issue import IssueScreen
from tui.screens.prompt import ConfirmScreen, PromptScreen
from tui.screens.run import RunScreen
from tui.session import Session

QUIT_GRACE_S = 15.0
"""How long quitting waits for a cancelled run to stop its sandbox and save its trajectory."""


class CapuchinApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "Capuchin"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True)]

    def __init__(self, session: Session, issue: str = "", *, start: bool = False):
        super().__init__()
        self.session, self.issue, self.start = session, issue, start

    def on_mount(self) -> None:
        self.push_screen(IssueScreen(self.session, self.issue))
        if self.start and self.issue.strip():
            self.start_run(self.issue)

    def start_run(self, issue: str) -> None:
        self.issue = issue
        self.push_screen(RunScreen(self.session, issue))

    @property
    def run_screens(self) -> list[RunScreen]:
        return [s for s in self.screen_stack if isinstance(s, RunScreen)]

    def on_issue_screen_solve_requested(self, message: IssueScreen.SolveRequested) -> None:
        self.start_run(message.issue)

    def on_issue_screen_history_requested(self, message: IssueScreen.HistoryRequested) -> None:
        self.push_screen(HistoryScreen(self.session))

    def on_rerun_requested(self, message: RerunRequested) -> None:
        while not isinstance(self.screen, IssueScreen):
            self.pop_screen()
        self.screen.query_one("#issue-text").text = message.issue
        self.start_run(message.issue)

    def on_act_requested(self, message: ActRequested) -> None:
        handler: Callable[[ActRequested], None] = getattr(self, f"_act_{message.kind}")
        handler(message)

    def _attempt(self, what: Callable[[], str]) -> None:
        try:
            self.notify(what(), markup=False)
        except CapuchinError as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)

    def _act_apply(self, m: ActRequested) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._attempt(lambda: f"{m.candidate.id} {actions.apply_to_work_tree(self.session.repo, m.candidate.diff)}")

        self.push_screen(ConfirmScreen(f"Apply {m.candidate.id} to the work tree of {self.session.repo}?"), answered)

    def _act_branch(self, m: ActRequested) -> None:
        def answered(branch: str | None) -> None:
            if branch:
                self._attempt(lambda: actions.commit_branch(self.session.repo, branch.strip(), m.candidate.diff or "",
                                                            m.issue))

        self.push_screen(PromptScreen(f"Commit {m.candidate.id} on a new branch named:",
                                      actions.suggested_branch(m.issue, m.candidate.id)), answered)

    def _act_save(self, m: ActRequested) -> None:
        def answered(path: str | None) -> None:
            if path:
                self._attempt(lambda: f"saved {actions.save_patch(Path(path.strip()), m.candidate.diff or '')}")

        default = self.session.repo / f"capuchin-{m.run_id or 'run'}-{m.candidate.id}.patch"
        self.push_screen(PromptScreen(f"Save {m.candidate.id}'s patch to:", str(default)), answered)

    def _act_copy(self, m: ActRequested) -> None:
        patch = m.candidate.diff or ""
        self.copy_to_clipboard(patch)
        self.notify(f"Copied {m.candidate.id}'s patch ({len(patch.splitlines())} lines) with OSC 52. If it did not "
                    "arrive, the terminal ignores OSC 52 (in tmux: set -g set-clipboard on); press s to save "
                    "it to a file instead.", markup=False)

    def _act_reject(self, m: ActRequested) -> None:
        def answered(reason: str | None) -> None:
            if reason is None:
                return
            try:
                issue = actions.issue_with_rejection(m.issue, reason, m.candidate.diff)
            except CapuchinError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.post_message(RerunRequested(issue))

        self.push_screen(PromptScreen(f"Why reject {m.candidate.id}? (added to the issue for a new run)"), answered)

    async def action_quit(self) -> None:
        jobs = [s.job for s in self.run_screens if s.job is not None and s.job.alive]
        for job in jobs:
            job.cancel()
        if jobs:
            self.notify("Stopping the run (cancelled; saving its evidence)…")
            await asyncio.gather(*(asyncio.to_thread(job.join, QUIT_GRACE_S) for job in jobs))
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            _, name, params = parse_action(binding.action)
            if screen.check_action(name, params):
                yield SystemCommand(binding.description, f"{binding.description} ({binding.key})",
                                    lambda action=binding.action, s=screen: s.run_action(action))


def build_app(repo: Path, issue: str = "", *, runner: Runner | None = None, clock: Callable[[], float] | None = None,
              config: TuiConfig | None = None, start: bool | None = None) -> CapuchinApp:
    """The app for ``repo`` (checked like `capuchin solve` checks it); with an issue it starts solving."""
    session = Session(check_repo(repo), runner or default_runner, config=config or TuiConfig())
    if clock is not None:
        session.clock = clock
    return CapuchinApp(session, issue, start=bool(issue.strip()) if start is None else start)
