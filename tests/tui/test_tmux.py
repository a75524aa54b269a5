"""The app in a real terminal (tmux): `capuchin tui` on the demo bug with the scripted
OpenAI-compatible server and the real Docker sandbox; keys by send-keys, the screen read with
capture-pane, and the chosen patch applied to the repository at the end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.testing import DEMO_FIX_LINE as FIX_LINE
from agent.testing import ScriptedServer, demo_script
from tui.testing import BUG, demo_repo

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.docker, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)")]


class Tmux:
    """One detached tmux session running a command, read and typed into from the test."""

    def __init__(self, name: str, command: str, env: dict[str, str], size: tuple[int, int] = (100, 32)):
        self.name = name
        args = ["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1])]
        subprocess.run([*args, command], check=True, env=env)

    def screen(self) -> str:
        out = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, limit_s: float) -> str:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.5)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    @property
    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_solve_and_apply_in_a_real_terminal(tmp_path):
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine answers")
    repo = demo_repo(tmp_path / "demo")
    (tmp_path / "issue.md").write_text((BUG / "issue.md").read_text())
    with ScriptedServer(demo_script()) as server:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
               "CAPUCHIN_LLM__BASE_URL": server.base_url, "CAPUCHIN_LLM__MODEL": "scripted",
               "CAPUCHIN_SANDBOX__BACKEND": "docker", "CAPUCHIN_RETRIEVAL__DENSE": "false",
               "CAPUCHIN_SOLVE__SAMPLES": "2", "CAPUCHIN_SOLVE__TEMPERATURES": "[0.0, 0.8]",
               "CAPUCHIN_SOLVE__REPRO_SAMPLES": "1"}
        command = f"{sys.executable} -m agent.cli tui {repo} --issue {tmp_path / 'issue.md'}"
        term = Tmux(f"capuchin-tui-test-{os.getpid()}", command, env)
        try:
            screen = term.wait_for("chosen:", limit_s=600)
            assert "★" in screen
            assert "solved" in screen
            term.keys("a")
            term.wait_for("y: yes", limit_s=10)  # the confirmation is up
            term.keys("y")
            deadline = time.monotonic() + 20
            while FIX_LINE[1:].strip() not in (repo / "descstats" / "central.py").read_text():
                assert time.monotonic() < deadline, term.screen()
                time.sleep(0.2)
            term.wait_for("applied to the work tree", limit_s=10)
            term.keys("C-q")
            deadline = time.monotonic() + 20
            while term.alive:
                assert time.monotonic() < deadline, "the app did not quit"
                time.sleep(0.2)
        finally:
            term.kill()
    diff = subprocess.run(["git", "-C", str(repo), "diff"], capture_output=True, text=True).stdout
    assert FIX_LINE in diff
