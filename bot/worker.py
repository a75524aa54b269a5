"""The worker: claims jobs from the queue and runs each as one ``JobRun``.

A run reacts 👀 to the trigger, keeps one status comment up to date from the pipeline's events,
clones the repository (``bot.gitops``), runs the same ``solve`` as the CLI, and ends with a
draft pull request from ``capuchin/issue-<N>`` or a comment saying why not. Every way a run can
end, the issue hears about it: no verified patch, the time limit, a clone or push failure, a
crash, and a job given up after its worker died ``max_attempts`` times.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.core.cancel import CancelToken
from agent.core.config import Settings
from agent.core.errors import Cancelled, CapuchinError, NoVerifiedCandidate
from agent.core.events import Event, EventBus
from bot import messages
from bot.github import GitHubAPI, GitHubError, TokenSource
from bot.gitops import GitSession, redact
from bot.queue import Job, JobQueue

log = logging.getLogger("capuchin.bot")
WRITE_LEVELS = ("admin", "maintain", "write")

SolveFn = Callable[[Path, str, Settings, EventBus, CancelToken], Any]
"""(repo, issue text, settings, bus, cancel token) -> SolveReport; raises NoVerifiedCandidate."""


def default_solve(repo: Path, issue: str, settings: Settings, bus: EventBus, cancel: CancelToken) -> Any:
    """``agent.solve.solve``, the CLI's own, with the job's cancel token."""
    from agent.solve import solve

    return solve(repo, issue, settings, bus, cancel=cancel)


class Heartbeat:
    """Renews a job's lease every lease_s/4; ``on_lost`` runs if another worker took it over."""

    def __init__(self, queue: JobQueue, job: Job, lease_s: float, on_lost: Callable[[], None]):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(queue, job, lease_s, on_lost), daemon=True)

    def _beat(self, queue: JobQueue, job: Job, lease_s: float, on_lost: Callable[[], None]) -> None:
        while not self._stop.wait(lease_s / 4):
            if not queue.renew(job, lease_s):
                on_lost()
                return

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class JobRun:
    """One attempt at one job; ``run`` returns (state, outcome, detail) for the queue."""

    def __init__(self, worker: Worker, job: Job, cancel: CancelToken):
        self.worker, self.job, self.cancel = worker, job, cancel
        self.lease_lost = threading.Event()
        """Set when another worker took the job over: this run then stops without a word."""
        self.config = worker.settings.bot
        self.tokens = TokenSource(self.config, job.trigger.installation_id)
        self.api = GitHubAPI(self.config, self.tokens, job.repo)
        t = job.trigger
        self.issue_text = f"{t.title}\n\n{t.body}".strip()
        self.status = messages.StatusLines("Capuchin is working on this issue",
                                           f"job {job.id}, attempt {job.attempts}, asked by @{t.actor}")

    def run(self) -> tuple[str, str, str]:
        t = self.job.trigger
        if self.job.attempts > self.worker.queue.max_attempts:
            return self._fail("gave_up", f"the worker stopped during each of its {self.job.attempts - 1} attempts",
                              "the job was given up; add the label again or comment the command to retry")
        if t.comment_id is not None:
            level = self.api.permission(t.actor)
            if level not in WRITE_LEVELS:
                return "ignored", "no_permission", f"{t.actor} has {level!r} permission"
        # The issue as it is now, not as the delivery showed it: it may have been edited or closed since.
        issue = self.api.issue(t.issue)
        if issue.get("state", "open") != "open":
            return "ignored", "closed", "the issue was closed before the job started"
        self.issue_text = f"{issue.get('title') or t.title}\n\n{issue.get('body') or ''}".strip()
        if self.job.attempts == 1:
            self._quietly("react", lambda: self.api.react(t.issue, t.comment_id, "eyes"))
        self._status("start", "queued job picked up")
        try:
            return self._solve_and_deliver()
        except NoVerifiedCandidate as exc:
            self._final(messages.no_patch_comment(exc.message, exc.report), "no verified patch")
            return "done", "no_patch", exc.message
        except Cancelled as exc:
            if self.lease_lost.is_set():  # the job is another worker's now: it will do the talking
                return "failed", "lease_lost", exc.message
            if self.worker.stopping.is_set():  # back to the queue for the next worker, no comment
                return "queued", "released", exc.message
            return self._fail("timeout", "it ran past its time limit", exc.message)
        except CapuchinError as exc:
            return self._fail("error", exc.message.split(":")[0], exc.message)
        except Exception as exc:  # a crash must still end with a comment, never a silent job
            log.exception("job %s crashed", self.job.id)
            return self._fail("crash", "it crashed", f"{type(exc).__name__}: {exc}")

    def _solve_and_deliver(self) -> tuple[str, str, str]:
        t = self.job.trigger
        workdir = self.worker.work_root / f"{t.repo.replace('/', '__')}-{t.issue}-job{self.job.id}"
        shutil.rmtree(workdir, ignore_errors=True)
        git = GitSession(workdir, t.clone_url, self.tokens.token)
        self._status("clone", f"cloning {t.repo} ({t.default_branch})")
        git.clone(t.default_branch)
        self._status("clone", f"✓ cloned {t.repo} at {git.run('rev-parse', '--short', 'HEAD').strip()}")
        bus = EventBus()
        bus.subscribe(self._on_event)
        try:
            report = self.worker.solve_fn(workdir, self.issue_text, self.worker.settings, bus, self.cancel)
            self.cancel.check()  # a solve that returned despite the token is still past its limit
            if not report.verified and not self.config.allow_unverified:
                reason = ("no test ran with the chosen patch, so it is not verified: "
                          f"{report.environment_problem or 'the sandbox ran no test'}")
                self._final(messages.no_patch_comment(reason, report), "no verified patch")
                return "done", "no_patch", reason
            pull, updated = self._deliver(git, report)
        finally:
            self.worker.keep_trajectory(workdir)
            shutil.rmtree(workdir, ignore_errors=True)
        self._final(messages.pull_comment(pull, updated), f"draft pull request #{pull['number']}")
        return "done", "pull_request", f"#{pull['number']}"

    def _deliver(self, git: GitSession, report: Any) -> tuple[dict[str, Any], bool]:
        t = self.job.trigger
        branch = messages.branch_name(t.issue)
        self._status("push", f"pushing {branch}")
        git.commit(branch, report.patch, f"Fix #{t.issue}: {t.title[:60]}\n\nPatch chosen and verified by Capuchin "
                                         f"(run {report.run_id}).")
        git.push(branch, t.default_branch)
        self._status("push", f"✓ pushed {branch}")
        body = messages.pull_body(t.issue, report)
        existing = self.api.open_pull(branch)
        if existing is not None:
            return self.api.update_pull(existing["number"], body), True
        return self.api.create_pull(branch=branch, base=t.default_branch, title=f"Fix #{t.issue}: {t.title[:80]}",
                                    body=body), False

    def _on_event(self, event: Event) -> None:
        message = " ".join(event.message.split())[:200]  # one list item: no newlines
        line = f"{event.stage}: {message}" if message else event.stage
        if event.kind == "stage_started":
            self._status(event.stage, f"▶ {line}")
        elif event.kind == "stage_finished":
            self._status(event.stage, f"✓ {line}")

    def _status(self, stage: str, line: str) -> None:
        self.status.update(stage, self._redact(line))
        self._quietly("update the status comment", self._write_status)

    def _write_status(self) -> None:
        body = self.status.render()
        if self.job.status_comment_id is None:
            self.worker.queue.set_status_comment(self.job, self.api.comment(self.job.issue, body))
        else:
            self.api.edit_comment(self.job.status_comment_id, body)

    def _fail(self, outcome: str, what: str, detail: str) -> tuple[str, str, str]:
        detail = self._redact(detail)
        self._final(messages.failure_comment(what, detail), f"stopped: {what}")
        return "failed", outcome, detail

    def _final(self, body: str, summary: str) -> None:
        self.status.header = "Capuchin has finished with this issue"
        self.status.update("end", f"**{summary}**")
        self._quietly("update the status comment", self._write_status)
        self.api.comment(self.job.issue, self._redact(body))

    def _redact(self, text: str) -> str:
        try:
            return redact(text, self.tokens.token())
        except CapuchinError:
            return text

    def _quietly(self, what: str, fn: Callable[[], Any]) -> None:
        """For courtesy calls (reaction, status edits): their failure must not fail the job."""
        try:
            fn()
        except GitHubError as exc:
            log.warning("job %s: could not %s: %s", self.job.id, what, exc.message)


