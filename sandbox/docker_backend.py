"""The Docker backend: a fresh container per run, no network, limits, a timeout that kills it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agent.core.cancel import CancelToken
from agent.core.events import EventBus, null_bus
from agent.core.types import TestResult
from sandbox import engine, runscript
from sandbox.config import SandboxConfig
from sandbox.images import ImageBuilder
from sandbox.infer import local_spec
from sandbox.labels import LABEL, container_labels, owner_alive
from sandbox.specs import EnvSpec
from sandbox.worktree import check_repo, worktree_tar

RUN_DIR = "/capuchin"


GO = "go"
"""The file whose arrival lets a warm container's waiting loop run the script (copied in last)."""


class Warm:
    """A started container waiting for its run's files (``DockerSandbox.start_warm``). Docker takes
    0.5-1 s to start a container on a busy machine; started while the previous instance's tests run,
    that time leaves the grading path. Used at most once; an unused one is removed by ``discard``."""

    def __init__(self, container: Any):
        self._container: Any | None = container
        self._lock = threading.Lock()

    def take(self) -> Any | None:
        with self._lock:
            c, self._container = self._container, None
            return c

    def discard(self) -> None:
        c = self.take()
        if c is not None:
            engine._remove(c)


def _waiting_command(timeout: float, max_wait_s: int = 3600) -> list[str]:
    """Wait (no busy loop: ``read -t`` on the open stdin sleeps) for the go file, then run the script
    under the same hard limit as a fresh container; give up after ``max_wait_s`` if never used."""
    loop = (f"until [ -e {RUN_DIR}/{GO} ] || [ $SECONDS -ge {max_wait_s} ]; do "
            "read -t 0.05 _ || [ $? -gt 128 ] || sleep 0.05; done; "
            f"[ -e {RUN_DIR}/{GO} ] || exit 124; "
            f"exec timeout -s KILL {int(timeout) + engine.BACKSTOP_S} bash {RUN_DIR}/run.sh")
    return ["bash", "-c", loop]


@dataclass
class RunRequest:
    """One run in an existing image: optional tree to copy in, patches applied in order, tests."""

    image: str
    env: EnvSpec
    tests: Sequence[str] = ()
    patches: Sequence[str] = ()
    tree: bytes | None = None
    """A tar of the working tree copied to /testbed before the run (local repositories)."""
    timeout_s: float | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    cancel: CancelToken | None = None
    """When cancelled, the run's container is removed at once."""
    apply: str = "capuchin"
    """Patch ladder (``runscript.APPLY_LADDERS``): 'swebench' grades exactly as the official harness."""
    name: str | None = None
    """Container name (e.g. with an evaluation's run id, so a sweep finds it); None: Docker picks one."""
    labels: dict[str, str] = field(default_factory=dict)
    """Labels added to the container's own."""
    warm: Warm | None = None
    """A container of ``image`` started ahead (``DockerSandbox.start_warm``): the run skips create and start."""
    remove_later: bool = False
    """Remove the finished container in the background (``engine.Reaper``; ``DockerSandbox.reaper.drain``
    waits for it): the caller gets its result without waiting for the removal."""


