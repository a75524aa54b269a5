"""`capuchin swebench run`: the driver. Feeds instances to a pool, writes every result itself.

Crash safety: a completion record is written atomically after its instance's artifacts, and the
predictions are rebuilt from the records after each one (``swebatch.records``). Killed at any
moment (SIGKILL included), a rerun of the same command skips the complete instances and runs the
rest: nothing complete is lost, nothing is predicted twice. Ctrl-C (and SIGTERM, the same way)
cancels the instances in flight and records them as ``interrupted`` (rerun next time). A lock file keeps two drivers off one run.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.core.cancel import CancelToken
from agent.core.errors import InputError
from swebatch.executors import INFRA, Pool
from swebatch.records import Record, all_records, needs_run, write_predictions, write_record
from swebatch.signals import sigterm_as_interrupt


@dataclass
class RunOptions:
    out: Path
    model_name: str
    workers: int = 1
    retry_errors: bool = False
    redo: bool = False
    instance_timeout_s: float = 3600.0
    min_free_gb: float = 5.0
    meta: dict[str, Any] = field(default_factory=dict)
    """Written into summary.json as is (dataset, model, Capuchin version and commit, arguments)."""


@dataclass
class _InFlight:
    row: dict
    started: float
    token: CancelToken


Listener = Callable[[str, dict, Record | None], None]
"""Progress: ('skipped' (complete before) | 'started' | 'finished', row, record or None)."""


class BatchRun:
    def __init__(self, work: Any, pool: Pool, options: RunOptions, listener: Listener = lambda *a: None):
        self.work, self.pool, self.options, self.listener = work, pool, options, listener
        self.records: dict[str, Record] = {}
        self.stopped: str | None = None
        self._submitting: _InFlight | None = None

    def run(self, rows: Sequence[dict]) -> dict:
        """Run every row that needs it; return (and write) the summary."""
        out = self.options.out
        out.mkdir(parents=True, exist_ok=True)
        with _lock(out), sigterm_as_interrupt():
            started = time.time()
            self.records = all_records(out)
            todo = [r for r in rows if needs_run(self.records.get(r["instance_id"]),
                                                 retry_errors=self.options.retry_errors, redo=self.options.redo)]
            self._check_disk(starting=True)
            running = {r["instance_id"] for r in todo}
            for row in rows:
                if row["instance_id"] not in running:
                    self.listener("skipped", row, self.records[row["instance_id"]])
            write_predictions(out, self.records)  # regenerate them first: they may be missing or stale
            try:
                self._loop(deque(todo))
            finally:
                summary = self.summary(rows, time.time() - started, len(todo))
                (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        return summary

    def _loop(self, pending: deque[dict]) -> None:
        inflight: dict[Any, _InFlight] = {}
        try:
            while pending or inflight:
                while pending and len(inflight) < self.options.workers and self._check_disk():
                    row = pending.popleft()
                    # tracked before submit returns: a signal landing inside submit (it starts a thread
                    # and waits for it) must still find the instance to record as interrupted
                    self._submitting = job = _InFlight(row, time.monotonic(), CancelToken())
                    inflight[self.pool.submit(self.work, row, self._folder(row), job.token)] = job
                    self._submitting = None
                    self.listener("started", row, None)
                if not inflight:
                    break  # the disk floor stopped the feed
                for handle in self.pool.wait(list(inflight), timeout=1.0):
                    job = inflight.pop(handle)
                    self._finish(job.row, self._record(job.row, *self.pool.result(handle)))
                self._expire(inflight)
        except KeyboardInterrupt:
            self._interrupt(inflight)
            raise

    def _expire(self, inflight: dict[Any, _InFlight]) -> None:
        """Instances past their hard timeout: cancel them and record an agent error."""
        now = time.monotonic()
        for handle, job in list(inflight.items()):
            if now - job.started > self.options.instance_timeout_s:
                job.token.cancel("instance time limit")
                self.pool.cancel(handle)
                del inflight[handle]
                error = f"timed out after {self.options.instance_timeout_s:.0f}s"
                self._finish(job.row, self._record(job.row, None, error))

    def _interrupt(self, inflight: dict[Any, _InFlight]) -> None:
        getattr(self.work, "interrupt", lambda: None)()  # e.g. stop its test containers now
        jobs = [*inflight.items(), *([(None, self._submitting)] if self._submitting else [])]
        for handle, job in jobs:
            job.token.cancel("Ctrl-C")
            if handle is not None:
                self.pool.cancel(handle)
            self._finish(job.row, self._record(job.row, None, "interrupted (Ctrl-C or SIGTERM)", status="interrupted"))
        self.pool.close(now=True)
        self.stopped = "interrupted"

    def _folder(self, row: dict) -> Path:
        return self.options.out / row["instance_id"]

    def _record(self, row: dict, record_json: str | None, error: str | None, status: str | None = None) -> Record:
        if record_json is not None:
            return Record.model_validate_json(record_json)
        status = status or ("infra_error" if error and error.startswith(INFRA) else "agent_error")
        return Record(instance_id=row["instance_id"], status=status, model_name_or_path=self.options.model_name,
                      error=(error or "")[-2000:], finished=time.time())

    def _finish(self, row: dict, record: Record) -> None:
        """The one place results are written: the record, then the predictions derived from all records."""
        previous = self.records.get(row["instance_id"])
        record.attempt = previous.attempt + 1 if previous else 1
        write_record(self.options.out, record)
        self.records[record.instance_id] = record
        write_predictions(self.options.out, self.records)
        self.listener("finished", row, record)

    def _check_disk(self, starting: bool = False) -> bool:
        free_gb = shutil.disk_usage(self.options.out).free / 1e9
        if free_gb >= self.options.min_free_gb:
            return True
        message = (f"only {free_gb:.1f} GB free on the disk of {self.options.out} (floor: "
                   f"{self.options.min_free_gb:g} GB)")
        if starting:
            raise InputError(message, hint="free some space (capuchin sandbox gc) or lower swebench.min_free_gb")
        self.stopped = message
        return False

    def summary(self, rows: Sequence[dict], wall_s: float, ran: int) -> dict:
        ids = {r["instance_id"] for r in rows}
        mine = [r for i, r in self.records.items() if i in ids]
        counts = Counter(r.status for r in mine)
        return {
            "instances": len(rows),
            "complete": sum(r.status != "interrupted" for r in mine),
            "statuses": {s: counts.get(s, 0) for s in ("solved", "no_candidate", "agent_error", "infra_error",
                                                         "interrupted")},
            "ran_this_time": ran,
            "wall_s": round(wall_s, 1),
            "prompt_tokens": sum(r.prompt_tokens for r in mine),
            "completion_tokens": sum(r.completion_tokens for r in mine),
            "cost_usd": round(sum(r.cost_usd for r in mine), 4),
            "instance_seconds": round(sum(r.seconds for r in mine), 1),
            "stopped": self.stopped,
            "error_ids": sorted(r.instance_id for r in mine if r.status in ("agent_error", "infra_error")),
            **self.options.meta,
        }


class _lock:
    """An exclusive lock on RUN_DIR/.lock: a second driver on the same run fails at once, clearly."""

    def __init__(self, out: Path):
        self.path = out / ".lock"

    def __enter__(self) -> None:
        self.fh = open(self.path, "w")  # noqa: SIM115 - held until __exit__
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise InputError(f"another `capuchin swebench run` is writing to {self.path.parent}") from None

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