class Worker:
    """Claims and runs jobs one at a time."""

    def __init__(self, settings: Settings, queue: JobQueue, *, solve_fn: SolveFn = default_solve,
                 name: str | None = None):
        self.settings, self.queue, self.solve_fn = settings, queue, solve_fn
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.work_root = settings.bot.work_root()
        self.stopping = threading.Event()
        self._running: CancelToken | None = None
        self._pruned_at = float("-inf")

    def stop(self) -> None:
        """Stop soon: the job in hand is cancelled and goes back to the queue (no comment)."""
        self.stopping.set()
        running = self._running
        if running is not None:
            running.cancel("the worker is shutting down")

    def run_once(self) -> bool:
        """Claim and run one job; False when there was none."""
        config = self.settings.bot
        job = self.queue.claim(self.name, config.lease_s)
        if job is None:
            return False
        cancel = self._running = CancelToken()
        if self.stopping.is_set():
            cancel.cancel("the worker is shutting down")
        timer = threading.Timer(config.job_timeout_s, cancel.cancel,
                                args=(f"the job's time limit of {config.job_timeout_s:.0f} s",))
        timer.daemon = True
        log.info("job %s: %s#%s (%s), attempt %s", job.id, job.repo, job.issue, job.trigger.key, job.attempts)
        try:
            run = JobRun(self, job, cancel)
        except CapuchinError as exc:  # no usable credentials: nothing can be said on the issue
            self.queue.finish(job, "failed", "unreported", exc.message)
            log.error("job %s: %s", job.id, exc.message)
            return True

        def lost() -> None:
            run.lease_lost.set()
            cancel.cancel("another worker took the job over")

        with Heartbeat(self.queue, job, config.lease_s, lost):
            timer.start()
            try:
                state, outcome, detail = run.run()
            except CapuchinError as exc:  # even the final comment failed (GitHub down): keep the reason
                state, outcome, detail = "failed", "unreported", exc.message
            finally:
                timer.cancel()
                self._running = None
        if state == "queued":
            self.queue.release(job)
        elif not self.queue.finish(job, state, outcome, detail):
            log.warning("job %s: lease lost before the end; another worker owns it now", job.id)
        log.info("job %s: %s (%s) %s", job.id, state, outcome, detail)
        return True

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set() and not self.stopping.is_set():
            try:
                busy = self.run_once()
            except Exception:  # e.g. the queue file briefly unavailable: keep the worker alive
                log.exception("worker %s: error outside any job", self.name)
                busy = False
            if not busy:
                self._prune_now_and_then()
                stop.wait(self.settings.bot.poll_s)

    def _prune_now_and_then(self) -> None:
        """Forget old delivery ids, at most once an hour, while idle."""
        if time.monotonic() - self._pruned_at > 3600:
            self._pruned_at = time.monotonic()
            self.queue.prune_deliveries(self.settings.bot.delivery_retention_days * 86400)

    def keep_trajectory(self, workdir: Path) -> None:
        """Copy the run's evidence out of the clone before it is deleted."""
        runs = workdir / ".capuchin" / "runs"
        for run in runs.iterdir() if runs.is_dir() else []:
            shutil.copytree(run, self.work_root.parent / "runs" / run.name, dirs_exist_ok=True)
