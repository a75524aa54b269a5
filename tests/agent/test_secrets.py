"""Secrets never reach a run's files: plant known keys in the configuration and the environment,
let the repository's own test print the environment, solve, and grep everything the run wrote.

The model is ``agent.testing.ScriptedModel`` (an in-process test double); the sandbox is the real
local backend (the Docker backend passes no host variables into containers at all)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from agent.core.config import load_settings
from agent.core.errors import NoVerifiedCandidate
from agent.core.events import EventBus
from agent.solve import solve
from agent.testing import Reply, ScriptedModel

BUG = Path(__file__).resolve().parents[2] / "examples" / "bugs" / "local_day_offset"
PLANTED = {
    "OPENAI_API_KEY": "sk-planted-openai-0123456789",
    "GITHUB_TOKEN": "ghp_planted0123456789abcdef",
    "CAPUCHIN_LLM__API_KEY": "sk-planted-capuchin-9876543210",
}
LEAKY_TEST = '''import os


def test_prints_the_environment():
    print(sorted(os.environ.items()))
    assert False, dict(os.environ)
'''


@pytest.fixture
def leaky_repo(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(BUG / "repo", repo)
    (repo / "tests" / "test_leak.py").write_text(LEAKY_TEST)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "i"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    return repo


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:no Docker engine")
def test_planted_keys_appear_in_no_file_the_run_writes(leaky_repo, tmp_path, monkeypatch):
    for name, value in PLANTED.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(leaky_repo, {"retrieval": {"dense": False}, "sandbox": {"backend": "local"},
                                          "solve": {"samples": 1, "temperatures": [0.0], "repro_samples": 0}},
                             user_file=tmp_path / "none")
    assert settings.llm.api_key == PLANTED["CAPUCHIN_LLM__API_KEY"]
    answer = "### tests/test_leak.py\n```python\ndef test_prints_the_environment():\n    assert True\n```"
    bus = EventBus()
    try:
        report = solve(leaky_repo, (BUG / "issue.md").read_text(), settings, bus,
                       model=ScriptedModel([Reply([answer])]))
    except NoVerifiedCandidate as exc:
        report = exc.report
    run_dir = Path(report.trajectory_dir)
    logs = list((run_dir / "tests").glob("*.log"))
    assert logs
    assert any("test_prints_the_environment" in p.read_text() for p in logs)  # the test did run and print
    written = [p for p in run_dir.rglob("*") if p.is_file()]
    for value in PLANTED.values():
        leaks = [str(p) for p in written if value in p.read_text(errors="replace")]
        assert leaks == [], f"{value} leaked into {leaks}"
        assert all(value not in e.model_dump_json() for e in bus.history)
    assert '"api_key": "***"' in (run_dir / "report.json").read_text()
