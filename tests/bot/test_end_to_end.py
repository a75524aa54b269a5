"""The bot's reliability end to end: signed deliveries over HTTP to the real receiver, the queue
on disk, workers in-process and in killed or stopped subprocesses, the real commands, and the
GitHub stand-in. (The whole path with the real ``solve`` is tests/bot/test_demo.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from bot import webhooks
from bot.receiver import create_app
from bot.server import open_queue, receiver_in_thread
from bot.triggers import classify
from bot.worker import Worker

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, what: str, limit_s: float = 120.0):
    """Poll until ``predicate()`` holds (a bound on waiting, not a speed assertion)."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_a_restart_between_delivery_and_pickup_loses_nothing(world, solve_ok):
    settings = world.settings()
    queue = open_queue(settings.bot)
    with receiver_in_thread(create_app(settings.bot, queue, world.secret.encode())) as url:  # no workers
        assert webhooks.deliver(f"{url}/webhook", world.secret.encode(), "issues",
                                webhooks.labeled(world.standin, world.repo, 1)).status_code == 202
    queue.close()
    reopened = open_queue(settings.bot)
    assert reopened.job_counts()["queued"] == 1
    assert Worker(settings, reopened, solve_fn=solve_ok).run_once()
    assert [j["outcome"] for j in reopened.jobs()] == ["pull_request"]
    assert len(world.standin.pulls_of(world.repo)) == 1


DYING_WORKER = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from agent.core.config import load_settings
    from bot.server import work

    def solve_until_cancelled(repo, issue, settings, bus, cancel):
        bus.emit("stage_started", "localize", "finding the code")
        Path(sys.argv[1]).write_text("solving")
        cancel.wait(3600)
        cancel.check()

    work(load_settings(None), once=True, solve_fn=solve_until_cancelled)
''')


def start_worker(world, tmp_path, **env):
    """`capuchin bot worker --once` in its own process, with a solve that runs until cancelled."""
    script, started = tmp_path / "dying_worker.py", tmp_path / "started"
    script.write_text(DYING_WORKER)
    full_env = {**os.environ, **world.environ(**env), "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen([sys.executable, str(script), str(started)], env=full_env)
    wait_for(lambda: started.exists() or worker.poll() is not None, "the worker to start solving")
    assert worker.poll() is None
    return worker


def test_sigterm_puts_the_workers_job_back_in_the_queue_without_a_comment(world, tmp_path):
    settings = world.settings()
    queue = open_queue(settings.bot)
    queue.record("guid-1", "issues", classify("issues", webhooks.labeled(world.standin, world.repo, 1),
                                              label="capuchin", command="/capuchin fix", self_login="capuchin[bot]"),
                 "queued")
    worker = start_worker(world, tmp_path)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    [job] = queue.jobs()
    assert (job["state"], job["attempts"]) == ("queued", 0)
    assert not [c for c in world.standin.comments_on(world.repo, 1) if "could not finish" in c["body"]]


def test_a_worker_killed_mid_job_is_retried_after_its_lease_and_one_pr_results(world, tmp_path, solve_ok):
    settings = world.settings(CAPUCHIN_BOT__LEASE_S="1.0")
    queue = open_queue(settings.bot)
    with receiver_in_thread(create_app(settings.bot, queue, world.secret.encode())) as url:
        webhooks.deliver(f"{url}/webhook", world.secret.encode(), "issues", webhooks.labeled(world.standin, world.repo, 1))
    worker = start_worker(world, tmp_path, CAPUCHIN_BOT__LEASE_S="1.0")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    survivor = Worker(settings, queue, solve_fn=solve_ok)
    assert not survivor.run_once()  # the dead worker's lease is still live: nobody may take the job yet
    wait_for(lambda: survivor.run_once(), "the lease to lapse and the job to be retried")
    [job] = queue.jobs()
    assert (job["state"], job["outcome"], job["attempts"]) == ("done", "pull_request", 2)
    assert len(world.standin.pulls_of(world.repo)) == 1
    # the retry reused the first attempt's status comment and did not react twice
    bot_comments = [c for c in world.standin.comments_on(world.repo, 1) if c["user"]["login"] == "capuchin[bot]"]
    assert len(bot_comments) == 2
    assert "attempt 2" in world.standin.comments[job["status_comment_id"]]["body"]
    assert len(world.standin.reactions) == 1


def test_a_worker_that_died_after_opening_the_pr_leaves_one_pr_after_the_retry(world, solve_ok):
    """The retry finds the open pull request from capuchin/issue-N and updates it."""
    settings = world.settings(CAPUCHIN_BOT__LEASE_S="0.05")
    queue = open_queue(settings.bot)
    trigger = classify("issues", webhooks.labeled(world.standin, world.repo, 1), label="capuchin",
                       command="/capuchin fix", self_login="capuchin[bot]")
    queue.record("guid-1", "issues", trigger, "queued")
    assert Worker(settings, queue, solve_fn=solve_ok).run_once()
    with queue._tx() as db:  # as if the worker died between opening the PR and recording it
        db.execute("UPDATE jobs SET state = 'running', lease_owner = 'dead', lease_expires = 0, finished = NULL")
    assert Worker(settings, queue, solve_fn=solve_ok).run_once()
    assert len(world.standin.pulls_of(world.repo)) == 1
    assert queue.jobs()[0]["state"] == "done"


def test_capuchin_bot_serve_receives_and_stops_cleanly(world, tmp_path):
    """The real command in its own process: healthz, a queued delivery, SIGTERM, the queue intact."""
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **world.environ(), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "agent.cli", "bot", "serve", "--workers", "0", "--port", str(port)],
                              env=env, stderr=subprocess.PIPE, text=True)
    try:
        def up() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read()
                return False

        wait_for(up, "the receiver to start")
        response = webhooks.deliver(f"http://127.0.0.1:{port}/webhook", world.secret.encode(), "issues",
                                    webhooks.labeled(world.standin, world.repo, 1))
        assert response.status_code == 202
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert world.token not in err
    assert world.secret not in err
    assert open_queue(world.settings().bot).job_counts()["queued"] == 1
