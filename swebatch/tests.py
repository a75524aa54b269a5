"""FAIL_TO_PASS / PASS_TO_PASS of an instance: from the dataset, else from Capuchin's validation.

Official datasets carry both lists. The dev set does not: its lists come from
``capuchin sandbox validate`` (``sandbox.validate``), whose JSONL records this reads, and which
can run on demand for instances that have no record yet. An instance counts as validated by
SWE-bench's own rule: FAIL_TO_PASS is not empty (tests the gold patch breaks simply stay out of
PASS_TO_PASS).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sandbox.swebench import InstanceRunner
from sandbox.validate import latest_records, validate_instance


class TestLists:
    """Where each instance's test lists come from; thread-safe (evaluation workers share it)."""

    __test__ = False  # not a pytest class

    def __init__(self, validation: Path | None = None, *, runner: InstanceRunner | None = None):
        self.validation = validation
        self.runner = runner
        """Set: instances without lists or a record are validated now (and the record appended)."""
        self.records = latest_records(validation) if validation else {}
        self._lock = threading.Lock()

    def lists(self, row: dict) -> tuple[list[str], list[str]] | None:
        """(FAIL_TO_PASS, PASS_TO_PASS), or None when the instance does not validate."""
        if row.get("FAIL_TO_PASS"):
            return list(row["FAIL_TO_PASS"]), list(row.get("PASS_TO_PASS") or [])
        record = self.record(row)
        if not record or not record.get("FAIL_TO_PASS"):
            return None
        return list(record["FAIL_TO_PASS"]), list(record.get("PASS_TO_PASS") or [])

    def record(self, row: dict) -> dict | None:
        iid = row["instance_id"]
        with self._lock:
            if iid in self.records or self.runner is None or self.validation is None:
                return self.records.get(iid)
        record = validate_instance(self.runner, row)
        with self._lock:
            self.records[iid] = record
            with self.validation.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
        return record

    def why_not(self, row: dict) -> str:
        record = self.records.get(row["instance_id"])
        if record is None:
            where = f"no record in {self.validation}" if self.validation else "no validation file given"
            return f"the dataset has no FAIL_TO_PASS and {where} (validate it: --validate)"
        return f"did not validate: {record.get('status')} {(record.get('reason') or '')[:200]}".rstrip()
