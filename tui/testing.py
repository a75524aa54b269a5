"""Test doubles for the terminal UI, shipped with the package: the Pilot tests, the tmux test
and the TUI benchmark all drive the app with them.

``ScriptedRunner`` runs the real pipeline (retrieval, editing, verification, selection) with
a scripted model behind ``agent.testing.ScriptedServer`` and any sandbox (``SandboxDouble``
by default); ``demo_script`` answers the bundled demo bug (``median_even``) with a wrong fix,
the right one, and text that is not an edit.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from agent.config import LLMConfig, load_settings
from agent.events import EventBus
from agent.llm import LLMClient
from agent.pipeline import Parts, Solver
from agent.protocols import Sandbox
from agent.report import SolveReport
from agent.solve import retriever_factory
from agent.testing import Reply
from agent.types import TestResult, TestStatus

BUG = Path(__file__).resolve().parents[1] / "examples" / "bugs" / "median_even"
ISSUE = (BUG / "issue.md").read_text() if (BUG / "issue.md").is_file() else ""

FIXED = '''### descstats/central.py
```python
def median(data: Iterable[float]) -> float:
    """The middle value; for an even count, the mean of the two middle values."""
    values = sorted(as_sample(data))
    mid = len(values) // 2
    if len(values) % 2 == 0:
        return (values[mid - 1] + values[mid]) / 2
    return values[mid]
```'''
FIX_LINE = "+        return (values[mid - 1] + values[mid]) / 2"
# Plausible but wrong: the lower middle value instead of the upper one.
WRONG = FIXED.replace("        return (values[mid - 1] + values[mid]) / 2\n", "        return values[mid - 1]\n")
GARBAGE = "The median [bold]looks[/] fine to me."
"""Not an edit, and markup-like: the UI must show it as typed."""
REPRO = '''```python
from descstats import median


def test_even_count_averages_the_middle_pair():
    assert median([1, 2, 3, 4]) == 2.5
```'''


def demo_script(edit_answers: Sequence[str] = (WRONG, FIXED, GARBAGE, FIXED), delay_s: float = 0.0):
    """A ``ScriptedServer`` script: edit prompts get ``edit_answers`` in turn, reproduction prompts REPRO."""
    counter = iter(range(1_000_000))

    def respond(body):
        if "reproduces a reported bug" in body["messages"][0]["content"]:
            return Reply([REPRO], delay_s=delay_s)
        return Reply([edit_answers[next(counter) % len(edit_answers)]], delay_s=delay_s)

    return respond


def demo_repo(path: Path) -> Path:
    """A fresh git repository holding the demo bug's code."""
    shutil.copytree(BUG / "repo", path)
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "init"]):
        subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True)
    return path


class SandboxDouble:
    """Answers test runs from the patch text: reproduction tests pass only when the patch holds
    ``fix_line``; every other test passes. Records each run."""

    def __init__(self, fix_line: str = FIX_LINE) -> None:
        self.fix_line = fix_line
        self.runs: list[tuple[str | None, list[str]]] = []

    def run(self, repo: Path, *, patch: str | None = None, tests: Sequence[str] = (),
            timeout_s: float | None = None) -> TestResult:
        self.runs.append((patch, list(tests)))
        fixed = self.fix_line in (patch or "")
        results: dict[str, TestStatus] = {}
        for test in tests:
            if test.startswith("test_capuchin_repro"):
                results[f"{test}::test_repro"] = TestStatus.PASSED if fixed else TestStatus.FAILED
            else:
                results[test] = TestStatus.PASSED
        output = "".join(f"{status:8} {test}\n" for test, status in results.items())
        return TestResult(applied=True, exit_code=0, duration_s=0.1, output=output, tests=results)


class ScriptedRunner:
    """A ``tui.runner.Runner``: the real pipeline with the model at ``base_url`` (a ScriptedServer)."""

    def __init__(self, base_url: str, sandbox: Sandbox | None = None, *, samples: int = 2,
                 temperatures: Sequence[float] = (0.0, 0.8)):
        self.base_url, self.sandbox = base_url, sandbox or SandboxDouble()
        self.samples, self.temperatures = samples, list(temperatures)
        self.issues: list[str] = []

    def __call__(self, repo: Path, issue: str, bus: EventBus, cancel: object = None) -> SolveReport:
        self.issues.append(issue)
        settings = load_settings(None, {"retrieval": {"dense": False}}, environ={}, user_file=repo / "none.toml")
        llm = LLMClient(LLMConfig(model="scripted", max_retries=0), base_url=self.base_url, bus=bus)
        config = settings.solve.model_copy(update={"samples": self.samples, "temperatures": self.temperatures,
                                                   "repro_samples": 1, "focus_targets": 1})
        parts = Parts(llm=llm, sandbox=self.sandbox, retriever=retriever_factory(settings), config=config)
        return Solver(parts, bus).solve(repo, issue)
