"""Where instances run: a local thread pool, or Ray tasks on a cluster. The driver alone writes results.

Both return, per instance, ``(record_json, error)``: the record when the work returned one, else
the error text of what escaped it (the driver turns that into an ``agent_error`` record).
Executors are chosen by name (``EXECUTORS``), not by if/elif.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

from agent.core.cancel import CancelToken
from agent.core.errors import InputError

Outcome = tuple[str | None, str | None]
INFRA = "infrastructure: "
"""Prefix of an error half that is the machinery's fault (a lost worker), not Capuchin's."""


def call_work(work: Any, row: dict, folder: str, cancel: Any = None) -> Outcome:
    """Run ``work`` on one row; whatever escapes it becomes the error half (never raises)."""
    try:
        return work(row, Path(folder), cancel or CancelToken()).model_dump_json(), None
    except Exception as exc:  # a task must always come back to the driver with its instance
        return None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"


class Pool(Protocol):
    def submit(self, work: Any, row: dict, folder: Path, cancel: CancelToken) -> Any: ...

    def wait(self, handles: Sequence[Any], timeout: float) -> list[Any]: ...

    def result(self, handle: Any) -> Outcome: ...

    def cancel(self, handle: Any) -> None: ...

    def close(self, *, now: bool) -> None: ...


class LocalPool:
    """Threads in this process: instances share the model server and the Docker sandbox's run slots."""

    def __init__(self, workers: int, address: str | None = None):
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="swebench")

    def submit(self, work: Any, row: dict, folder: Path, cancel: CancelToken) -> Future:
        return self._pool.submit(call_work, work, row, str(folder), cancel)

    def wait(self, handles: Sequence[Future], timeout: float) -> list[Future]:
        return list(wait_futures(handles, timeout=timeout, return_when=FIRST_COMPLETED).done)

    def result(self, handle: Future) -> Outcome:
        return handle.result()

    def cancel(self, handle: Future) -> None:
        handle.cancel()  # a running thread stops at its token's next check

    def close(self, *, now: bool) -> None:
        self._pool.shutdown(wait=not now, cancel_futures=True)


class RayPool:
    """Each instance a Ray task; ``address`` None starts Ray on this machine, else joins that cluster."""

    def __init__(self, workers: int, address: str | None = None):
        try:
            import ray
        except ImportError:
            raise InputError("--executor ray needs Ray", hint="pip install 'capuchin-agent[ray]'") from None
        self._ray = ray
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"address": address} if address else {"num_cpus": max(1, workers)}
            ray.init(ignore_reinit_error=True, include_dashboard=False, log_to_driver=False, **kwargs)
        self._task = ray.remote(max_retries=0)(call_work)

    def submit(self, work: Any, row: dict, folder: Path, cancel: CancelToken) -> Any:
        return self._task.remote(work, row, str(folder))

    def wait(self, handles: Sequence[Any], timeout: float) -> list[Any]:
        done, _ = self._ray.wait(list(handles), num_returns=1, timeout=timeout)
        return done

    def result(self, handle: Any) -> Outcome:
        try:
            return self._ray.get(handle)
        except Exception as exc:  # the worker died (node lost, killed): the instance is an infra error
            return None, f"{INFRA}the Ray task died: {type(exc).__name__}: {str(exc)[:1000]}"

    def cancel(self, handle: Any) -> None:
        self._ray.cancel(handle, force=True)

    def close(self, *, now: bool) -> None:
        return  # the Ray runtime outlives the run (a cluster, or reused by the next run in this process)


EXECUTORS = {"local": "swebatch.executors:LocalPool", "ray": "swebatch.executors:RayPool"}


def open_pool(name: str, workers: int, address: str | None = None) -> Pool:
    if name not in EXECUTORS:
        raise InputError(f"unknown executor {name!r}", hint=f"known: {', '.join(EXECUTORS)}")
    module, _, cls = EXECUTORS[name].partition(":")
    return getattr(import_module(module), cls)(workers, address)
