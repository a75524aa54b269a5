"""A solve killed with SIGKILL at any stage leaves the user's work tree exactly as it was.

The solve runs as a real `capuchin solve` subprocess against ``agent.testing.ScriptedServer`` (an
HTTP test double of the OpenAI protocol) and the local sandbox."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.testing import Reply, ScriptedServer
from editing.fuzzing import fingerprint

BUG = Path(__file__).resolve().parents[2] / "examples" / "bugs" / "local_day_offset"
FIXED = '''### logday/buckets.py
```python
def local_day(when, utc_offset_minutes=0):
    return (when + timedelta(minutes=utc_offset_minutes)).date()
```'''


def _repo(tmp: Path) -> Path:
    repo = tmp / "repo"
    shutil.copytree(BUG / "repo", repo)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "i"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    (repo / "notes.txt").write_text("the user's untracked file\n")
    return repo


def _work_tree(repo: Path) -> dict[str, str]:
    """The files a user sees: not .git/ (a run adds .capuchin/ to .git/info/exclude) nor .capuchin/."""
    return {k: v for k, v in fingerprint(repo).items() if not k.startswith((".capuchin", ".git/"))}


def _kill_when(proc: subprocess.Popen, marker: str, log: Path, limit_s: float = 240) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and proc.poll() is None:
        if marker in log.read_text(errors="replace"):
            time.sleep(0.5)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "delay_s"), [("▶ sample", 2.0), ("▶ verify", 0.0)])
def test_sigkill_leaves_the_work_tree_as_it_was(tmp_path, stage, delay_s):
    repo = _repo(tmp_path)
    issue = tmp_path / "issue.md"
    issue.write_text((BUG / "issue.md").read_text())
    before = _work_tree(repo)
    log = tmp_path / "solve.log"
    with ScriptedServer(lambda body: Reply([FIXED], delay_s=delay_s)) as server, log.open("w") as out:
        env = {**os.environ, "CAPUCHIN_LLM__BASE_URL": server.base_url, "CAPUCHIN_LLM__MODEL": "scripted",
               "CAPUCHIN_SANDBOX__BACKEND": "local", "CAPUCHIN_RETRIEVAL__DENSE": "false",
               "CAPUCHIN_SOLVE__SAMPLES": "2", "COLUMNS": "200"}
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "solve", str(repo), "--issue", str(issue)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                cwd=Path(__file__).resolve().parents[2])
        killed = _kill_when(proc, stage, log)
    assert killed, log.read_text()[-3000:]
    after = _work_tree(repo)
    assert after == before
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == "?? notes.txt\n"