class DockerSandbox:
    """``agent.core.protocols.Sandbox`` on the Docker engine."""

    def __init__(self, config: SandboxConfig, bus: EventBus | None = None, client: Any | None = None):
        self.config = config
        self.bus = bus or null_bus()
        self.client = client or engine.docker_client()
        self.builder = ImageBuilder(self.client, config, self.bus)
        self._slots = threading.BoundedSemaphore(config.concurrency)
        self._build_lock = threading.Lock()
        self.reaper = engine.Reaper()
        remove_orphans(self.client)

    # -- the protocol ----------------------------------------------------------------------------
    def run(self, repo: Path, *, patch: str | None = None, tests: Sequence[str] = (),
            timeout_s: float | None = None, cancel: CancelToken | None = None) -> TestResult:
        """Run ``tests`` on ``repo``'s current working tree with ``patch`` applied."""
        repo = check_repo(repo)
        image = self.image_for(repo)
        spec = local_spec(repo).env
        request = RunRequest(image=image, env=spec, tests=tests, patches=[patch] if patch else [],
                             tree=worktree_tar(repo), timeout_s=timeout_s, cancel=cancel)
        return self.run_in_image(request)

    def image_for(self, repo: Path) -> str:
        """The local repository's environment image (built once per dependency-file content)."""
        if self.config.image:
            return self.config.image
        spec = local_spec(repo)
        with self._build_lock:  # concurrent first runs must not build the same layers twice
            return self.builder.ensure_instance(spec, lambda: worktree_tar(repo))

    def kill_running(self) -> int:
        """Stop every run and build of this process now (for a caller handling Ctrl-C with runs in threads)."""
        return kill_own_containers(self.client)

    # -- runs in a given image ---------------------------------------------------------------------
    def run_in_image(self, req: RunRequest) -> TestResult:
        """Run once; when pytest refuses some ids as unknown (and so ran nothing), rerun without them."""
        names = iter([req.name, f"{req.name}.retry" if req.name else None])
        # the retry must not reuse a name: the first container may still be on its way out (``remove_later``)
        return runscript.run_without_unknown(lambda tests: self._run_once(replace(req, tests=tests, name=next(names))),
                                             req.tests)

    @staticmethod
    def script_for(req: RunRequest, max_file_mb: int | None = None) -> str:
        """The shell script a run of ``req`` executes (patches as /capuchin/patch<i>.diff)."""
        names = [f"{RUN_DIR}/patch{i}.diff" for i in range(len(req.patches))]
        return runscript.build_script(workdir="/testbed", patches=names, test_cmd=req.env.test_cmd,
                                      parser=req.env.parser, tests=req.tests, env={**req.env.env, **req.extra_env},
                                      setup=req.env.eval_setup, apply=req.apply, max_file_mb=max_file_mb)

    def start_warm(self, req: RunRequest) -> Warm:
        """Create and start ``req``'s container now, waiting for its files; pass it as ``req.warm``."""
        timeout = req.timeout_s if req.timeout_s is not None else self.config.timeout_s
        named = {"name": req.name} if req.name else {}
        c = engine.create(self.client, req.image, _waiting_command(timeout), stdin_open=True,
                          labels=container_labels("run") | req.labels, **named, **self._limits())
        try:
            c.start()
        except BaseException:
            engine._remove(c)
            raise
        return Warm(c)

    def _run_once(self, req: RunRequest) -> TestResult:
        timeout = req.timeout_s if req.timeout_s is not None else self.config.timeout_s
        files = {f"patch{i}.diff": p for i, p in enumerate(req.patches)}
        files["run.sh"] = self.script_for(req, self.config.max_file_mb)
        warm = req.warm.take() if req.warm else None  # a retry (unknown test ids) gets a fresh container
        if warm is not None:
            files[GO] = ""  # last in the tar: the script is complete when the waiting loop sees it
        cmd = ["timeout", "-s", "KILL", str(int(timeout) + engine.BACKSTOP_S), "bash", f"{RUN_DIR}/run.sh"]
        named = {"name": req.name} if req.name else {}
        reaper = self.reaper if req.remove_later else None
        owned = engine.adopted(warm, reaper) if warm is not None else engine.container(
            self.client, req.image, cmd, role="run", labels=req.labels, **named, reaper=reaper, **self._limits())
        with self._slots, owned as c:
            if req.tree is not None:
                c.put_archive("/testbed", req.tree)
            c.put_archive("/", engine.tar_bytes({f"{RUN_DIR[1:]}/{k}": v for k, v in files.items()}))
            unregister = req.cancel.on_cancel(lambda: engine._remove(c)) if req.cancel else None
            try:
                done = engine.wait(c, timeout, started=warm is not None)
            finally:
                if unregister:
                    unregister()
        result = runscript.to_result(done.output, exit_code=done.exit_code, timed_out=done.timed_out,
                                     duration_s=done.duration_s, parser=req.env.parser, tests=req.tests)
        if done.oom_killed:
            note = f"out of memory: a process passed the run's {self.config.memory} limit and was killed"
            result = result.model_copy(update={"error": f"{result.error}; {note}" if result.error else note})
        return result

    def _limits(self) -> dict[str, Any]:
        return {
            # only loopback; not `network_disabled`, which also drops /etc/hosts (no 'localhost')
            "network_mode": "none",
            "nano_cpus": int(self.config.cpus * 1e9),
            "mem_limit": self.config.memory,
            "memswap_limit": self.config.memory,  # no swap: a memory hog is killed, not slowed
            "pids_limit": self.config.pids_limit,
            "working_dir": "/testbed",
        }


def kill_own_containers(client: Any) -> int:
    """Remove this process's running containers (Ctrl-C: waiting threads then return at once)."""
    import os

    from sandbox.labels import OWNER_PID

    mine = client.containers.list(all=True, ignore_removed=True, filters={"label": [LABEL, f"{OWNER_PID}={os.getpid()}"]})
    for c in mine:
        engine._remove(c)
    return len(mine)


def remove_orphans(client: Any) -> int:
    """Remove Capuchin containers whose owner process is gone (crashed or SIGKILLed callers)."""
    removed = 0
    for c in client.containers.list(all=True, ignore_removed=True, filters={"label": LABEL}):
        if not owner_alive(c.labels):
            engine._remove(c)
            removed += 1
    return removed
