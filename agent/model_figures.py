"""Measured figures per embedded model, read from the benchmarks' result files.

``benchmarks/llm_throughput.py`` writes samples per second; ``benchmarks/coverage.py`` writes
pass@1, coverage and wall time per bug, from which fixes per minute follow (bugs whose chosen
patch the hidden tests confirm, per minute of solving). ``capuchin models list`` shows them,
so the choice of the default model rests on numbers measured on this kind of machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


@dataclass
class Figures:
    samples_per_s: float | None = None
    """8 samples of one ~2,000-token prompt, batched (llama-server, n=8), median."""
    baseline_samples_per_s: float | None = None
    """The same 8 samples one after another on llama-cpp-python's server, same run."""
    pass_at_1: float | None = None
    bugs: int = 0
    """Bundled bugs the coverage figures are over (those every compared model finished, where a comparison exists)."""
    fixes_per_minute: float | None = None


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def wall_seconds(row: dict) -> float:
    """A bug's wall time as a user waits for it: the model server's start and the solve (newer runs
    record it apart from the benchmark's own judging); older runs only have the total."""
    return row.get("timing", {}).get("wall", row.get("seconds", 0.0))


def fixes_per_minute(per_bug: dict[str, dict]) -> float | None:
    """Bugs fixed (chosen patch correct) per minute of wall time over the bugs solved."""
    seconds = sum(wall_seconds(b) for b in per_bug.values())
    if not seconds:
        return None
    return 60.0 * sum(bool(b.get("chosen_correct")) for b in per_bug.values()) / seconds


def figures(model: str, results: Path = RESULTS) -> Figures:
    """The newest measured figures for ``model`` (an embedded model name) in ``results``."""
    out = Figures()
    for path in sorted(results.glob("llm-throughput*.json")):
        data = _read(path)
        summary = data.get("summary", {})
        if data.get("model") == model and "server-n@8" in summary:
            out.samples_per_s = summary["server-n@8"].get("samples_per_s")
            out.baseline_samples_per_s = summary.get("baseline-seq@8", {}).get("samples_per_s")
    best: tuple | None = None
    for path in sorted(results.glob("coverage*.json")):
        data = _read(path)
        if str(data.get("model", "")).split()[-1:] != [model] or not data.get("per_bug"):
            continue
        # Prefer runs on the batched backend (wall time is part of the figure), then more bugs.
        rank = (data.get("backend") == "llama-server", len(data["per_bug"]))
        if best is None or rank > best[0]:
            best = (rank, data)
    if best:
        data = best[1]
        out.bugs = len(data["per_bug"])
        out.pass_at_1 = data.get("summary", {}).get("pass@1")
        out.fixes_per_minute = fixes_per_minute(data["per_bug"])
    return _paired(out, model, results)


def _paired(out: Figures, model: str, results: Path) -> Figures:
    """Figures over the bugs every compared model finished (``benchmarks.coverage_models --compare``)
    win over one model's own run: models set side by side must be measured on the same bugs."""
    best: tuple[int, dict] | None = None
    for path in sorted(results.glob("coverage*.json")):
        data = _read(path)
        row = data.get("models", {}).get(model) if isinstance(data.get("models"), dict) else None
        if row and data.get("bugs") and (best is None or len(data["bugs"]) > best[0]):
            best = (len(data["bugs"]), row)
    if best:
        out.bugs, out.pass_at_1, out.fixes_per_minute = best[0], best[1].get("pass@1"), best[1].get("fixes_per_minute")
    return out
