"""`swebench eval` over a fake instance runner: the official layout, resume, rewrite, and the accounting."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from sandbox import engine
from sandbox.config import SandboxConfig
from sandbox.docker_backend import RunRequest
from sandbox.runscript import APPLIED, APPLY_FAILED, EXIT, START, TEST_NS, to_result
from sandbox.specs import EnvSpec
from swebatch.evaluate import EvalOptions, Evaluator, container_name
from swebatch.tests import TestLists

TEST_PATCH = "diff --git a/t.py b/t.py\n--- a/t.py\n+++ b/t.py\n@@ -1 +1 @@\n-x\n+y\n"


def row(i: int, f2p=("t.py::a",), p2p=("t.py::b",)) -> dict:
    return {"instance_id": f"o__r-{i}", "repo": "o/r", "base_commit": "c", "patch": "gold", "test_patch": TEST_PATCH,
            "FAIL_TO_PASS": list(f2p), "PASS_TO_PASS": list(p2p)}


def log(*lines: str, applied: bool = True) -> str:
    if not applied:
        return f"error: patch failed\n{APPLY_FAILED} /capuchin/patch0.diff\n"
    return "\n".join([f"{APPLIED} git-apply", START, *lines, f"{TEST_NS} 1500000000", f"{EXIT} 0"]) + "\n"


class FakeRunner:
    """Answers each model patch with a canned log; records the requests it got."""

    def __init__(self, logs: dict[str, str]):
        self.logs = logs
        self.requests: list[RunRequest] = []
        self.removed: list[str] = []
        self.images = {"base/b", "env/old"}  # the engine's images before the run
        client = SimpleNamespace(containers=SimpleNamespace(list=lambda **kw: []),
                                 images=SimpleNamespace(remove=lambda tag, noprune: self.removed.append(tag),
                                                        list=lambda: [SimpleNamespace(tags=[t]) for t in self.images]))
        self.killed: list[int] = []
        self.sandbox = SimpleNamespace(config=SandboxConfig(), client=client, run_in_image=self._run,
                                       reaper=engine.Reaper(), kill_running=lambda: self.killed.append(1))

    def layer_tags(self, row):
        env = "env/old" if row["instance_id"].endswith("-9") else "env/new"
        return {"base": "base/b", "env": env, "instance": f"img/{row['instance_id']}"}

    def request(self, row, patches, tests, **extra):
        return RunRequest(image=f"img/{row['instance_id']}", env=EnvSpec(name="x"), tests=tests, patches=patches,
                          **extra)

    def _run(self, req: RunRequest):
        self.requests.append(req)
        return to_result(self.logs[req.patches[0]], exit_code=0, timed_out=False, duration_s=2.0,
                         parser="pytest", tests=req.tests)


def evaluate(tmp_path, rows, preds, runner, **opts):
    options = EvalOptions(run_id="r1", log_root=tmp_path / "logs", report_dir=tmp_path, workers=2, **opts)
    seen = []
    report = Evaluator(runner, TestLists(), options, on_done=seen.append).evaluate(rows, preds)
    return report, {o.instance_id: o for o in seen}


def pred(i: int, patch: str | None) -> dict:
    return {"instance_id": f"o__r-{i}", "model_name_or_path": "org/m", "model_patch": patch}


def test_statuses_layout_and_final_report(tmp_path):
    runner = FakeRunner({"fix": log("PASSED t.py::a", "PASSED t.py::b"),
                         "half": log("PASSED t.py::b"),  # F2P test missing from the log: failed
                         "bad": log(applied=False)})
    rows = [row(i) for i in range(5)]
    preds = {p["instance_id"]: p for p in (pred(0, "fix"), pred(1, "half"), pred(2, "bad"), pred(3, ""))}
    report, seen = evaluate(tmp_path, rows, preds, runner)
    assert {i: o.status for i, o in seen.items()} == {"o__r-0": "resolved", "o__r-1": "unresolved",
                                                     "o__r-2": "error", "o__r-3": "empty"}
    assert report["resolved_ids"] == ["o__r-0"]
    assert report["unresolved_ids"] == ["o__r-1"]
    assert report["error_ids"] == ["o__r-2"]
    assert report["empty_patch_ids"] == ["o__r-3"]
    assert report["incomplete_ids"] == ["o__r-4"]
    assert report["total_instances"] == 5
    assert report["completed_instances"] == 2
    assert report["schema_version"] == 2
    assert len(runner.requests) == 3  # the empty patch never ran
    folder = tmp_path / "logs" / "r1" / "org__m" / "o__r-0"
    assert {p.name for p in folder.iterdir()} >= {"patch.diff", "eval.sh", "test_output.txt", "report.json",
                                                  "run_instance.log"}
    assert json.loads((folder / "report.json").read_text())["o__r-0"]["resolved"] is True
    assert not (tmp_path / "logs" / "r1" / "org__m" / "o__r-2" / "report.json").exists()
    assert json.loads((tmp_path / "org__m.r1.json").read_text()) == report
    assert seen["o__r-0"].tests_s == 1.5
    req = next(r for r in runner.requests if r.patches[0] == "fix")  # workers run in any order
    assert req.apply == "swebench"
    assert req.name == container_name("r1", "org/m", "o__r-0")
    assert container_name("r1", "candidate-c00", "o__r-0") != container_name("r1", "candidate-c01", "o__r-0")
    assert req.labels == {"capuchin.eval.run": "r1"}
    assert req.patches[1] == TEST_PATCH


def test_resume_skips_reported_instances_and_rewrite_runs_nothing(tmp_path):
    runner = FakeRunner({"fix": log("PASSED t.py::a", "PASSED t.py::b")})
    rows, preds = [row(0)], {"o__r-0": pred(0, "fix")}
    evaluate(tmp_path, rows, preds, runner)
    report, seen = evaluate(tmp_path, rows, preds, runner)
    assert len(runner.requests) == 1
    assert seen["o__r-0"].status == "done"
    assert report["resolved_instances"] == 1
    # a stricter list regrades from the saved log without any run
    report, seen = evaluate(tmp_path, [row(0, p2p=("t.py::b", "t.py::gone"))], preds, None, rewrite_reports=True)
    assert len(runner.requests) == 1
    assert seen["o__r-0"].status == "unresolved"
    assert report["unresolved_ids"] == ["o__r-0"]


def test_model_edits_to_the_test_files_are_dropped(tmp_path):
    own_test_edit = TEST_PATCH.replace("+y", "+z")
    runner = FakeRunner({"": log("PASSED t.py::a", "PASSED t.py::b")})
    evaluate(tmp_path, [row(0)], {"o__r-0": pred(0, own_test_edit)}, runner)
    assert runner.requests[0].patches[0] == ""
    assert runner.requests[0].remove_later  # the container goes in the background, drained at the end


@pytest.mark.parametrize(("level", "removed"), [
    ("instance", set()),
    ("env", {"img/o__r-0", "img/o__r-9"}),
    ("base", {"img/o__r-0", "img/o__r-9", "env/new"}),
    ("none", {"img/o__r-0", "img/o__r-9", "env/new"}),  # base/b existed before the run: it stays
])
def test_cache_levels_remove_what_this_run_built_above_the_level(tmp_path, level, removed):
    runner = FakeRunner({"fix": log("PASSED t.py::a", "PASSED t.py::b")})
    evaluate(tmp_path, [row(0), row(9)], {"o__r-0": pred(0, "fix"), "o__r-9": pred(9, "fix")}, runner,
             cache_level=level)
    assert set(runner.removed) == removed  # env/old was there before the run: never removed
    assert len(runner.removed) == len(removed)  # each image once, though two instances share env/base


def test_cache_level_none_removes_a_base_image_the_run_built(tmp_path):
    runner = FakeRunner({"fix": log("PASSED t.py::a", "PASSED t.py::b")})
    runner.images = set()
    evaluate(tmp_path, [row(0)], {"o__r-0": pred(0, "fix")}, runner, cache_level="none")
    assert runner.removed == ["img/o__r-0", "env/new", "base/b"]  # instance first, base last


def test_a_given_registry_image_is_never_removed(tmp_path):
    runner = FakeRunner({"fix": log("PASSED t.py::a", "PASSED t.py::b")})
    runner.sandbox.config = SandboxConfig(instance_image="swebench/sweb.eval.x86_64.{instance_id}")
    evaluate(tmp_path, [row(0)], {"o__r-0": pred(0, "fix")}, runner, cache_level="none")
    assert runner.removed == []


def test_instances_without_test_lists_are_reported_not_graded(tmp_path):
    validation = tmp_path / "validate.jsonl"
    records = [{"instance_id": "o__r-0", "repo": "o/r", "status": "validated", "FAIL_TO_PASS": ["t.py::a"],
                "PASS_TO_PASS": []},
               {"instance_id": "o__r-1", "repo": "o/r", "status": "not_validated", "FAIL_TO_PASS": [],
                "reason": "no test fails without the gold patch"}]
    validation.write_text("".join(json.dumps(r) + "\n" for r in records))
    runner = FakeRunner({"fix": log("PASSED t.py::a")})
    rows = [row(0, f2p=(), p2p=()), row(1, f2p=(), p2p=())]
    options = EvalOptions(run_id="r1", log_root=tmp_path / "logs", report_dir=tmp_path)
    seen = []
    report = Evaluator(runner, TestLists(validation), options, on_done=seen.append).evaluate(
        rows, {"o__r-0": pred(0, "fix"), "o__r-1": pred(1, "fix")})
    assert report["resolved_ids"] == ["o__r-0"]
    assert report["not_validated_ids"] == ["o__r-1"]
    assert report["error_ids"] == []
    assert "no test fails" in seen[1].note


def test_ctrl_c_leaves_instances_cut_short_ungraded_so_a_resume_grades_them(tmp_path):
    """A run whose container the interrupt's sweep killed must not get a report (it would read as
    unresolved and a resume would skip it)."""
    import threading

    swept = threading.Event()
    runner = FakeRunner({"fast": log("PASSED t.py::a", "PASSED t.py::b"),
                         "slow": log("PASSED t.py::a", "PASSED t.py::b")})
    sweeps = []  # the first sweep is at the start; the second is the interrupt's, which kills the slow run

    def sweep(**kw):
        sweeps.append(1)
        if len(sweeps) == 2:
            swept.set()
        return []

    runner.sandbox.client.containers.list = sweep
    run = runner._run
    runner.sandbox.run_in_image = lambda req: (swept.wait(10) if req.patches[0] == "slow" else None, run(req))[1]

    def interrupt(outcome):
        raise KeyboardInterrupt

    options = EvalOptions(run_id="r1", log_root=tmp_path / "logs", report_dir=tmp_path, workers=2)
    rows, preds = [row(0), row(1)], {"o__r-0": pred(0, "fast"), "o__r-1": pred(1, "slow")}
    with pytest.raises(KeyboardInterrupt):
        Evaluator(runner, TestLists(), options, on_done=interrupt).evaluate(rows, preds)
    folder = tmp_path / "logs" / "r1" / "org__m"
    assert (folder / "o__r-0" / "report.json").is_file()  # finished before the interrupt: kept
    assert not (folder / "o__r-1" / "report.json").exists()  # cut short: no verdict
    assert runner.killed  # image builds of this process stopped too (the pool would wait for them)
    report, seen = evaluate(tmp_path, rows, preds, FakeRunner(runner.logs))
    assert seen["o__r-0"].status == "done"
    assert seen["o__r-1"].status == "resolved"
    assert report["resolved_instances"] == 2


def test_a_container_removed_under_its_run_is_an_error_not_unresolved(tmp_path):
    """Another process sweeping the same run id removed the container before its output was read: that
    output holds no verdict; graded, every test would read as failed and a resume would skip it."""
    runner = FakeRunner({"fix": f"{engine.REMOVED} its output was read]"})
    rows, preds = [row(0)], {"o__r-0": pred(0, "fix")}
    report, seen = evaluate(tmp_path, rows, preds, runner)
    assert seen["o__r-0"].status == "error"
    assert "removed" in seen["o__r-0"].note
    assert not (tmp_path / "logs" / "r1" / "org__m" / "o__r-0" / "report.json").exists()
    assert report["unresolved_ids"] == []
    runner.logs["fix"] = log("PASSED t.py::a", "PASSED t.py::b")
    report, seen = evaluate(tmp_path, rows, preds, runner)  # resume grades it again
    assert seen["o__r-0"].status == "resolved"


def test_sigterm_raises_keyboard_interrupt_inside_and_is_restored_after():
    import os
    import signal
    import time

    from swebatch.signals import sigterm_as_interrupt

    def terminate_self():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler runs at the next bytecode; without one, SIGTERM would end pytest itself

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt():
        terminate_self()
    assert signal.getsignal(signal.SIGTERM) == before
