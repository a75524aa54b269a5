"""The solve report and the run's trajectory on disk.

Every run keeps, under ``<repo>/.capuchin/runs/<run_id>/``: ``report.json`` (every
candidate with its verdicts, the choice, usage and timings), ``events.jsonl`` (the event
stream), ``llm_calls.jsonl`` (prompts and responses), ``tests/*.log`` (sandbox output)
and ``patch.diff`` (the chosen patch). It is written in ``finally``, so a failed or
interrupted run leaves its evidence too.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from agent.core.events import Event, EventBus
from agent.core.inputs import git
from agent.core.types import Candidate, Location, TestResult, Verdict
from editing.patch import diff_size


class ReproTest(BaseModel):
    """A model-written reproduction test file and what it showed on the original code."""

    path: str
    code: str
    failing_tests: list[str] = Field(default_factory=list)
    """Tests that fail on the original code; the ones candidates must make pass."""
    note: str = ""


class SolveReport(BaseModel):
    run_id: str
    repo: str
    issue: str
    status: Literal["running", "solved", "no_candidate", "error", "cancelled"] = "running"
    error: str | None = None
    model: dict[str, Any] = Field(default_factory=dict)
    """The model that produced the candidates: name, backend, endpoint (no secrets)."""
    config: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Every config section's effective values, secrets masked."""
    capuchin: dict[str, str | None] = Field(default_factory=dict)
    """Capuchin's version and, from a git checkout, its commit."""
    seeds: list[int] = Field(default_factory=list)
    """The sampling seeds sent with the model requests."""
    started: float = Field(default_factory=time.time)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    locations: list[Location] = Field(default_factory=list)
    context_tokens: int = 0
    candidates: list[Candidate] = Field(default_factory=list)
    verdicts: list[Verdict] = Field(default_factory=list)
    regression_tests: list[str] = Field(default_factory=list)
    baseline_passing: list[str] = Field(default_factory=list)
    repro_tests: list[ReproTest] = Field(default_factory=list)
    environment_problem: str | None = None
    """Why the sandbox could not test the candidates (the baseline ran no test or passed none: a
    failed install, uncollectable files, a missing service); the evidence is in ``tests/baseline.log``."""
    chosen: str | None = None
    patch: str | None = None
    verified: bool = False
    """Whether tests ran with the chosen patch (regression or reproduction tests). A patch chosen
    without (no tests, or an environment problem) is not applied or committed unless asked to."""
    usage: dict[str, Any] = Field(default_factory=dict)
    trajectory_dir: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def patch_lines(self) -> int | None:
        """Lines the chosen patch adds or removes: among equally supported fixes, the smaller one is
        what a reviewer wants (issue #16)."""
        return diff_size(self.patch) if self.patch else None

    def verdict(self, candidate_id: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.candidate_id == candidate_id), None)


@cache
def capuchin_build() -> dict[str, str | None]:
    """Capuchin's version and the commit of its source tree (None outside a git checkout)."""
    from agent import __version__

    source = Path(__file__).resolve().parent.parent
    top = git(source, "rev-parse", "--show-toplevel").stdout.strip()
    # an installed copy may sit inside somebody else's repository: only our own checkout counts
    own = bool(top) and Path(top).resolve() == source
    commit = git(source, "rev-parse", "HEAD").stdout.strip() or None if own else None
    if commit and git(source, "status", "--porcelain", "--untracked-files=no", "--", "agent", "retrieval",
                      "editing", "sandbox").stdout.strip():
        commit += "-dirty"
    return {"version": __version__, "commit": commit}


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def exclude_capuchin_dir(repo: Path) -> None:
    """Keep ``.capuchin/`` out of ``git status`` without touching the user's .gitignore."""
    git_dir = git(repo, "rev-parse", "--git-dir").stdout.strip()
    if not git_dir:
        return
    exclude = (repo / git_dir if not Path(git_dir).is_absolute() else Path(git_dir)) / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    text = exclude.read_text() if exclude.exists() else ""
    if ".capuchin/" not in text.split():
        exclude.write_text(text + ("" if text.endswith("\n") or not text else "\n") + ".capuchin/\n")


class Trajectory:
    """Writes a run's evidence as it happens; ``save`` is called in ``finally``."""

    def __init__(self, repo: Path, run_id: str, bus: EventBus):
        self.dir = repo / ".capuchin" / "runs" / run_id
        (self.dir / "tests").mkdir(parents=True, exist_ok=True)
        self._events = (self.dir / "events.jsonl").open("a", encoding="utf-8")
        self._unsubscribe = bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        self._events.write(event.model_dump_json() + "\n")
        self._events.flush()

    def test_log(self, name: str, result: TestResult) -> None:
        header = (f"applied={result.applied} exit_code={result.exit_code} timed_out={result.timed_out} "
                  f"duration={result.duration_s:.1f}s\napply_error={result.apply_error}\nerror={result.error}\n")
        statuses = "".join(f"{status:8} {test}\n" for test, status in sorted(result.tests.items()))
        (self.dir / "tests" / f"{name}.log").write_text(header + statuses + "\n" + result.output, encoding="utf-8")

    def save(self, report: SolveReport, llm_calls: list[Any]) -> None:
        report.trajectory_dir = str(self.dir)
        (self.dir / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
        with (self.dir / "llm_calls.jsonl").open("w", encoding="utf-8") as f:
            for call in llm_calls:
                f.write(json.dumps(asdict(call), default=str) + "\n")
        if report.patch:
            (self.dir / "patch.diff").write_text(report.patch, encoding="utf-8")
        self._unsubscribe()
        self._events.close()
