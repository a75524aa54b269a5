"""Fixtures for the TUI's tests: the demo bug's repository and a scripted model server."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.testing import ScriptedServer
from tui.testing import ScriptedRunner, demo_repo, demo_script


@pytest.fixture
def bug_repo(tmp_path) -> Path:
    return demo_repo(tmp_path / "repo")


@pytest.fixture
def server():
    with ScriptedServer(demo_script()) as s:
        yield s


@pytest.fixture
def runner(server) -> ScriptedRunner:
    return ScriptedRunner(server.base_url)
