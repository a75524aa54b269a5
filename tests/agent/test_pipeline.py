"""The solve pipeline end to end with a scripted model (``agent.testing.ScriptedModel``, an
in-process test double of the Model protocol), real retrieval, real editing and the sandbox's
local backend, on a bundled example bug."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from agent.core.cancel import CancelToken
from agent.core.config import load_settings
from agent.core.errors import Cancelled, NoVerifiedCandidate
from agent.core.events import EventBus
from agent.pipeline import Components, Pipeline
from agent.prompts import is_repro_prompt
from agent.solve import retriever_factory
from agent.testing import Reply, ScriptedModel
from sandbox import open_sandbox
from sandbox.config import SandboxConfig

BUG = Path(__file__).resolve().parents[2] / "examples" / "bugs" / "local_day_offset"

FIXED = '''### logday/buckets.py
```python
def local_day(when: datetime, utc_offset_minutes: int = 0) -> date:
    """The local calendar date of the UTC instant ``when``."""
    if when.tzinfo is None:
        raise ValueError("when must be timezone-aware")
    local = when + timedelta(minutes=utc_offset_minutes)
    return local.date()
```'''
# Same fix, different comments and docstring: must collapse into one candidate with two votes.
FIXED_REWORDED = FIXED.replace('"""The local calendar date of the UTC instant ``when``."""', "# add the offset")
# Plausible but wrong: ignores the offset entirely (fixes nothing, breaks no visible test).
WRONG = FIXED.replace("when + timedelta(minutes=utc_offset_minutes)", "when")
# Breaks an existing behaviour: no longer rejects naive datetimes... and returns a datetime.
BREAKING = FIXED.replace("    return local.date()", "    return local")
GARBAGE = "I think the problem is somewhere in the code. Good luck!"

REPRO = '''```python
from datetime import datetime, timezone
from logday.buckets import local_day


def test_late_evening_east_of_utc_is_next_day():
    when = datetime(2024, 3, 1, 23, 30, tzinfo=timezone.utc)
    assert str(local_day(when, 120)) == "2024-03-02"
```'''


def scripted(edit_answers: list[str]):
    """Edit prompts get the answers in order (cycling); reproduction prompts get REPRO."""
    counter = iter(range(10_000))

    def respond(body):
        if is_repro_prompt(body["messages"]):
            return Reply([REPRO])
        return Reply([edit_answers[next(counter) % len(edit_answers)]])

    return respond


@pytest.fixture
def bug_repo(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(BUG / "repo", repo)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "init"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    return repo


def make_solver(model: ScriptedModel, tmp_path: Path, *, samples=2, temps=(0.0, 0.8), bus=None,
                sandbox=None) -> Pipeline:
    settings = load_settings(None, {"retrieval": {"dense": False}}, environ={}, user_file=tmp_path / "none")
    config = settings.solve.model_copy(update={"samples": samples, "temperatures": list(temps), "repro_samples": 1})
    components = Components(model=model, sandbox=sandbox or open_sandbox(SandboxConfig(backend="local")),
                            retriever=retriever_factory(settings), config=config, test_timeout_s=120,
                            settings=settings.effective())
    return Pipeline(components, bus)


@pytest.mark.slow
def test_picks_the_fix_over_wrong_breaking_and_garbage(bug_repo, tmp_path):
    bus = EventBus()
    answers = [WRONG, FIXED, BREAKING, GARBAGE, FIXED_REWORDED]
    report = make_solver(ScriptedModel(scripted(answers)), tmp_path, samples=4, temps=(0.0, 0.8),
                         bus=bus).solve(bug_repo, (BUG / "issue.md").read_text())
    assert report.status == "solved"
    chosen = next(c for c in report.candidates if c.id == report.chosen)
    assert "+    local = when + timedelta(minutes=utc_offset_minutes)" in chosen.diff
    verdict = report.verdict(report.chosen)
    assert verdict.repro_passed == verdict.repro_total == 1
    fixed = [c for c in report.candidates
             if c.diff and "+    local = when + timedelta(minutes=utc" in c.diff and "+    return local\n" not in c.diff]
    assert len(fixed) >= 2  # FIXED and FIXED_REWORDED collapse into one candidate...
    assert verdict.votes == len(fixed)  # ...that carries all their votes
    # the wrong fix was kept as a candidate but does not pass the reproduction test
    wrong = next(c for c in report.candidates if c.diff and "local = when\n" in c.diff)
    assert report.verdict(wrong.id).repro_passed == 0
    # the garbage answer got one retry with feedback (and the scripted model answered WRONG then)
    retried = [c for c in report.candidates if "--- retry with feedback ---" in c.raw]
    assert len(retried) == 1
    assert retried[0].raw.startswith(GARBAGE)
    # the breaking candidate survives nowhere: it fails the regression tests that passed before
    breaking = next(c for c in report.candidates if c.diff and "+    return local\n" in c.diff)
    assert report.verdict(breaking.id).regression_ok is False
    assert report.verdict(breaking.id).broken_tests
    # the trajectory holds the evidence
    run = Path(report.trajectory_dir)
    saved = json.loads((run / "report.json").read_text())
    assert saved["chosen"] == report.chosen
    assert (run / "patch.diff").read_text() == report.patch
    assert (run / "tests" / "baseline.log").exists()
    assert {e.kind for e in bus.history} >= {"stage_started", "stage_finished", "candidate", "verdict", "result"}
    # the user's work tree is untouched and .capuchin is not reported as untracked
    status = subprocess.run(["git", "-C", str(bug_repo), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_reproduction_tests_are_asked_for_in_the_sampling_batch(bug_repo, tmp_path):
    """One model call carries the samples and the reproduction-test requests (issue #19: asked
    after sampling they cost a second prompt evaluation and their own decoding time)."""
    model = ScriptedModel(scripted([FIXED]))
    calls: list[list[bool]] = []
    complete_many = model.complete_many

    def recording(requests, **kwargs):
        calls.append([is_repro_prompt(messages) for messages, _ in requests])
        return complete_many(requests, **kwargs)

    model.complete_many = recording
    report = make_solver(model, tmp_path, samples=2, temps=(0.0, 0.8)).solve(bug_repo, (BUG / "issue.md").read_text())
    assert report.status == "solved"
    assert len(calls) == 1
    assert calls[0].count(True) == 1
    assert calls[0][-1] is True
    assert len(report.candidates) == len(calls[0]) - 1  # the test is no candidate
    assert report.verdict(report.chosen).repro_passed == 1


def test_candidates_are_announced_as_their_answers_arrive(bug_repo, tmp_path):
    bad_name = FIXED.replace("def local_day(", "def locl_day(")
    model = ScriptedModel(scripted([WRONG, bad_name, FIXED, FIXED]))
    bus, seen = EventBus(), []
    bus.subscribe(lambda e: seen.append((e.data["id"], len(model.requests), e.data["retried"]))
                  if e.kind == "candidate" else None)
    make_solver(model, tmp_path, samples=3, temps=(0.8,), bus=bus).solve(bug_repo, (BUG / "issue.md").read_text())
    # each candidate is on the bus right after its own answer, before the next request is made
    assert seen[:3] == [("c00", 1, False), ("c01", 2, False), ("c02", 3, False)]
    # the failed edit is retried and announced again under its id
    assert seen[3][0] == "c01"
    assert seen[3][2] is True
    progress = [e.data["done"] for e in bus.history if e.kind == "progress" and e.stage == "sample"]
    assert progress == [0, 1, 2, 3]


@pytest.mark.slow
def test_no_verified_candidate_carries_the_report(bug_repo, tmp_path):
    with pytest.raises(NoVerifiedCandidate) as info:
        make_solver(ScriptedModel(scripted([GARBAGE])), tmp_path).solve(bug_repo, "Dates are wrong near midnight.")
    report = info.value.report
    assert report.status == "no_candidate"
    assert report.candidates
    assert all(c.diff is None for c in report.candidates)
    assert Path(report.trajectory_dir, "report.json").exists()


@pytest.mark.slow
def test_failed_edit_gets_one_retry_with_feedback(bug_repo, tmp_path):
    bad_name = FIXED.replace("def local_day(", "def locl_day(")
    model = ScriptedModel(scripted([bad_name, FIXED]))
    report = make_solver(model, tmp_path, samples=1, temps=(0.0,)).solve(bug_repo, (BUG / "issue.md").read_text())
    retry = [r for r in model.requests if len(r["messages"]) == 4]
    assert report.status == "solved"
    assert retry, "the failed edit was not retried"
    assert "local_day" in retry[0]["messages"][3]["content"]  # the feedback names the nearest real definition
    # one greedy sample per focus, best-located first; a retried sample keeps its focus and place
    assert len(report.candidates) > 1
    assert [c.focus_rank for c in report.candidates] == list(range(len(report.candidates)))
    assert all(c.focus for c in report.candidates)


@pytest.mark.parametrize("stages", [False, True])
def test_localiser_gets_the_model_only_when_llm_stages_are_on(bug_repo, tmp_path, stages):
    settings = load_settings(None, {"retrieval": {"dense": False, "llm_stages": stages}}, environ={},
                             user_file=tmp_path / "none")
    model = ScriptedModel([])
    localizer = retriever_factory(settings, model)(bug_repo, EventBus())
    assert (localizer.model is model) is stages


def test_report_records_model_config_build_and_seeds(bug_repo, tmp_path):
    with pytest.raises(NoVerifiedCandidate) as info:
        make_solver(ScriptedModel(scripted([GARBAGE])), tmp_path, samples=1, temps=(0.0,)).solve(
            bug_repo, "Dates are wrong near midnight.")
    saved = json.loads(Path(info.value.report.trajectory_dir, "report.json").read_text())
    assert saved["model"] == {"name": "scripted", "backend": "scripted", "endpoint": None}
    assert saved["config"]["solve"]["temperatures"] == [0.0]
    assert saved["config"]["retrieval"]["dense"] is False
    assert set(saved["config"]) >= {"llm", "embedded", "retrieval", "sandbox", "solve"}
    assert saved["capuchin"]["version"]
    assert saved["seeds"]
    assert all(isinstance(s, int) for s in saved["seeds"])


def _cancel_later(token: CancelToken, when: threading.Event, after_s: float = 0.2) -> threading.Thread:
    def run():
        when.wait(30)
        time.sleep(after_s)
        token.cancel("test")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_cancel_during_sampling_stops_model_calls_and_saves_the_trajectory(bug_repo, tmp_path):
    """The scripted model takes 60 s per answer; cancelling must cut the wait short."""
    asked = threading.Event()

    def slow(body):
        asked.set()
        return Reply([FIXED])

    model = ScriptedModel(slow, delay_s=60.0)
    token = CancelToken()
    _cancel_later(token, asked)
    bus = EventBus()
    with pytest.raises(Cancelled) as info:
        make_solver(model, tmp_path, samples=4, temps=(0.0, 0.8), bus=bus).solve(
            bug_repo, (BUG / "issue.md").read_text(), cancel=token)
    report = info.value.report
    assert report.status == "cancelled"
    assert report.seconds < 60  # the 60 s answer was abandoned, not waited for
    assert len(model.requests) == 1  # no model call after the cancellation
    saved = json.loads(Path(report.trajectory_dir, "report.json").read_text())
    assert saved["status"] == "cancelled"
    assert bus.history[-1].kind == "result"
    assert bus.history[-1].data["status"] == "cancelled"


class BlockingSandbox:
    """A Sandbox double whose runs block until cancelled (stands in for a long test run)."""

    def __init__(self):
        self.started = threading.Event()
        self.killed = 0

    def run(self, repo, *, patch=None, tests=(), timeout_s=None, cancel=None):
        self.started.set()
        stopped = threading.Event()
        cancel.on_cancel(stopped.set)
        if stopped.wait(60):
            self.killed += 1
        from agent.core.types import TestResult

        return TestResult(applied=True, error="killed")


def test_cancel_during_verification_kills_the_run_in_flight(bug_repo, tmp_path):
    sandbox = BlockingSandbox()
    token = CancelToken()
    _cancel_later(token, sandbox.started)
    with pytest.raises(Cancelled) as info:
        make_solver(ScriptedModel(scripted([FIXED])), tmp_path, samples=1, temps=(0.0,), sandbox=sandbox).solve(
            bug_repo, (BUG / "issue.md").read_text(), cancel=token)
    assert info.value.report.status == "cancelled"
    assert info.value.report.stage_seconds.get("sample") is not None  # it got as far as verification
    assert sandbox.killed == 1


class BlindSandbox:
    """A sandbox that collects no test at all (Flask's examples conftest, issue #18)."""

    def __init__(self):
        self.runs = 0

    def run(self, repo, *, patch=None, tests=(), timeout_s=None, cancel=None):
        from agent.core.types import TestResult

        self.runs += 1
        return TestResult(applied=True, exit_code=4, output="ImportError while loading conftest "
                          "'/testbed/tests/conftest.py'.\nE   ModuleNotFoundError: No module named 'js_example'\n")


def test_a_sandbox_that_runs_no_test_is_an_environment_problem_not_the_candidates(bug_repo, tmp_path):
    sandbox = BlindSandbox()
    report = make_solver(ScriptedModel(scripted([FIXED, WRONG])), tmp_path, sandbox=sandbox).solve(
        bug_repo, (BUG / "issue.md").read_text())
    assert sandbox.runs == 1  # the baseline; no candidate is run on a blind sandbox
    assert report.environment_problem.startswith("no test ran")
    assert "tests/conftest.py" in report.environment_problem
    assert report.status == "solved"
    assert not report.verified
    assert all(v.applies and v.tests_ran is False for v in report.verdicts)
