"""The worker against the GitHub stand-in, with a stand-in solve: every way a job can end
leaves a pull request or a final comment on the issue, and never the token."""

from __future__ import annotations

import logging
import time
import uuid

import pytest

from agent.core.errors import NoVerifiedCandidate
from bot import webhooks
from bot.messages import MARKER
from bot.queue import JobQueue
from bot.triggers import Trigger, classify
from bot.worker import Worker


def enqueue(world, queue: JobQueue, event: str, payload: dict) -> int:
    found = classify(event, payload, label="capuchin", command="/capuchin fix", self_login="capuchin[bot]")
    assert isinstance(found, Trigger), found
    return queue.record(str(uuid.uuid4()), event, found, "queued")[1]


@pytest.fixture
def run_job(world):
    def run(solve_fn, event="issues", payload=None, **env):
        settings = world.settings(**env)
        queue = JobQueue(settings.bot.queue_file(), max_attempts=settings.bot.max_attempts)
        enqueue(world, queue, event, payload or webhooks.labeled(world.standin, world.repo, 1))
        assert Worker(settings, queue, solve_fn=solve_fn).run_once()
        return queue.jobs()[-1]

    return run


def bot_comments(world) -> list[str]:
    return [c["body"] for c in world.standin.comments_on(world.repo, 1) if c["user"]["login"] == "capuchin[bot]"]


def test_a_label_ends_in_a_draft_pull_request_with_the_evidence(world, run_job, solve_ok):
    main_before = world.standin.branch_head(world.repo, "main")
    job = run_job(solve_ok)
    assert (job["state"], job["outcome"]) == ("done", "pull_request")
    [pull] = world.standin.pulls_of(world.repo)
    assert pull["draft"] is True
    assert (pull["head"]["ref"], pull["base"]["ref"]) == ("capuchin/issue-1", "main")
    body = pull["body"]
    for needed in ("Fixes #1", "descstats/central.py", "(+4 −1)", "1/1 model-written reproduction tests",
                   "tests/test_repro.py::test_even", "2 sample(s)", "c01", "no code block", "1,200 prompt",
                   "20261130-120000-abcdef", "model `qwen2.5-coder-0.5b-instruct` (openai), Capuchin 0.1.0 (0123456789)"):
        assert needed in body, needed
    assert "10.0.0.5" not in body  # the model's endpoint may be internal
    assert world.standin.branch_head(world.repo, "main") == main_before
    assert world.standin.reactions[0]["content"] == "eyes"
    status, final = bot_comments(world)
    assert "▶ localize" not in status
    assert "✓ localize: 3 locations" in status
    assert world.standin.comments[job["status_comment_id"]]["edits"] >= 3
    assert f"pull request #{pull['number']}" in final
    assert all(c.startswith(MARKER) for c in bot_comments(world))


def test_a_second_trigger_updates_the_open_pull_requests_branch(world, run_job, solve_ok, solved_report):
    run_job(solve_ok)

    def solve_other(repo, issue, settings, bus, cancel):
        # Another patch: the same one again could make the same commit within the same second
        # (same tree, parent and time), and git then has nothing to push.
        report = solved_report(repo)
        other = report.patch.replace("    mid = len(values) // 2\n", "    mid = len(values) // 2  # upper middle\n")
        return report.model_copy(update={"patch": other})

    payload = webhooks.commented(world.standin, world.repo, 1, "Try again please\n/capuchin fix")
    job = run_job(solve_other, "issue_comment", payload)
    assert job["outcome"] == "pull_request"
    assert len(world.standin.pulls_of(world.repo)) == 1
    pushes = [c for c in world.standin.calls if c.method == "POST" and c.path.endswith("/git-receive-pack")]
    assert len(pushes) == 2
    assert "updated the branch" in bot_comments(world)[-1]
    assert world.standin.reactions[-1]["subject"] == ("comment", payload["comment"]["id"])


def test_no_verified_patch_ends_in_a_comment_with_the_reasons(world, run_job, solved_report):
    def solve_none(repo, issue, settings, bus, cancel):
        exc = NoVerifiedCandidate("every candidate broke the regression tests")
        exc.report = solved_report(repo).model_copy(update={"chosen": None, "patch": None})
        raise exc

    job = run_job(solve_none)
    assert (job["state"], job["outcome"]) == ("done", "no_patch")
    assert world.standin.pulls_of(world.repo) == []
    final = bot_comments(world)[-1]
    assert "no verified patch" in final
    assert "every candidate broke the regression tests" in final
    assert "| c00 |" in final


def test_an_unverified_patch_is_not_proposed(world, run_job, solved_report):
    """A solve whose sandbox could not run the repository's tests chose a patch on agreement alone:
    the bot says so in a comment instead of opening a pull request (bot.allow_unverified opts in)."""
    def solve_blind(repo, issue, settings, bus, cancel):
        return solved_report(repo).model_copy(update={"verified": False,
                                                      "environment_problem": "no test could be collected"})

    job = run_job(solve_blind)
    assert (job["state"], job["outcome"]) == ("done", "no_patch")
    assert world.standin.pulls_of(world.repo) == []
    final = bot_comments(world)[-1]
    assert "not verified" in final
    assert "no test could be collected" in final


