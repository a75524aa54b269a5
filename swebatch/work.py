"""One instance of a batch run: a cheap checkout at ``base_commit``, Capuchin's solve, a record.

The work object is plain data (settings, the model endpoint the driver resolved, the model name),
so it pickles to a process or a Ray worker; anything live (the Docker client) is made lazily
where it runs. It never writes the completion record: it returns it, and the driver writes.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from agent.core.cancel import CancelToken
from agent.core.errors import (
    AuthenticationFailed,
    Cancelled,
    EndpointUnreachable,
    InputError,
    NoVerifiedCandidate,
    SandboxError,
)
from swebatch.records import Record

# Failures of the machinery, not of Capuchin or the model: never counted as the model's failure.
INFRA_ERRORS: tuple[type[BaseException], ...] = (EndpointUnreachable, AuthenticationFailed, SandboxError)


class InstanceWork(Protocol):
    """Solve one dataset row in ``folder`` (its artifacts go there) and say how it ended."""

    def __call__(self, row: dict, folder: Path, cancel: CancelToken) -> Record: ...


def classify(exc: BaseException) -> str:
    """'infra_error' for the machinery (endpoint, Docker, image builds, a full disk), else 'agent_error'."""
    if isinstance(exc, INFRA_ERRORS):
        return "infra_error"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "infra_error"
    if "429" in str(exc) or "rate limit" in str(exc).lower():  # still throttled after the client's retries
        return "infra_error"
    return "agent_error"


def checkout(row: dict, repos: Path, into: Path) -> Path:
    """A work tree of the instance's repository at ``base_commit``, sharing the cached history's objects."""
    from sandbox.swebench_specs import mirror_of

    mirror = mirror_of(row["repo"], repos)
    target = into / "repo"
    for args in (["clone", "-q", "--shared", "--no-checkout", str(mirror), str(target)],
                 ["-C", str(target), "checkout", "-q", "--detach", row["base_commit"]]):
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise InputError(f"cannot check out {row['repo']}@{row['base_commit'][:12]}: "
                             f"{done.stderr.strip()[-300:]}")
    return target


class CapuchinWork:
    """The real thing: ``agent``'s solve on a checkout, verified in the instance's sandbox image.

    ``sandbox``: ``(row, checkout) -> Sandbox`` instead of the instance image (module-level, so it
    pickles): 'repo' mode passes the generic sandbox of ``sandbox.backend``, tests a fast stub.
    ``model``: ``() -> Model`` instead of a client of ``endpoint`` (tests: a scripted model).
    """

    def __init__(self, settings: Any, endpoint: tuple[Any, str | None] | None, model_name: str,
                 sandbox: Callable[[dict, Path], Any] | None = None, model: Callable[[], Any] | None = None):
        self.settings = settings
        self.endpoint = endpoint
        """(LLMConfig, base_url) of a model server the driver already started or checked."""
        self.model_name = model_name
        self.sandbox = sandbox
        self.model = model
        self._sandbox: Any = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("_sandbox", "_lock")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _sandbox=None, _lock=threading.Lock())

    def docker(self) -> Any:
        """One Docker sandbox per process: its semaphore caps sandbox runs across instances."""
        with self._lock:
            if self._sandbox is None:
                from sandbox.docker_backend import DockerSandbox

                self._sandbox = DockerSandbox(self.settings.sandbox)
            return self._sandbox

    def interrupt(self) -> None:
        """Ctrl-C: remove this process's test containers, so the solves in flight end at once."""
        if self._sandbox is not None:
            self._sandbox.kill_running()

    def __call__(self, row: dict, folder: Path, cancel: CancelToken) -> Record:
        start = time.monotonic()
        base = Record(instance_id=row["instance_id"], status="agent_error", model_name_or_path=self.model_name)
        folder.mkdir(parents=True, exist_ok=True)
        report = None
        for stale in folder.glob(".checkout-*"):  # left by a killed run
            shutil.rmtree(stale, ignore_errors=True)
        try:
            # on the run's disk (checked against the floor), not a possibly small /tmp
            with tempfile.TemporaryDirectory(prefix=".checkout-", dir=folder) as tmp:
                from sandbox.swebench_specs import repos_dir

                repo = checkout(row, repos_dir(self.settings.sandbox), Path(tmp))
                try:
                    report = self._solve(row, repo, cancel)
                    status, error = "solved", None
                except NoVerifiedCandidate as exc:
                    report, status, error = exc.report, "no_candidate", exc.message
                except Cancelled as exc:  # Ctrl-C or the instance's time limit: the driver records which
                    report, status, error = exc.report, "interrupted", exc.message
                finally:
                    _keep_trajectory(report, folder)
        except Exception as exc:  # the record says what broke; the batch goes on
            status, error = classify(exc), f"{type(exc).__name__}: {exc}"[-2000:]
        return _record(base, report, status, error, time.monotonic() - start, folder)

    def _solve(self, row: dict, repo: Path, cancel: CancelToken):
        from agent.core.events import EventBus
        from agent.llm import LLMClient
        from agent.solve import solve
        from sandbox.swebench import InstanceRunner, InstanceSandbox

        if self.model is not None:
            model = self.model()
        else:
            config, base_url = self.endpoint
            model = LLMClient(config, base_url=base_url)  # its own usage: tokens per instance
        if self.sandbox is not None:
            sandbox = self.sandbox(row, repo)
        else:
            sandbox = InstanceSandbox(InstanceRunner(self.docker(), timeout_s=self.settings.sandbox.timeout_s), row)
        return solve(repo, row["problem_statement"], self.settings, EventBus(), cancel=cancel, model=model,
                     sandbox=sandbox)


