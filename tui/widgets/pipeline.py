"""The live pipeline's widgets: stage bar, localisation list, candidate table, status line.

Each widget is told what to show by its screen (``show(...)``) and renders it as rich ``Text``,
never as markup: file names, model output and test names come from outside and may hold
square brackets.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from agent.core.types import Location, Verdict
from agent.selection import survives
from tui.state import PIPELINE, CandidateRow, RunState, StageTimer


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--"
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def ordered_stages(stages: dict[str, StageTimer]) -> list[StageTimer]:
    """Extra stages (model start-up, indexing) first, in the order they started, then the pipeline's."""
    extra = sorted((t for n, t in stages.items() if n not in PIPELINE), key=lambda t: t.started or 0)
    return extra + [stages[n] for n in PIPELINE if n in stages]


def render_stages(stages: dict[str, StageTimer], now: float) -> Text:
    text = Text()
    for i, timer in enumerate(ordered_stages(stages)):
        if i:
            text.append(" › " if len(stages) < 6 else " ", style="dim")
        if timer.running:
            style, mark = "bold reverse", "▶"
        elif timer.finished is not None:
            style, mark = ("green", "✓") if timer.ok else ("red", "✗")
        else:
            style, mark = "dim", "·"
        text.append(f"{mark} {timer.name} {_clock(timer.seconds(now))}", style=style)
    return text


class StageBar(Static):
    """One line: every stage with its timer, the running one highlighted."""

    def show(self, state: RunState, now: float) -> None:
        self.update(render_stages(state.stages, now))


def render_status(state: RunState, now: float) -> Text:
    stage = state.current_stage or state.status
    text = Text()
    text.append(f" {state.status} ", style=_STATUS_STYLE.get(state.status, "reverse"))
    text.append(f" {stage} · {_clock(state.elapsed(now))} · samples {state.samples_done}/{state.samples_total}"
                f" · tests {state.tests_run} · {state.tokens} tok · ${state.cost_usd:.4f}")
    return text


_STATUS_STYLE = {"solved": "bold black on green", "no_candidate": "bold black on yellow",
                 "error": "bold white on red", "cancelled": "bold black on yellow", "running": "bold reverse"}


class StatusLine(Static):
    """Always visible: stage, elapsed time, samples done/total, tests run, tokens and cost."""

    def show(self, state: RunState, now: float) -> None:
        self.update(render_status(state, now))


class LocationTable(DataTable):
    """Where the localiser thinks the fix belongs, with the signals that put each place there."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("#", "location", "score", "why")

    def show(self, locations: list[Location]) -> None:
        self.clear()
        for i, loc in enumerate(locations, 1):
            self.add_row(str(i), Text(loc.key), f"{loc.score:.2f}", Text(", ".join(loc.reasons)), key=loc.key)


def verdict_cells(row: CandidateRow, verdict: Verdict | None, chosen: str | None,
                  reproduced: bool = False) -> list[Text]:
    """applies / regression / repro / votes cells, and the mark in front of the id."""
    if row.duplicate_of:
        return [Text("="), Text(f"same as {row.duplicate_of}", style="dim"), Text(""), Text(""), Text("")]
    if not row.ok:
        return [Text("✗", style="red"), Text("does not apply", style="red"), Text(""), Text(""), Text("")]
    if verdict is None:
        return [Text("·", style="dim"), Text("pending", style="dim"), Text(""), Text(""), Text("")]
    regression = {True: Text("ok", style="green"), None: Text("–", style="dim"),
                  False: Text(f"breaks {len(verdict.broken_tests)}", style="red")}[verdict.regression_ok]
    repro = Text(f"{verdict.repro_passed}/{verdict.repro_total}",
                 style="green" if verdict.repro_passed else "yellow" if verdict.repro_total else "dim")
    if row.id == chosen:
        mark = Text("★", style="bold green")
    elif not survives(verdict, reproduced):
        mark = Text("✗", style="red")
    else:
        mark = Text("✓", style="green")
    applies = Text("yes" if verdict.applies else "no", style="" if verdict.applies else "red")
    return [mark, applies, regression, repro, Text(str(verdict.votes))]


class CandidateTable(DataTable):
    """Every sampled candidate: temperature, focus, lines +/-, then its verdict as it arrives."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.columns_keys = self.add_columns("", "id", "T", "+/-", "applies", "regr", "repro", "votes", "focus")

    def show(self, state: RunState) -> None:
        """Update rows in place (rebuilding the table would move the cursor and redraw it all)."""
        for row in state.candidates.values():
            mark, applies, regression, repro, votes = verdict_cells(row, state.verdict_of(row.id), state.chosen,
                                                                    state.reproduced)
            lines = Text(f"+{row.added}/-{row.removed}") if row.ok else Text("")
            cells = [mark, Text(row.id), f"{row.temperature:.1f}", lines, applies, regression, repro, votes,
                     Text(row.focus or "")]
            if row.id not in self.rows:
                self.add_row(*cells, key=row.id)
                continue
            for column, cell in zip(self.columns_keys, cells, strict=True):
                self.update_cell(row.id, column, cell)

    def select(self, candidate_id: str) -> None:
        self.move_cursor(row=self.get_row_index(candidate_id))

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
