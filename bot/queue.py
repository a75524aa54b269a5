"""The durable job queue: SQLite in WAL mode, so no extra server is needed.

``deliveries`` is unique on GitHub's delivery GUID: a redelivery is acknowledged and starts
nothing. ``jobs`` is unique on (repo, issue, trigger key): a trigger that repeats while its job
is queued or running joins it; one that comes after the job ended queues it again (a label
removed and added back means "try again"). A worker claims a job with a lease and renews it
while it works; a lease that lapses (the worker died) makes the job claimable again, and its
attempts count toward ``max_attempts``. Only one job per issue runs at a time.

Every connection is per thread; every write is one ``BEGIN IMMEDIATE`` transaction, committed
with ``synchronous=FULL`` so an acknowledged delivery survives a crash.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.triggers import Trigger

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    guid TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    received REAL NOT NULL,
    outcome TEXT NOT NULL,
    job_id INTEGER
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    repo TEXT NOT NULL,
    issue INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires REAL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    started REAL,
    finished REAL,
    payload TEXT NOT NULL,
    status_comment_id INTEGER,
    outcome TEXT,
    detail TEXT,
    UNIQUE (repo, issue, trigger)
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id);
"""
STATES = ("queued", "running", "done", "failed", "ignored")
TERMINAL = ("done", "failed", "ignored")


@dataclass
class Job:
    id: int
    trigger: Trigger
    attempts: int
    lease_owner: str
    status_comment_id: int | None

    @property
    def repo(self) -> str:
        return self.trigger.repo

    @property
    def issue(self) -> int:
        return self.trigger.issue


