"""Talking to the Docker engine: connect, run one container to completion, always remove it."""

from __future__ import annotations

import atexit
import contextlib
import io
import queue
import re
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from agent.core.errors import DockerUnavailable
from sandbox.labels import LABEL, container_labels

# Containers hang past their wall-clock limit by at most this much before the in-container
# `timeout` kills them too, so even an orphaned container (caller SIGKILLed) stops by itself.
BACKSTOP_S = 30


def docker_client(timeout: float = 5.0) -> Any:
    """A connected ``docker.DockerClient``; raises DockerUnavailable when no engine answers."""
    import docker  # heavy-ish; only when a sandbox is used

    try:
        client = docker.from_env(timeout=max(timeout, 60))
        client.api.timeout = timeout
        client.ping()
        client.api.timeout = 600
        return client
    except Exception as exc:  # docker raises DockerException, requests errors, FileNotFoundError...
        raise DockerUnavailable(
            f"no Docker engine answers ({type(exc).__name__}: {str(exc)[:200]})",
            hint="start dockerd (scripts/sandbox-setup.sh does it), check DOCKER_HOST, "
            "or use --backend local (less isolation)",
        ) from None


def docker_available() -> bool:
    try:
        docker_client(timeout=3.0)
        return True
    except DockerUnavailable:
        return False


def tar_bytes(files: dict[str, bytes | str], mode: int = 0o644) -> bytes:
    """An in-memory tar of ``{path: content}`` (for ``put_archive``)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = mode
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@dataclass
class Finished:
    exit_code: int | None
    output: str
    timed_out: bool
    duration_s: float
    oom_killed: bool = False
    """The kernel killed a process of the container for passing its memory limit."""


class Reaper:
    """Removes finished containers (and other clean-up, in order) on one background thread: a removal
    takes 0.1-0.7 s of the daemon's time that a caller holding the run's output need not wait for
    (grading many instances in a row). ``drain`` waits for the queue; a process that dies first leaves
    orphans, which the next sandbox removes by their dead owner pid (``docker_backend.remove_orphans``)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, c: Any) -> None:
        """Remove container ``c`` later."""
        self.later(lambda: _remove(c))

    def later(self, task: Callable[[], object]) -> None:
        """Run ``task`` on the reaper's thread after everything queued before it."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="capuchin-reaper", daemon=True)
                self._thread.start()
                atexit.register(self.drain)
        self._queue.put(task)

    def drain(self) -> None:
        """Return once every container handed over so far is removed."""
        self._queue.join()

    def _loop(self) -> None:
        while True:
            task = self._queue.get()
            try:
                task()
            except Exception:  # noqa: BLE001 - a failed removal leaves an orphan for the next sweep
                pass
            finally:
                self._queue.task_done()


@contextmanager
def container(client: Any, image: str, command: list[str], *, role: str, labels: dict[str, str] | None = None,
              reaper: Reaper | None = None, **kwargs: Any) -> Iterator[Any]:
    """Create a labelled container and remove it on the way out, whatever happens (also Ctrl-C);
    with ``reaper``, a container left normally is removed in the background instead."""
    c = create(client, image, command, labels=container_labels(role) | (labels or {}), **kwargs)
    with adopted(c, reaper):
        yield c


def create(client: Any, image: str, command: list[str], *, labels: dict[str, str], **kwargs: Any) -> Any:
    """Create a container; a name still held by a leftover of Capuchin's own (a container being removed
    in the background, one whose start failed) is freed and the create tried once more."""
    import docker

    try:
        return client.containers.create(image, command, labels=labels, detach=True, **kwargs)
    except docker.errors.APIError as exc:
        name = kwargs.get("name")
        if not name or exc.status_code != 409:
            raise
        try:
            stale = client.containers.get(name)
        except docker.errors.NotFound:  # gone meanwhile
            stale = None
        if stale is not None:
            if LABEL not in stale.labels:
                raise  # someone else's container: never touch it
            _remove(stale)
            with contextlib.suppress(Exception):  # NotFound: gone; a removal in progress: wait for it
                client.containers.get(name).wait(condition="removed", timeout=30)
        return client.containers.create(image, command, labels=labels, detach=True, **kwargs)


@contextmanager
def adopted(c: Any, reaper: Reaper | None = None) -> Iterator[Any]:
    """Own an existing container (e.g. one started ahead of its run): removed on the way out as above."""
    try:
        yield c
    except BaseException:
        _remove(c)
        raise
    if reaper is None:
        _remove(c)
    else:
        reaper.put(c)


def _remove(c: Any) -> None:
    import docker

    for _ in range(3):
        try:
            c.remove(force=True, v=True)
            return
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:  # "removal already in progress" and friends
            if "in progress" in str(exc):
                return
            time.sleep(0.5)


REMOVED = "[container removed before"
"""How the output of a container removed under its run begins (by Ctrl-C, or by another process's sweep):
there is no verdict in it."""


def wait(c: Any, timeout_s: float | None, max_output: int = 400_000, *, started: bool = False) -> Finished:
    """Start ``c`` (unless ``started``), wait at most ``timeout_s`` (then kill it), and collect its output."""
    import docker
    import requests

    start = time.monotonic()
    if not started:
        c.start()
    timed_out = False
    exit_code: int | None = None
    try:
        status = c.wait(timeout=timeout_s if timeout_s else None)
        exit_code = int(status.get("StatusCode", -1))
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        timed_out = True
        with contextlib.suppress(Exception):  # already gone: removal in the caller's finally still runs
            c.kill()
    except docker.errors.APIError:  # removed under us (kill_running on Ctrl-C): 404 or 409
        return Finished(None, f"{REMOVED} the run finished]", False, time.monotonic() - start)
    duration = time.monotonic() - start
    try:
        output = c.logs(stdout=True, stderr=True).decode("utf-8", errors="replace")
    except docker.errors.APIError:  # 404 gone, 409 "dead or marked for removal"
        output = f"{REMOVED} its output was read]"
    return Finished(exit_code, truncate(output, max_output), timed_out, duration, _oom_killed(c))


RESULT_LINE = re.compile(r"^(?:PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) \S", re.MULTILINE)
"""A line of pytest's short test summary, the lines the parsers count tests by."""


def truncate(output: str, max_output: int, max_results: int = 8_000_000) -> str:
    """The first 2,000 and the last ``max_output`` characters, and between them the result lines:
    packaging 24.1's summary of 26,854 passed tests is 2.4 MB, and keeping only the end counted
    4,241 of them."""
    if len(output) <= max_output:
        return output
    cut = output.rfind("\n", 2000, len(output) - (max_output - 2000)) + 1 or len(output) - (max_output - 2000)
    head, middle, tail = output[:2000], output[2000:cut], output[cut:]  # the tail starts at a line
    kept, size = [], 0
    for m in RESULT_LINE.finditer(middle):
        end = middle.find("\n", m.start())
        line = middle[m.start(): end if end >= 0 else len(middle)]
        size += len(line) + 1
        if size > max_results:
            break
        kept.append(line)
    results = "\n".join(kept) + "\n" if kept else ""
    return f"{head}\n[... output truncated; its test result lines kept ...]\n{results}{tail}"


def _oom_killed(c: Any) -> bool:
    try:
        c.reload()
    except Exception:  # removed under us: nothing to tell
        return False
    return bool(c.attrs.get("State", {}).get("OOMKilled"))
