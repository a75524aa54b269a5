"""SIGKILL at five points of a real batch run (child processes, real pipeline, scripted model), then
resume: no complete prediction lost, none duplicated; and Ray gives the same predictions as threads.
The scripted model (batch_child.respond) answers with the fix, except on instance 3."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.testing import make_tiny_repo
from swebatch.records import needs_run, read_record

pytestmark = pytest.mark.slow

CHILD = Path(__file__).with_name("batch_child.py")
N = 10


def make_dataset(tmp_path: Path, n: int) -> Path:
    """``n`` instances of one tiny repository (add() subtracts); instance 3 is one the model cannot fix."""
    repo = make_tiny_repo(tmp_path / "repos" / "o+r")
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    rows = [{"instance_id": f"o__r-{i}", "repo": "o/r", "base_commit": head,
             "problem_statement": "add() subtracts: add(1, 2) returns -1 instead of 3." + (" UNSOLVABLE" * (i == 3))}
            for i in range(n)]
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def child(tmp_path, dataset, out="run", kill="", executor="local") -> int:
    cmd = [sys.executable, str(CHILD), "--out", str(tmp_path / out), "--dataset", str(dataset), "--repos",
           str(tmp_path / "repos"), "--kill", kill, "--executor", executor]
    # SIGINT as a terminal's foreground job has it: a suite started in the background (`pytest &` from a
    # script) ignores SIGINT, its children inherit that, and the SIGINT test's child then never stopped
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, preexec_fn=_default_sigint).returncode


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def complete(out: Path) -> dict[str, str]:
    found = {}
    for rec in out.glob("*/record.json"):
        with contextlib.suppress(json.JSONDecodeError, KeyError):
            found[rec.parent.name] = json.loads(rec.read_text())["model_patch"]
    return found


def test_kill_nine_at_five_points_then_resume_loses_and_duplicates_nothing(tmp_path):
    dataset = make_dataset(tmp_path, N)
    before: dict[str, str] = {}
    for point in ("mid-solve", "before-record", "after-record", "before-predictions", "between-predictions"):
        code = child(tmp_path, dataset, kill=point)
        now = complete(tmp_path / "run")
        assert code == -9, point
        assert before.items() <= now.items(), f"a complete record changed or vanished at {point}"
        before = now
    assert child(tmp_path, dataset) == 0
    out = tmp_path / "run"
    preds = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    ids = [p["instance_id"] for p in preds]
    assert sorted(ids) == [f"o__r-{i}" for i in range(N)]
    assert len(set(ids)) == N
    assert {p["instance_id"]: p["model_patch"] for p in preds} == complete(out)
    assert "+    return a + b" in preds[0]["model_patch"]
    assert preds[3]["model_patch"] == ""
    assert json.loads((out / "summary.json").read_text())["statuses"]["solved"] == N - 1


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_sigterm_stops_like_ctrl_c_in_flight_interrupted_nothing_lost(tmp_path, signame):
    dataset = make_dataset(tmp_path, 2)
    code = child(tmp_path, dataset, kill=signame)
    assert code not in (0, -15), code  # a clean stop through KeyboardInterrupt, not SIGTERM's default death
    out = tmp_path / "run"
    statuses = {r.parent.name: json.loads(r.read_text())["status"] for r in out.glob("*/record.json")}
    assert statuses == {"o__r-0": "interrupted"}  # in flight when the signal came; o__r-1 never started
    assert json.loads((out / "summary.json").read_text())["stopped"] == "interrupted"
    assert (out / "predictions.jsonl").read_text() == ""
    # a rerun runs it again (test_batch's Ctrl-C test reruns for real; a child here costs a minute)
    assert needs_run(read_record(out / "o__r-0"), retry_errors=False, redo=False)


def test_ray_and_local_executors_give_the_same_predictions(tmp_path):
    pytest.importorskip("ray")
    dataset = make_dataset(tmp_path, 4)
    assert child(tmp_path, dataset, out="local") == 0
    assert child(tmp_path, dataset, out="ray", executor="ray") == 0
    local, ray = ((tmp_path / d / "predictions.jsonl").read_text() for d in ("local", "ray"))
    assert local == ray
    assert len(local.splitlines()) == 4