class JobQueue:
    """The queue on one SQLite file; safe to share between threads and processes."""

    def __init__(self, path: Path, *, max_attempts: int = 3):
        self.path = path
        self.max_attempts = max_attempts
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Writers of this process queue here rather than in SQLite's busy handler, which sleeps
        # and polls (up to 100 ms a turn): 40 receiver threads contending through it served about
        # 2 deliveries/s at 50/s offered, with the process idle (benchmarks/bot_load.py).
        self._write_lock = threading.Lock()
        self._db().executescript(SCHEMA)  # executescript commits by itself: no _tx() around it

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def _tx(self) -> _Transaction:
        return _Transaction(self._db(), self._write_lock)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- the receiver's side -------------------------------------------------------------------
    def record(self, guid: str, event: str, trigger: Trigger | None, outcome: str) -> tuple[str, int | None]:
        """Record a delivery and, for a trigger, its job. Returns (outcome, job id): outcome is
        'duplicate' for a GUID seen before, 'joined' for a trigger whose job is still open."""
        now = time.time()
        with self._tx() as db:
            seen = db.execute("INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?, NULL)", (guid, event, now, outcome))
            if seen.rowcount == 0:
                return "duplicate", None
            if trigger is None:
                return outcome, None
            job_id, outcome = self._upsert_job(db, trigger, now)
            db.execute("UPDATE deliveries SET job_id = ?, outcome = ? WHERE guid = ?", (job_id, outcome, guid))
            return outcome, job_id

    @staticmethod
    def _upsert_job(db: sqlite3.Connection, trigger: Trigger, now: float) -> tuple[int, str]:
        row = db.execute("SELECT id, state FROM jobs WHERE repo = ? AND issue = ? AND trigger = ?",
                         (trigger.repo, trigger.issue, trigger.key)).fetchone()
        payload = json.dumps(trigger.to_dict())
        if row is None:
            cur = db.execute("INSERT INTO jobs (repo, issue, trigger, created, updated, payload) VALUES (?, ?, ?, ?, ?, ?)",
                             (trigger.repo, trigger.issue, trigger.key, now, now, payload))
            return int(cur.lastrowid), "queued"
        if row["state"] not in TERMINAL:
            return int(row["id"]), "joined"
        db.execute("UPDATE jobs SET state = 'queued', attempts = 0, lease_owner = NULL, lease_expires = NULL, "
                   "updated = ?, started = NULL, finished = NULL, payload = ?, outcome = NULL, detail = NULL, "
                   "status_comment_id = NULL WHERE id = ?", (now, payload, row["id"]))
        return int(row["id"]), "requeued"

    # --- the worker's side ---------------------------------------------------------------------
    def claim(self, owner: str, lease_s: float) -> Job | None:
        """The oldest claimable job (queued, or running with a lapsed lease), leased to ``owner``;
        skips issues that have a job running under a live lease."""
        now = time.time()
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM jobs j WHERE (state = 'queued' OR (state = 'running' AND lease_expires < ?)) "
                "AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.repo = j.repo AND o.issue = j.issue "
                "AND o.id != j.id AND o.state = 'running' AND o.lease_expires >= ?) ORDER BY id LIMIT 1",
                (now, now)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, "
                       "lease_expires = ?, updated = ?, started = COALESCE(started, ?) WHERE id = ?",
                       (owner, now + lease_s, now, now, row["id"]))
            return Job(id=row["id"], trigger=Trigger(**json.loads(row["payload"])), attempts=row["attempts"] + 1,
                       lease_owner=owner, status_comment_id=row["status_comment_id"])

    def renew(self, job: Job, lease_s: float) -> bool:
        """Extend the lease; False when it was lost (it lapsed and another worker took the job)."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET lease_expires = ?, updated = ? WHERE id = ? AND lease_owner = ? "
                             "AND state = 'running'", (now + lease_s, now, job.id, job.lease_owner))
            return cur.rowcount == 1

    def set_status_comment(self, job: Job, comment_id: int) -> None:
        job.status_comment_id = comment_id
        with self._tx() as db:
            db.execute("UPDATE jobs SET status_comment_id = ? WHERE id = ?", (comment_id, job.id))

    def finish(self, job: Job, state: str, outcome: str, detail: str = "") -> bool:
        """End a job; False when this worker no longer holds it."""
        assert state in TERMINAL, state
        now = time.time()
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET state = ?, outcome = ?, detail = ?, finished = ?, updated = ?, "
                             "lease_expires = NULL WHERE id = ? AND lease_owner = ? AND state = 'running'",
                             (state, outcome, detail, now, now, job.id, job.lease_owner))
            return cur.rowcount == 1

    def release(self, job: Job) -> bool:
        """Put a job this worker holds back in the queue, uncounted (the worker is shutting down)."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, "
                             "lease_expires = NULL, updated = ? "
                             "WHERE id = ? AND lease_owner = ? AND state = 'running'", (now, job.id, job.lease_owner))
            return cur.rowcount == 1

    def prune_deliveries(self, older_than_s: float) -> int:
        """Forget delivery ids received more than ``older_than_s`` ago; returns how many."""
        with self._tx() as db:
            return db.execute("DELETE FROM deliveries WHERE received < ?", (time.time() - older_than_s,)).rowcount

    # --- reading -------------------------------------------------------------------------------
    def job_counts(self) -> dict[str, int]:
        rows = self._db().execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
        return {state: 0 for state in STATES} | {r[0]: r[1] for r in rows}

    def durations(self) -> list[float]:
        """Seconds from first claim to the end, of every finished job."""
        rows = self._db().execute("SELECT finished - started FROM jobs WHERE finished IS NOT NULL "
                                  "AND started IS NOT NULL").fetchall()
        return [r[0] for r in rows]

    def jobs(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db().execute("SELECT * FROM jobs ORDER BY id").fetchall()]

    def deliveries(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db().execute("SELECT * FROM deliveries ORDER BY received").fetchall()]


class _Transaction:
    """``BEGIN IMMEDIATE`` .. ``COMMIT`` (rollback on error): writers queue on the lock up front
    instead of failing a deferred transaction's upgrade with SQLITE_BUSY."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock):
        self.db, self.lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, exc_type, *rest: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()