def test_a_crash_ends_in_a_final_comment(world, run_job):
    def solve_crash(*args):
        raise RuntimeError("the sandbox caught fire")

    job = run_job(solve_crash)
    assert (job["state"], job["outcome"]) == ("failed", "crash")
    assert "the sandbox caught fire" in bot_comments(world)[-1]


def test_the_time_limit_cancels_the_run_and_says_so(world, run_job, solved_report):
    def solve_slow(repo, issue, settings, bus, cancel):
        while not cancel.cancelled:
            time.sleep(0.01)
        return solved_report(repo)

    job = run_job(solve_slow, CAPUCHIN_BOT__JOB_TIMEOUT_S="0.2")
    assert (job["state"], job["outcome"]) == ("failed", "timeout")
    assert "time limit" in bot_comments(world)[-1]
    assert world.standin.pulls_of(world.repo) == []


def test_a_clone_failure_ends_in_a_comment_and_the_token_is_nowhere(world, run_job, caplog, solve_ok):
    caplog.set_level(logging.DEBUG)
    world.standin.fail("GET", r"\.git/info/refs", status=500, times=5)
    job = run_job(solve_ok)
    assert (job["state"], job["outcome"]) == ("failed", "error")
    final = bot_comments(world)[-1]
    assert "git could not clone" in final
    everything = "\n".join([*bot_comments(world), caplog.text, str(job), *(repr(c) for c in world.standin.calls)])
    assert world.token not in everything
    assert "x-access-token" not in everything


def test_a_commenter_without_write_permission_is_ignored_quietly(world, run_job, solve_ok):
    payload = webhooks.commented(world.standin, world.repo, 1, "/capuchin fix", user="reader")
    job = run_job(solve_ok, "issue_comment", payload)
    assert (job["state"], job["outcome"]) == ("ignored", "no_permission")
    assert bot_comments(world) == []
    assert world.standin.reactions == []


def test_a_job_whose_worker_died_every_time_is_given_up_with_a_comment(world, solve_ok):
    settings = world.settings(CAPUCHIN_BOT__MAX_ATTEMPTS="1")
    queue = JobQueue(settings.bot.queue_file(), max_attempts=1)
    enqueue(world, queue, "issues", webhooks.labeled(world.standin, world.repo, 1))
    queue.claim("a-worker-that-dies", lease_s=0.01)
    time.sleep(0.05)
    assert Worker(settings, queue, solve_fn=solve_ok).run_once()
    assert queue.jobs()[0]["outcome"] == "gave_up"
    assert "given up" in bot_comments(world)[-1]


def test_a_run_whose_lease_was_taken_over_stops_without_a_word(world, run_job, solved_report):
    """The other worker owns the job now and will report; two final comments would confuse."""
    def solve_robbed(repo, issue, settings, bus, cancel):
        queue = JobQueue(settings.bot.queue_file())
        with queue._tx() as db:  # what a second worker's claim after a lapsed lease does
            db.execute("UPDATE jobs SET lease_owner = 'thief'")
        while not cancel.cancelled:
            time.sleep(0.01)
        return solved_report(repo)

    job = run_job(solve_robbed, CAPUCHIN_BOT__LEASE_S="0.2")
    assert job["state"] == "running"  # untouched: the thief will finish it
    assert [c for c in bot_comments(world) if "could not finish" in c] == []
    assert world.standin.pulls_of(world.repo) == []


def test_stopping_the_workers_puts_the_job_in_hand_back_in_the_queue(world, solved_report):
    """A restart of `capuchin bot serve` mid-job: no failure comment, the next worker runs it."""
    from bot.server import running_workers

    def solve_slow(repo, issue, settings, bus, cancel):
        while not cancel.cancelled:
            time.sleep(0.01)
        return solved_report(repo)

    settings = world.settings()
    queue = JobQueue(settings.bot.queue_file())
    enqueue(world, queue, "issues", webhooks.labeled(world.standin, world.repo, 1))
    with running_workers(settings, queue, 1, solve_fn=solve_slow):
        deadline = time.monotonic() + 60
        while not any("cloned" in c for c in bot_comments(world)):
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.02)
    [job] = queue.jobs()
    assert (job["state"], job["attempts"]) == ("queued", 0)
    assert not [c for c in bot_comments(world) if "could not finish" in c]


def test_the_job_solves_the_issue_as_it_is_now_and_skips_a_closed_one(world, run_job):
    seen = []

    def solve_record(repo, issue, settings, bus, cancel):
        seen.append(issue)
        raise RuntimeError("stop here")

    payload = webhooks.labeled(world.standin, world.repo, 1)
    world.standin.issues[(world.repo, 1)]["body"] = "Edited after labelling: median([1, 2]) should be 1.5"
    run_job(solve_record, payload=payload)
    assert "Edited after labelling" in seen[0]
    delivered = webhooks.labeled(world.standin, world.repo, 1)
    delivered["issue"] = dict(delivered["issue"], state="open")  # open when labelled...
    world.standin.issues[(world.repo, 1)]["state"] = "closed"  # ...closed before a worker got to it
    job = run_job(solve_record, payload=delivered)
    assert (job["state"], job["outcome"]) == ("ignored", "closed")
    assert len(seen) == 1
