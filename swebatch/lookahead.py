"""Start the next instances' containers while the current ones run their tests.

Docker needs 0.5-1 s to start a container on a busy machine, the largest part of grading's overhead
once images are cached. A container started ahead waits (``sandbox.docker_backend.Warm``) until its
files arrive, so that second leaves the grading path. Only instances whose image is already built
get one (building belongs to the instance's own turn), at most ``depth`` ahead; whatever is not
used is removed by ``close``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class Lookahead:
    def __init__(self, rows: Sequence[dict], start: Callable[[dict], Any | None], depth: int):
        self.rows = list(rows)
        self.position = {r["instance_id"]: i for i, r in enumerate(self.rows)}
        self.start = start
        """A row -> a started, waiting container (``Warm``), or None when it should not get one."""
        self.depth = depth
        self.futures: dict[str, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capuchin-eval-warm")
        self.closed = False
        self._lock = threading.Lock()

    def take(self, row: dict) -> Any | None:
        """The row's waiting container if one was started ahead; schedules the next rows' ones."""
        iid = row["instance_id"]
        i = self.position.get(iid, len(self.rows))
        with self._lock:
            if self.closed:
                return None
            for ahead in self.rows[i + 1:i + 1 + self.depth]:
                key = ahead["instance_id"]
                if key not in self.futures:
                    self.futures[key] = self.pool.submit(self._safe_start, ahead)
            fut = self.futures.pop(iid, None)
            if fut is not None:
                self.futures[iid] = Future()  # taken: never scheduled again
        if fut is None or fut.cancel():
            return None
        return fut.result()  # being started right now: waiting is no slower than starting anew

    def close(self) -> None:
        """Stop starting containers and remove the ones never used."""
        with self._lock:
            self.closed = True
            pending = list(self.futures.values())
        for fut in pending:
            fut.cancel()
        self.pool.shutdown(wait=True)
        for fut in pending:
            if fut.done() and not fut.cancelled() and fut.result() is not None:
                fut.result().discard()

    def _safe_start(self, row: dict) -> Any | None:
        try:
            return self.start(row)
        except Exception:  # noqa: BLE001 - the instance's own turn meets (and reports) the same problem
            return None
