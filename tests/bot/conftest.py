"""Fixtures: the GitHub stand-in holding the demo bug's repository, and bot settings for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.core.config import Settings, load_settings
from agent.core.types import Candidate, Verdict
from agent.report import SolveReport
from bot.standin import GitHubStandIn

BUG = Path(__file__).resolve().parents[2] / "examples" / "bugs" / "median_even"


@dataclass
class BotWorld:
    """The stand-in, the repository and credentials it accepts, and settings pointing at it."""

    standin: GitHubStandIn
    tmp: Path
    repo: str = "octo/stats"
    token: str = "ghp_standinTOKEN0123456789abcdef"
    secret: str = "webhook-secret-for-tests"

    def environ(self, **extra: str) -> dict[str, str]:
        """CAPUCHIN_* variables for the bot (also for a worker subprocess)."""
        return {
            "CAPUCHIN_BOT__WEBHOOK_SECRET": self.secret,
            "CAPUCHIN_BOT__TOKEN": self.token,
            "CAPUCHIN_BOT__API_URL": self.standin.base_url,
            "CAPUCHIN_BOT__QUEUE_PATH": str(self.tmp / "queue.sqlite3"),
            "CAPUCHIN_BOT__WORKDIR": str(self.tmp / "work"),
            "CAPUCHIN_BOT__POLL_S": "0.05",
            "CAPUCHIN_SANDBOX__BACKEND": "local",
            "CAPUCHIN_RETRIEVAL__DENSE": "false",
            **extra,
        }

    def settings(self, **extra: str) -> Settings:
        return load_settings(None, environ=self.environ(**extra), user_file=self.tmp / "no-user-config.toml")


@pytest.fixture
def world(tmp_path):
    with GitHubStandIn(tmp_path / "remotes", token=BotWorld.token) as standin:
        standin.add_repo(BotWorld.repo, BUG / "repo", collaborators={"maintainer": "write", "reader": "read"})
        standin.add_issue(BotWorld.repo, "median() is wrong for even counts", (BUG / "issue.md").read_text())
        yield BotWorld(standin, tmp_path)


PATCH = (BUG / "fix.patch").read_text()


def _solved_report(repo: Path) -> SolveReport:
    """What solve returns for the demo bug when it picks the reference fix."""
    candidates = [Candidate(id="c00", temperature=0.0, diff=PATCH, files=["descstats/central.py"]),
                  Candidate(id="c01", temperature=0.8, error="no code block in the answer")]
    verdict = Verdict(candidate_id="c00", applies=True, regression_ok=True, repro_total=1, repro_passed=1,
                      repro_passing=["tests/test_repro.py::test_even"], votes=2, selected=True)
    return SolveReport(run_id="20261130-120000-abcdef", repo=str(repo), issue="i", status="solved", verified=True,
                       candidates=candidates, verdicts=[verdict], chosen="c00", patch=PATCH,
                       baseline_passing=["tests/test_central.py::test_mean"],
                       usage={"calls": 3, "prompt_tokens": 1200, "completion_tokens": 300, "cost_usd": 0.0},
                       model={"name": "qwen2.5-coder-0.5b-instruct", "backend": "openai", "endpoint": "http://10.0.0.5/v1"},
                       capuchin={"version": "0.1.0", "commit": "0123456789abcdef"})


def _solve_ok(repo, issue, settings, bus, cancel):
    """A stand-in for agent.solve.solve: two stage events, then the reference fix."""
    bus.emit("stage_started", "localize", "finding the code")
    bus.emit("stage_finished", "localize", "3 locations")
    return _solved_report(repo)


@pytest.fixture
def solved_report():
    return _solved_report


@pytest.fixture
def solve_ok():
    return _solve_ok
