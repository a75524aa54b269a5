"""Past runs under ``<repo>/.capuchin/runs/``, read only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from agent.report import SolveReport


@dataclass
class PastRun:
    run_id: str
    path: Path
    status: str
    started: float
    seconds: float
    chosen: str | None
    title: str
    candidates: int

    @property
    def when(self) -> str:
        return dt.datetime.fromtimestamp(self.started).strftime("%Y-%m-%d %H:%M")


def runs_dir(repo: Path) -> Path:
    return repo / ".capuchin" / "runs"


def load_report(run: Path) -> SolveReport:
    return SolveReport.model_validate_json((run / "report.json").read_text(encoding="utf-8"))


def list_runs(repo: Path) -> list[PastRun]:
    """Every run with a readable report, newest first; runs without one (still going, or killed
    before ``finally``) are left out."""
    out = []
    root = runs_dir(repo)
    for run in sorted(root.iterdir(), reverse=True) if root.is_dir() else []:
        try:
            report = load_report(run)
        except (OSError, ValueError, ValidationError):
            continue
        title = (report.issue.strip().splitlines() or [""])[0].lstrip("# ")
        out.append(PastRun(report.run_id, run, report.status, report.started, report.seconds, report.chosen,
                           title, len(report.candidates)))
    return out


def read_test_log(trajectory: str | None, name: str) -> str | None:
    """A sandbox run's log from the trajectory (``baseline``, or a candidate id)."""
    if not trajectory:
        return None
    path = Path(trajectory) / "tests" / f"{name}.log"
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
