"""What the pipeline screen shows, folded from the event stream: pure data, no Textual.

``RunState.apply(event)`` is the only way live state changes, so the screen is driven by the
same ``EventBus`` the CLI renders (no second code path), and the state can be tested without a
terminal. ``RunState.absorb(report)`` fills in what only the final report holds (full verdicts,
the reproduction tests) and is also how a past run from ``.capuchin/runs/`` is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.core.events import Event
from agent.core.types import Location, Verdict
from agent.report import ReproTest, SolveReport
from agent.selection import reproduced

# The stages every run goes through, in order; others (model start-up, indexing) are shown
# before these when they occur.
PIPELINE = ("localize", "sample", "verify", "select")
FINAL = ("solved", "no_candidate", "error", "cancelled")


@dataclass
class StageTimer:
    name: str
    started: float | None = None
    finished: float | None = None
    ok: bool | None = None

    def seconds(self, now: float) -> float | None:
        if self.started is None:
            return None
        return (self.finished if self.finished is not None else now) - self.started

    @property
    def running(self) -> bool:
        return self.started is not None and self.finished is None


@dataclass
class CandidateRow:
    """One sampled candidate as the screen lists it."""

    id: str
    temperature: float
    focus: str | None = None
    ok: bool = False
    files: list[str] = field(default_factory=list)
    diff: str | None = None
    error: str | None = None
    raw: str = ""
    verdict: Verdict | None = None
    duplicate_of: str | None = None

    @property
    def added(self) -> int:
        return diff_counts(self.diff)[0]

    @property
    def removed(self) -> int:
        return diff_counts(self.diff)[1]


def diff_counts(diff: str | None) -> tuple[int, int]:
    """Lines added and removed by a unified diff (file headers excluded)."""
    added = removed = 0
    for line in (diff or "").splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


@dataclass
class RunState:
    """Everything the pipeline screen renders; updated only by ``apply`` and ``absorb``."""

    stages: dict[str, StageTimer] = field(default_factory=lambda: {s: StageTimer(s) for s in PIPELINE})
    locations: list[Location] = field(default_factory=list)
    candidates: dict[str, CandidateRow] = field(default_factory=dict)
    repro_tests: list[ReproTest] = field(default_factory=list)
    started: float | None = None
    finished: float | None = None
    status: str = "idle"
    current_stage: str = ""
    samples_done: int = 0
    samples_total: int = 0
    tests_run: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    chosen: str | None = None
    why: str = ""
    error: str = ""
    trajectory: str | None = None
    log: list[str] = field(default_factory=list)

    def elapsed(self, now: float) -> float:
        if self.started is None:
            return 0.0
        return (self.finished if self.finished is not None else now) - self.started

    @property
    def running(self) -> bool:
        return self.status == "running"

    def apply(self, event: Event) -> set[str]:
        """Fold one event in; returns the parts of the screen that changed."""
        if self.started is None:
            self.started = event.time
        handler = _HANDLERS.get(event.kind)
        changed = handler(self, event) if handler else set()
        changed |= self._common(event)
        return changed | {"status"}

    def _common(self, event: Event) -> set[str]:
        """Data any event may carry (sent by stages that know it)."""
        data, changed = event.data, set()
        if "locations" in data:
            self.locations = [Location.model_validate(loc) for loc in data["locations"]]
            changed.add("locations")
        if "trajectory" in data:
            self.trajectory = str(data["trajectory"])
        if "tests_run" in data:
            self.tests_run += int(data["tests_run"])
        return changed

    def close(self, status: str, now: float) -> None:
        """The run ended (also without a report): stop the clocks; a stage still running failed."""
        self.status = status
        self.finished = self.finished if self.finished is not None else now
        for timer in self.stages.values():
            if timer.running:
                timer.finished, timer.ok = self.finished, False

    def absorb(self, report: SolveReport) -> None:
        """Take what only the final report holds; the report wins where both know a thing."""
        self.status = report.status
        self.locations = list(report.locations) or self.locations
        self.repro_tests = list(report.repro_tests)
        self.trajectory = report.trajectory_dir or self.trajectory
        self.error = report.error or self.error
        self.started = self.started if self.started is not None else report.started
        self.finished = self.started + report.seconds if self.finished is None else self.finished
        for name, seconds in report.stage_seconds.items():
            timer = self.stages.setdefault(name, StageTimer(name))
            if timer.started is None:
                timer.started, timer.finished, timer.ok = self.started, self.started + seconds, True
        self._absorb_candidates(report)
        self.tokens = int(report.usage.get("prompt_tokens", 0)) + int(report.usage.get("completion_tokens", 0)) \
            or self.tokens
        self.cost_usd = float(report.usage.get("cost_usd", self.cost_usd) or 0.0)
        self.samples_total = max(self.samples_total, len(report.candidates))
        self.samples_done = max(self.samples_done, len(report.candidates))
        if report.chosen:
            self._choose(report.chosen)

    def _absorb_candidates(self, report: SolveReport) -> None:
        for c in report.candidates:
            row = self.candidates.setdefault(c.id, CandidateRow(id=c.id, temperature=c.temperature))
            row.temperature, row.focus, row.files = c.temperature, c.focus, list(c.files)
            row.diff, row.error, row.raw, row.ok = c.diff, c.error, c.raw, c.diff is not None
            for dup in c.duplicates:
                self.candidates.setdefault(dup, CandidateRow(id=dup, temperature=0.0)).duplicate_of = c.id
        for v in report.verdicts:
            if v.candidate_id in self.candidates:
                self.candidates[v.candidate_id].verdict = v

    def _choose(self, chosen: str) -> None:
        self.chosen = chosen
        row = self.candidates.get(chosen)
        survivors = [r for r in self.candidates.values() if r.verdict is not None and r.verdict.score > 0]
        self.why = why_chosen(row.verdict if row else None, len(survivors))

    @property
    def reproduced(self) -> bool:
        """Whether some candidate passes a reproduction test (then those passing none are out)."""
        return reproduced(r.verdict for r in self.candidates.values() if r.verdict is not None)

    def verdict_of(self, candidate_id: str) -> Verdict | None:
        row = self.candidates.get(candidate_id)
        if row is None:
            return None
        if row.duplicate_of:
            return self.verdict_of(row.duplicate_of)
        return row.verdict


def why_chosen(verdict: Verdict | None, survivors: int) -> str:
    """One line a reviewer reads to see why the chosen candidate won."""
    if verdict is None:
        return ""
    regression = {True: "breaks no regression test", None: "no regression tests ran", False: "BREAKS tests"}
    repro = (f"passes {verdict.repro_passed}/{verdict.repro_total} reproduction tests" if verdict.repro_total
             else "no reproduction test failed on the original code")
    parts = [regression[verdict.regression_ok], repro, f"{verdict.votes} sample(s) agree"]
    if survivors > 1:
        parts.append(f"best score {verdict.score:.2f} of {survivors} survivors")
    if verdict.repro_passed == 0:
        parts.append("unconfirmed: review it before use")
    return "; ".join(parts)


def _stage_started(state: RunState, event: Event) -> set[str]:
    timer = state.stages.setdefault(event.stage, StageTimer(event.stage))
    timer.started, timer.finished, timer.ok = event.time, None, None
    state.current_stage, state.status = event.stage, "running"
    return {"stages"}


def _stage_finished(state: RunState, event: Event) -> set[str]:
    timer = state.stages.setdefault(event.stage, StageTimer(event.stage, started=event.time))
    timer.finished, timer.ok = event.time, bool(event.data.get("ok", True))
    return {"stages"}


def _progress(state: RunState, event: Event) -> set[str]:
    if event.stage == "sample":
        state.samples_done = int(event.data.get("done", state.samples_done))
        state.samples_total = int(event.data.get("total", state.samples_total))
    return set()


def _candidate(state: RunState, event: Event) -> set[str]:
    d: dict[str, Any] = event.data
    row = state.candidates.setdefault(d["id"], CandidateRow(id=d["id"], temperature=float(d.get("temperature", 0))))
    row.temperature, row.focus = float(d.get("temperature", 0.0)), d.get("focus")
    row.ok, row.files = bool(d.get("ok")), list(d.get("files") or [])
    row.diff = d.get("diff", row.diff)
    row.error = None if row.ok else event.message
    state.samples_done = max(state.samples_done, len(state.candidates))
    state.samples_total = max(state.samples_total, state.samples_done)
    return {"candidates"}


def _verdict(state: RunState, event: Event) -> set[str]:
    fields = {k: v for k, v in event.data.items() if k in Verdict.model_fields}
    verdict = Verdict.model_validate(fields)
    row = state.candidates.setdefault(verdict.candidate_id, CandidateRow(id=verdict.candidate_id, temperature=0.0))
    row.verdict = verdict
    return {"candidates"}


def _llm_call(state: RunState, event: Event) -> set[str]:
    d = event.data
    state.tokens += int(d.get("prompt_tokens", 0)) + int(d.get("completion_tokens", 0))
    state.cost_usd += float(d.get("cost_usd", 0.0) or 0.0)
    return set()


def _log(state: RunState, event: Event) -> set[str]:
    if event.message:
        state.log.append(f"{event.stage}: {event.message}")
    return {"log"}


def _result(state: RunState, event: Event) -> set[str]:
    state.status = str(event.data.get("status") or event.message or state.status)
    state.finished = event.time
    state.current_stage = "done"
    select = state.stages["select"]
    select.started = select.started or event.time
    select.finished, select.ok = event.time, state.status == "solved"
    if event.data.get("chosen"):
        state._choose(str(event.data["chosen"]))
    return {"stages", "candidates"}


_HANDLERS = {
    "stage_started": _stage_started,
    "stage_finished": _stage_finished,
    "progress": _progress,
    "candidate": _candidate,
    "verdict": _verdict,
    "llm_call": _llm_call,
    "log": _log,
    "result": _result,
}
