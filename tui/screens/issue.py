"""The first screen: type or paste the issue, or load it from a file or GitHub."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, TextArea

from agent.core.errors import CapuchinError
from tui.issue_source import load_issue
from tui.session import Session


class IssueScreen(Screen):
    """Issue text in; Ctrl+R starts the run (the app decides what a run is)."""

    AUTO_FOCUS = "#issue-text"
    BINDINGS = [
        Binding("ctrl+r", "solve", "Solve", id="issue.solve"),
        Binding("ctrl+o", "focus_source", "Open file/GitHub", id="issue.open"),
        Binding("ctrl+t", "history", "History", id="issue.history"),
    ]

    class SolveRequested(Message):
        """The user asked to solve ``issue``."""

        def __init__(self, issue: str):
            super().__init__()
            self.issue = issue

    class HistoryRequested(Message):
        """The user asked for past runs."""

    class Loaded(Message):
        def __init__(self, text: str | None, error: CapuchinError | None):
            super().__init__()
            self.text, self.error = text, error

    def __init__(self, session: Session, issue: str = ""):
        super().__init__()
        self.session, self.issue = session, issue

    def compose(self) -> ComposeResult:
        yield Label(f"Capuchin · {self.session.repo}", id="issue-title", markup=False)
        yield Input(placeholder="issue file, GitHub URL or owner/repo#N, then Enter", id="source")
        yield TextArea(self.issue, id="issue-text", soft_wrap=True, show_line_numbers=False)
        yield Label("Type or paste the issue above, then Ctrl+R to solve.", id="issue-help")
        yield Footer(compact=True)

    def action_focus_source(self) -> None:
        self.query_one("#source", Input).focus()

    def action_history(self) -> None:
        self.post_message(self.HistoryRequested())

    def action_solve(self) -> None:
        text = self.query_one("#issue-text", TextArea).text
        if not text.strip():
            self.notify("The issue is empty: type it, or load it with Ctrl+O.", severity="warning")
            return
        self.post_message(self.SolveRequested(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#issue-help", Label).update(f"loading {event.value.strip()} …")
        self._load(event.value)

    @work(thread=True, exclusive=True, group="load-issue")
    def _load(self, source: str) -> None:
        # Reading a file is instant, but a GitHub request may take its full timeout.
        try:
            self.post_message(self.Loaded(load_issue(source, self.session.config), None))
        except CapuchinError as exc:
            self.post_message(self.Loaded(None, exc))

    def on_issue_screen_loaded(self, message: Loaded) -> None:
        help_line = self.query_one("#issue-help", Label)
        if message.error is not None:
            help_line.update("Type or paste the issue above, then Ctrl+R to solve.")
            self.notify(str(message.error), title="Cannot load the issue", severity="error", markup=False)
            return
        area = self.query_one("#issue-text", TextArea)
        area.text = message.text or ""
        area.focus()
        help_line.update("Loaded. Ctrl+R to solve.")
