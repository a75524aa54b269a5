"""The durable queue: idempotent deliveries, unique jobs, leases and their expiry."""

from __future__ import annotations

import time

from bot.queue import JobQueue
from bot.triggers import Trigger


def trigger(issue: int = 1, key: str = "label") -> Trigger:
    return Trigger(repo="o/r", issue=issue, key=key, actor="a", title="t", body="b",
                   clone_url="https://github.com/o/r.git", default_branch="main")


def test_a_delivery_guid_counts_once(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    assert queue.record("g1", "issues", trigger(), "queued") == ("queued", 1)
    assert queue.record("g1", "issues", trigger(), "queued") == ("duplicate", None)
    assert queue.job_counts()["queued"] == 1
    assert len(queue.deliveries()) == 1


def test_a_repeated_trigger_joins_the_open_job_and_requeues_an_ended_one(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    assert queue.record("g1", "issues", trigger(), "queued")[0] == "queued"
    assert queue.record("g2", "issues", trigger(), "queued")[0] == "joined"
    job = queue.claim("w", lease_s=60)
    assert queue.finish(job, "done", "pull_request")
    assert queue.record("g3", "issues", trigger(), "queued") == ("requeued", job.id)
    assert queue.job_counts()["queued"] == 1
    assert len(queue.jobs()) == 1


def test_the_queue_survives_a_reopen(tmp_path):
    JobQueue(tmp_path / "q.sqlite3").record("g1", "issues", trigger(), "queued")
    job = JobQueue(tmp_path / "q.sqlite3").claim("w", lease_s=60)
    assert job is not None
    assert job.trigger == trigger()


def test_only_one_job_per_issue_runs_at_a_time(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    queue.record("g1", "issues", trigger(1), "queued")
    queue.record("g2", "issue_comment", trigger(1, "comment:5"), "queued")
    queue.record("g3", "issues", trigger(2), "queued")
    first = queue.claim("w1", lease_s=60)
    second = queue.claim("w2", lease_s=60)
    assert (first.issue, second.issue) == (1, 2)  # the comment job on issue 1 waits
    assert queue.claim("w3", lease_s=60) is None
    queue.finish(first, "done", "pull_request")
    assert queue.claim("w3", lease_s=60).trigger.key == "comment:5"


def test_a_lapsed_lease_is_claimed_again_and_the_old_owner_cannot_finish(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    queue.record("g1", "issues", trigger(), "queued")
    dead = queue.claim("dead", lease_s=0.05)
    assert queue.claim("other", lease_s=60) is None
    time.sleep(0.1)
    retry = queue.claim("other", lease_s=60)
    assert retry.id == dead.id
    assert retry.attempts == 2
    assert not queue.renew(dead, 60)
    assert not queue.finish(dead, "done", "pull_request")
    assert queue.finish(retry, "done", "pull_request")
    assert queue.job_counts()["done"] == 1


def test_old_delivery_ids_are_forgotten_and_jobs_kept(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    queue.record("old", "issues", trigger(1), "queued")
    queue.record("new", "issues", trigger(2), "queued")
    with queue._tx() as db:
        db.execute("UPDATE deliveries SET received = received - 40 * 86400 WHERE guid = 'old'")
    assert queue.prune_deliveries(30 * 86400) == 1
    assert [d["guid"] for d in queue.deliveries()] == ["new"]
    assert len(queue.jobs()) == 2
