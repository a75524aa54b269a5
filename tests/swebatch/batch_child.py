"""A batch run in a child process, for the SIGKILL tests: the real pipeline with a scripted model
(agent.testing.ScriptedModel) and a sandbox where tests pass; it kills itself with SIGKILL at the
point named by ``--kill``, or sends itself SIGTERM or SIGINT (``--kill SIGTERM``) mid-solve."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agent.core.config import load_settings  # noqa: E402
from agent.testing import Reply, ScriptedModel  # noqa: E402
from swebatch import records  # noqa: E402
from swebatch.batch import BatchRun, RunOptions  # noqa: E402
from swebatch.data import load_dataset  # noqa: E402
from swebatch.executors import open_pool  # noqa: E402
from swebatch.testing import PassingSandbox  # noqa: E402
from swebatch.work import CapuchinWork  # noqa: E402

# name -> (file name the os.replace call writes, which call of it, kill before or after it)
REPLACE_POINTS = {
    "before-record": ("record.json", 2, "before"),
    "after-record": ("record.json", 2, "after"),
    "before-predictions": ("predictions.jsonl", 3, "before"),
    "between-predictions": ("predictions.jsonl", 3, "after"),
}


FIX = "### pkg/__init__.py\n```python\ndef add(a, b):\n    return a + b\n```"


def respond(body: dict) -> Reply:
    """The fix, except for issues marked UNSOLVABLE (the model then talks instead of editing)."""
    return Reply(["No idea, sorry." if "UNSOLVABLE" in json.dumps(body["messages"]) else FIX])


def scripted_model() -> ScriptedModel:
    return ScriptedModel(respond)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(point: str) -> None:
    if point in REPLACE_POINTS:
        name, nth, when = REPLACE_POINTS[point]
        real, seen = os.replace, [0]

        def replace(src, dst):
            if Path(dst).name == name:
                seen[0] += 1
                if seen[0] == nth and when == "before":
                    die()
            real(src, dst)
            if Path(dst).name == name and seen[0] == nth and when == "after":
                die()

        records.os.replace = replace


class SignalledWork(CapuchinWork):
    """Sends the process ``signum`` while solving its first instance, then waits to be cancelled (as a
    long solve would): that instance is in flight when the signal lands."""

    calls = 0
    signum = signal.SIGTERM

    def __call__(self, row, folder, cancel):
        SignalledWork.calls += 1
        if SignalledWork.calls == 1:
            os.kill(os.getpid(), self.signum)
            cancel.wait(60)
            raise RuntimeError("cancelled")
        return super().__call__(row, folder, cancel)


class DyingWork(CapuchinWork):
    """Dies in the middle of solving its third instance."""

    calls = 0

    def __call__(self, row, folder, cancel):
        DyingWork.calls += 1
        if DyingWork.calls == 3:
            die()
        return super().__call__(row, folder, cancel)


def main() -> None:
    ap = argparse.ArgumentParser()
    for name in ("--out", "--dataset", "--repos", "--executor"):
        ap.add_argument(name, required=name != "--executor", default="local")
    ap.add_argument("--kill", default="")
    args = ap.parse_args()
    arm(args.kill)
    settings = load_settings(None, {"retrieval": {"dense": False}, "sandbox": {"repos": args.repos},
                                    "solve": {"samples": 1, "temperatures": [0.0], "repro_samples": 0}},
                             environ={}, user_file=Path(args.out).parent / "none")
    cls = DyingWork if args.kill == "mid-solve" else CapuchinWork
    if args.kill in ("SIGTERM", "SIGINT"):
        cls, SignalledWork.signum = SignalledWork, getattr(signal, args.kill)
    work = cls(settings, None, "scripted", sandbox=PassingSandbox(), model=scripted_model)
    opts = RunOptions(out=Path(args.out), model_name="scripted", workers=1 if cls is SignalledWork else 2,
                      min_free_gb=0)
    BatchRun(work, open_pool(args.executor, 2), opts).run(load_dataset(args.dataset))


if __name__ == "__main__":
    main()
