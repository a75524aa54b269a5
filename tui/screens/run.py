"""The live pipeline: stage bar, localisation, candidates and verdicts, status line.

The screen owns one ``SolveJob`` (or, for a past run, only its report). Events from the job
arrive as ``PipelineEvent`` messages, are folded into ``RunState`` and pushed down to the
widgets; nothing else changes what is shown.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, RichLog, Static

from agent.core.events import Event
from agent.report import SolveReport
from tui.messages import ActRequested
from tui.runner import Outcome, SolveJob
from tui.session import Session
from tui.state import CandidateRow, RunState
from tui.widgets.pipeline import CandidateTable, LocationTable, StageBar, StatusLine

REDRAW_S = 0.5
"""Events are folded in at once but drawn at most this often: a burst of events (indexing, the
candidates of a sample) costs one redraw, and the UI thread leaves the solve its CPU (a redraw of
the whole screen costs tens of milliseconds of the GIL)."""

CANCEL_WINDOW_S = 3.0
"""A second Esc within this many seconds of the first cancels the run."""


def event_line(event: Event) -> str | None:
    """The log line for an event (plain text: it may quote model output)."""
    if event.kind == "stage_started":
        return f"▶ {event.stage} {event.message}".rstrip()
    if event.kind == "stage_finished":
        return f"✓ {event.stage} {event.message}".rstrip()
    if event.kind == "candidate":
        first = (event.message.splitlines() or [""])[0][:120]
        return f"  {'+' if event.data.get('ok') else 'x'} {event.data.get('id')} T={event.data.get('temperature')}: {first}"
    if event.kind in ("verdict", "log"):
        return f"  {event.message}"
    return None


class RunScreen(Screen):
    AUTO_FOCUS = "#candidates"
    BINDINGS = [
        Binding("enter", "review", "Review", id="run.review", show=False),
        Binding("a", "act('apply')", "Apply", id="run.apply"),
        Binding("b", "act('branch')", "Branch", id="run.branch"),
        Binding("s", "act('save')", "Save", id="run.save"),
        Binding("c", "act('copy')", "Copy", id="run.copy"),
        Binding("x", "act('reject')", "Reject", id="run.reject"),
        Binding("m", "compare", "Compare", id="run.compare"),
        Binding("escape", "cancel", "Cancel/Back", id="run.cancel"),
    ]

    class PipelineEvent(Message):
        def __init__(self, event: Event):
            super().__init__()
            self.event = event

    class Finished(Message):
        def __init__(self, outcome: Outcome):
            super().__init__()
            self.outcome = outcome

    def __init__(self, session: Session, issue: str, report: SolveReport | None = None):
        super().__init__()
        self.session, self.issue = session, issue
        self.state = RunState()
        self.read_only = report is not None
        self.job: SolveJob | None = None
        self._report = report
        self._cancel_armed_at: float | None = None
        self._marked: str | None = None
        self._had_patch = False
        self._dirty: set[str] = set()
        self._lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield StageBar(id="stages")
        with Horizontal(id="panes"):
            yield LocationTable(id="locations")
            yield CandidateTable(id="candidates")
        yield Static(id="why")
        yield RichLog(id="log", markup=False, wrap=True, max_lines=500)
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#locations").border_title = "Localisation"
        self.query_one("#candidates").border_title = "Candidates"
        if self._report is not None:
            self.state.absorb(self._report)
            self.sub_title = f"run {self._report.run_id} (read only)"
            self._refresh_all()
            if self.state.chosen in self.state.candidates:
                self.query_one(CandidateTable).select(self.state.chosen)
        else:
            self.job = SolveJob(self.session.runner, self.session.repo, self.issue,
                                on_event=lambda e: self.post_message(self.PipelineEvent(e)),
                                on_done=lambda o: self.post_message(self.Finished(o)))
            # After the first frame: drawing a new screen takes the CPU (and the GIL) for a moment,
            # which the run's first, CPU-bound stage would otherwise share (measured: +0.7 s).
            self.call_after_refresh(self.job.start)
        self.set_interval(self.session.tick_s, self._tick)

    def on_unmount(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _tick(self) -> None:
        if self.state.running:
            now = self.session.clock()
            self.query_one(StageBar).show(self.state, now)
            self.query_one(StatusLine).show(self.state, now)

    def on_run_screen_pipeline_event(self, message: PipelineEvent) -> None:
        if not self._dirty and not self._lines:
            self.set_timer(REDRAW_S, self._flush)
        self._dirty |= self.state.apply(message.event)
        line = event_line(message.event)
        if line:
            self._lines.append(line)

    @property
    def drawn(self) -> bool:
        """Whether every event folded in so far is on the screen (redraws are batched)."""
        return not self._dirty and not self._lines

    def _flush(self) -> None:
        log = self.query_one(RichLog)
        for line in self._lines:
            log.write(line)
        changed, self._dirty, self._lines = self._dirty, set(), []
        self._refresh(changed)

    def on_run_screen_finished(self, message: Finished) -> None:
        self._flush()  # events posted before the outcome are already folded in: messages keep their order
        outcome = message.outcome
        if outcome.report is not None:
            self.state.absorb(outcome.report)
        self.state.close(outcome.status, self.session.clock())
        self.state.error = outcome.message if outcome.status != "solved" else ""
        self._refresh_all()
        if self.state.chosen in self.state.candidates:
            self.query_one(CandidateTable).select(self.state.chosen)
        if outcome.message:
            text = outcome.message + (f"\nhint: {outcome.hint}" if outcome.hint else "")
            self.notify(text, title=outcome.status.replace("_", " "), markup=False,
                        severity="information" if outcome.status == "cancelled" else "error")

    def _refresh_all(self) -> None:
        self._refresh({"stages", "locations", "candidates", "status"})

    def _refresh(self, changed: set[str]) -> None:
        now = self.session.clock()
        if "stages" in changed:
            self.query_one(StageBar).show(self.state, now)
        if "locations" in changed:
            self.query_one(LocationTable).show(self.state.locations)
        if "candidates" in changed:
            self.query_one(CandidateTable).show(self.state)
            self.query_one("#why", Static).update(self._why())
        self.query_one(StatusLine).show(self.state, now)
        if "candidates" in changed:  # what can be done depends on the candidate and the run's end
            self.refresh_bindings()

    def _why(self) -> Text:
        if self.state.chosen:
            return Text.assemble(("★ ", "bold green"), (self.state.chosen, "bold"), " chosen: ", self.state.why)
        if self.state.error:
            return Text(self.state.error, style="red")
        return Text("")

    @property
    def run_id(self) -> str | None:
        return Path(self.state.trajectory).name if self.state.trajectory else None

    def selected(self) -> CandidateRow | None:
        cid = self.query_one(CandidateTable).selected_id
        row = self.state.candidates.get(cid) if cid else None
        if row is not None and row.duplicate_of:
            return self.state.candidates.get(row.duplicate_of, row)
        return row

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.selected() if self.is_mounted else None
        has_patch = row is not None and bool(row.diff)
        if action == "act":
            changes_repo = parameters and parameters[0] in ("apply", "branch", "reject")
            # Applying while candidates are still tested would leak into the sandbox's copy of the repo.
            if changes_repo and (self.read_only or self.state.running):
                return None
            return has_patch or None
        if action in ("review", "compare"):
            return row is not None or None
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.selected()
        has_patch = row is not None and bool(row.diff)
        if has_patch != self._had_patch:  # redrawing the footer is the costly part of moving the cursor
            self._had_patch = has_patch
            self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "candidates":
            self.action_review()

    def action_review(self) -> None:
        from tui.screens.review import ReviewScreen

        row = self.selected()
        if row is not None:
            self.app.push_screen(ReviewScreen(self.state, row.id, self.issue, read_only=self.read_only,
                                              running=self.state.running))

    def action_act(self, kind: str) -> None:
        row = self.selected()
        if row is not None and row.diff:
            self.post_message(ActRequested(kind, row, self.issue, self.run_id))

    def action_compare(self) -> None:
        from tui.screens.review import CompareScreen

        row = self.selected()
        if row is None:
            return
        if self._marked is None or self._marked == row.id:
            self._marked = row.id
            self.notify(f"{row.id} marked: move to another candidate and press m to compare", markup=False)
            return
        first, self._marked = self._marked, None
        self.app.push_screen(CompareScreen(self.state, first, row.id))

    def action_cancel(self) -> None:
        if not self.state.running or self.job is None or not self.job.alive:
            self.app.pop_screen()
            return
        now = self.session.clock()
        if self._cancel_armed_at is not None and now - self._cancel_armed_at <= CANCEL_WINDOW_S:
            self.job.cancel()
            self.state.current_stage = "cancelling"
            self.query_one(StatusLine).show(self.state, now)
            self.notify("Cancelling: no new model calls or test runs; the evidence so far is kept.")
            return
        self._cancel_armed_at = now
        self.notify("Press Esc again to cancel the run.", severity="warning")
