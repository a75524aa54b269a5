"""Past runs of this repository; Enter opens one read-only."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from tui.history import PastRun, list_runs, load_report
from tui.screens.run import RunScreen
from tui.session import Session


class HistoryScreen(Screen):
    AUTO_FOCUS = "#runs"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="history.back")]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.runs: list[PastRun] = list_runs(session.repo)

    def compose(self) -> ComposeResult:
        yield Label("Past runs (.capuchin/runs/): Enter opens one read-only", id="history-title")
        yield DataTable(id="runs", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when", "status", "chosen", "cands", "time", "issue")
        for run in self.runs:
            table.add_row(run.when, run.status, run.chosen or "–", str(run.candidates), f"{run.seconds:.0f}s",
                          Text(run.title[:80]), key=run.run_id)
        if not self.runs:
            self.query_one(Label).update("No past runs yet: runs are kept under .capuchin/runs/.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        run = next(r for r in self.runs if r.run_id == event.row_key.value)
        report = load_report(run.path)
        self.app.push_screen(RunScreen(self.session, report.issue, report=report))