def _keep_trajectory(report: Any, folder: Path) -> None:
    """Move the run's trajectory out of the checkout (which is deleted) into the instance folder."""
    if report is None or not report.trajectory_dir or not Path(report.trajectory_dir).is_dir():
        return
    target = folder / "trajectory"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(report.trajectory_dir, target)
    report.trajectory_dir = str(target)


def _record(base: Record, report: Any, status: str, error: str | None, seconds: float, folder: Path) -> Record:
    update: dict[str, Any] = {"status": status, "error": error, "seconds": round(seconds, 2), "finished": time.time()}
    if report is not None:
        usage = report.usage or {}
        update |= {"model_patch": report.patch or "", "prompt_tokens": usage.get("prompt_tokens", 0),
                   "completion_tokens": usage.get("completion_tokens", 0), "cost_usd": usage.get("cost_usd", 0.0),
                   "candidates": candidates_of(report)}
        (folder / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
        if report.patch:
            (folder / "patch.diff").write_text(report.patch, encoding="utf-8")
    return base.model_copy(update=update)


def candidates_of(report: Any) -> list[dict[str, Any]]:
    """Every sample, with the distinct diff it stands for and whether it was chosen (for coverage@k)."""
    verdicts = {v.candidate_id: v for v in report.verdicts}
    owner = {c.id: c.id for c in report.candidates} | {d: c.id for c in report.candidates for d in c.duplicates}
    diffs = {c.id: c.diff for c in report.candidates}
    out = []
    for c in report.candidates:
        rep = owner.get(c.id, c.id)
        verdict = verdicts.get(rep)
        out.append({"id": c.id, "representative": rep, "diff": diffs.get(rep), "temperature": c.temperature,
                    "verified": bool(verdict and verdict.applies and verdict.tests_ran
                                     and verdict.regression_ok is not False),
                    "chosen": rep == report.chosen})
    return out


class RepoSandbox:
    """``CapuchinWork.sandbox`` for repositories without a SWE-bench spec: the generic sandbox of
    ``sandbox.backend`` on the checkout itself (its environment guessed from its dependency files)."""

    def __init__(self, config: Any):
        self.config = config

    def __call__(self, row: dict, repo: Path) -> Any:
        from sandbox import open_sandbox

        return open_sandbox(self.config)
