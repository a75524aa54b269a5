"""Test doubles for the terminal UI, shipped with the package: the Pilot tests, the tmux test
and the TUI benchmark all drive the app with them.

``ScriptedRunner`` runs the real pipeline (retrieval, editing, verification, selection) through
``agent.solve.solve`` with the in-process ``ScriptedModel`` and any sandbox (``SandboxDouble`` by
default), answering the bundled demo bug (``median_even``) with ``agent.testing.demo_script``: a
wrong fix, the right one, and text that is not an edit.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from agent.core.cancel import CancelToken
from agent.core.config import Settings, load_settings
from agent.core.events import EventBus
from agent.core.protocols import Sandbox
from agent.core.types import TestResult, TestStatus
from agent.report import SolveReport
from agent.solve import solve
from agent.testing import DEMO_FIX_LINE, ScriptedModel, demo_script

BUG = Path(__file__).resolve().parents[1] / "examples" / "bugs" / "median_even"
ISSUE = (BUG / "issue.md").read_text() if (BUG / "issue.md").is_file() else ""

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

    def __init__(self, fix_line: str = DEMO_FIX_LINE) -> None:
        self.fix_line = fix_line
        self.runs: list[tuple[str | None, list[str]]] = []

    def run(self, repo: Path, *, patch: str | None = None, tests: Sequence[str] = (),
            timeout_s: float | None = None, cancel: CancelToken | None = None) -> TestResult:
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
    """A ``tui.runner.Runner``: the one ``agent.solve.solve`` with a ``ScriptedModel`` (in process)
    and a sandbox double, on settings fixed here (no dense index: no embedding model to load)."""

    def __init__(self, script=None, sandbox: Sandbox | None = None, *, samples: int = 2,
                 temperatures: Sequence[float] = (0.0, 0.8), delay_s: float = 0.0):
        self.script = script or demo_script()
        self.sandbox = sandbox or SandboxDouble()
        self.samples, self.temperatures, self.delay_s = samples, list(temperatures), delay_s
        self.issues: list[str] = []
        self.models: list[ScriptedModel] = []

    def settings(self, repo: Path) -> Settings:
        overrides = {"retrieval": {"dense": False},
                     "solve": {"samples": self.samples, "temperatures": self.temperatures, "repro_samples": 1,
                               "focus_targets": 1}}
        return load_settings(None, overrides, environ={}, user_file=repo / "none.toml")

    def __call__(self, repo: Path, issue: str, bus: EventBus, cancel: CancelToken | None = None) -> SolveReport:
        self.issues.append(issue)
        model = ScriptedModel(self.script, delay_s=self.delay_s)
        self.models.append(model)
        return solve(repo, issue, self.settings(repo), bus, cancel=cancel, model=model, sandbox=self.sandbox)
