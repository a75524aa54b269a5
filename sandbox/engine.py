"""Talking to the Docker engine: connect, run one container to completion, always remove it."""

from __future__ import annotations

import contextlib
import io
import re
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from agent.core.errors import DockerUnavailable
from sandbox.labels import container_labels

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


@contextmanager
def container(client: Any, image: str, command: list[str], *, role: str, labels: dict[str, str] | None = None,
              **kwargs: Any) -> Iterator[Any]:
    """Create a labelled container and remove it on the way out, whatever happens (also Ctrl-C)."""
    c = client.containers.create(image, command, labels=container_labels(role) | (labels or {}), detach=True,
                                 **kwargs)
    try:
        yield c
    finally:
        _remove(c)


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


def wait(c: Any, timeout_s: float | None, max_output: int = 400_000) -> Finished:
    """Start ``c``, wait at most ``timeout_s`` (then kill it), and collect its output."""
    import docker
    import requests

    start = time.monotonic()
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
        return Finished(None, "[container removed before the run finished]", False, time.monotonic() - start)
    duration = time.monotonic() - start
    try:
        output = c.logs(stdout=True, stderr=True).decode("utf-8", errors="replace")
    except docker.errors.APIError:  # 404 gone, 409 "dead or marked for removal"
        output = "[container removed before its output was read]"
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
