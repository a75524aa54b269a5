"""Reviewing candidates: one candidate's diff, test log, reproduction tests and raw answer;
or two candidates side by side."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from tui.history import read_test_log
from tui.messages import ActRequested
from tui.state import CandidateRow, RunState
from tui.widgets.diff_view import DiffView, diff_files
from tui.widgets.pipeline import verdict_cells

ALL_FILES = "(all files)"


def candidate_title(state: RunState, row: CandidateRow) -> Text:
    """``c03  T=0.8  +4/-1  focus: f  ✓ applies · regr ok · repro 1/1 · 2 votes``."""
    mark, applies, regression, repro, votes = verdict_cells(row, state.verdict_of(row.id), state.chosen,
                                                            state.reproduced)
    text = Text.assemble(mark, " ", (row.id, "bold"), f" T={row.temperature:.1f} +{row.added}/-{row.removed}")
    if row.focus:
        text.append(f" {row.focus}")
    text.append(" · applies ")
    text.append_text(applies)
    text.append(" · regr ")
    text.append_text(regression)
    text.append(" · repro ")
    text.append_text(repro)
    text.append(" · votes ")
    text.append_text(votes)
    return text


def repro_view(state: RunState, row: CandidateRow, running: bool) -> RenderableType:
    if not state.repro_tests:
        return Text("Reproduction tests are listed when verification ends." if running
                    else "No reproduction tests were written or kept for this run.", style="dim")
    verdict = state.verdict_of(row.id)
    passing = set(verdict.repro_passing) if verdict else set()
    parts: list[RenderableType] = []
    for test in state.repro_tests:
        passed = [t for t in test.failing_tests if t in passing]
        head = Text(f"{test.path} — {test.note or 'kept'}", style="bold")
        if test.failing_tests:
            head.append(f" · this candidate passes {len(passed)}/{len(test.failing_tests)}",
                        style="green" if passed else "yellow")
        parts += [head, Syntax(test.code, "python", theme="monokai", line_numbers=True), Text("")]
    return Group(*parts)


class ReviewScreen(Screen):
    AUTO_FOCUS = "#diff-view"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="review.back"),
        Binding("u", "toggle_split", "Split", id="review.split"),
        # The tab labels name these keys; the footer has no room for them at 80 columns.
        Binding("d", "tab('diff')", "Diff", id="review.diff", show=False),
        Binding("l", "tab('log')", "Test log", id="review.log", show=False),
        Binding("t", "tab('repro')", "Repro tests", id="review.repro", show=False),
        Binding("r", "tab('answer')", "Answer", id="review.answer", show=False),
        Binding("a", "act('apply')", "Apply", id="review.apply"),
        Binding("b", "act('branch')", "Branch", id="review.branch"),
        Binding("s", "act('save')", "Save", id="review.save"),
        Binding("c", "act('copy')", "Copy", id="review.copy"),
        Binding("x", "act('reject')", "Reject", id="review.reject"),
    ]

    def __init__(self, state: RunState, candidate_id: str, issue: str, *, read_only: bool, running: bool):
        super().__init__()
        self.state, self.issue, self.read_only, self.running = state, issue, read_only, running
        self.row = state.candidates[candidate_id]

    def compose(self) -> ComposeResult:
        row = self.row
        yield Static(candidate_title(self.state, row), id="review-title")
        with Horizontal(id="review-body"):
            files = [ALL_FILES, *diff_files(row.diff or "")]
            yield OptionList(*[Option(f, id=f) for f in files], id="files")
            with TabbedContent(id="tabs", initial="diff"):
                with TabPane("Diff d", id="diff"):
                    yield DiffView(row.diff or "", id="diff-view")
                with TabPane("Test log l", id="log"):
                    yield VerticalScroll(Static(self._log(), id="log-text"))
                with TabPane("Repro tests t", id="repro"):
                    yield VerticalScroll(Static(repro_view(self.state, row, self.running)))
                with TabPane("Answer r", id="answer"):
                    yield VerticalScroll(Static(Text(row.raw or row.error or "(no answer recorded)")))
        yield Footer(compact=True)

    def _log(self) -> Text:
        # regression and reproduction tests run apart (issue #18): <id>.log and <id>-repro.log
        logs = [read_test_log(self.state.trajectory, name) for name in (self.row.id, f"{self.row.id}-repro")]
        log = "\n".join(text for text in logs if text) or None
        if log is None:
            why = "not run yet" if self.running else "no test run for this candidate (see its verdict)"
            return Text(f"({why})", style="dim")
        return Text(log)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        path = event.option.id
        self.query_one(DiffView).path = None if path == ALL_FILES else path
        self.query_one(TabbedContent).active = "diff"

    def action_toggle_split(self) -> None:
        view = self.query_one(DiffView)
        view.split = not view.split

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            if parameters and parameters[0] in ("apply", "branch", "reject") and (self.read_only or self.running):
                return None
            return bool(self.row.diff) or None
        return True

    def action_act(self, kind: str) -> None:
        if self.row.diff:
            run_id = Path(self.state.trajectory).name if self.state.trajectory else None
            self.post_message(ActRequested(kind, self.row, self.issue, run_id))


class CompareScreen(Screen):
    """Two candidates' diffs side by side (stacked on narrow terminals)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="compare.back"),
        Binding("u", "toggle_split", "Split", id="compare.split"),
    ]

    def __init__(self, state: RunState, left: str, right: str):
        super().__init__()
        self.state, self.ids = state, (left, right)

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-body"):
            for cid in self.ids:
                row = self.state.candidates[cid]
                with Vertical(classes="compare-side"):
                    yield Static(candidate_title(self.state, row), classes="compare-title")
                    yield DiffView(row.diff or "", classes="compare-diff")
        yield Footer(compact=True)

    def action_toggle_split(self) -> None:
        for view in self.query(DiffView):
            view.split = not view.split
