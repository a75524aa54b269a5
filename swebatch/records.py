"""A batch run's results on disk: one completion record per instance, predictions derived from them.

``RUN_DIR/<instance_id>/record.json`` is written last for its instance, atomically (temp file,
fsync, rename), by the driver alone. A record is complete only if that file parses, so a run
killed at any moment leaves each instance either complete or absent, never half-written.
``predictions.jsonl`` (official format) and ``preds.json`` (SWE-agent's dict) are rebuilt from
the records after each one, also atomically: they can be deleted and regenerated at will, and
cannot hold an id twice.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from swebatch.data import KEY_ID, KEY_MODEL, KEY_PATCH

Status = Literal["solved", "no_candidate", "agent_error", "infra_error", "interrupted"]
ERRORS = ("agent_error", "infra_error")
PREDICTED = ("solved", "no_candidate", "agent_error")
"""Statuses that go into the predictions: an infrastructure error is no answer of the model's, so
it stays out until retried (``--retry-errors``) instead of counting as a failure."""
RECORD = "record.json"


class Record(BaseModel):
    """How one instance ended."""

    instance_id: str
    status: Status
    model_name_or_path: str
    model_patch: str = ""
    """The chosen patch; empty when none was chosen."""
    error: str | None = None
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    attempt: int = 1
    """How many times the instance has been run (retries and --redo add one)."""
    finished: float = 0.0
    candidates: list[dict[str, Any]] = Field(default_factory=list)
    """Distinct verified candidates (id, diff, votes, chosen), for grading every sample."""


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new content, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # make the rename itself durable (not possible on every filesystem)
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_record(folder: Path) -> Record | None:
    """The instance's record, or None when there is none or it does not parse (an incomplete instance)."""
    try:
        return Record.model_validate_json((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None


def write_record(out: Path, record: Record) -> None:
    folder = out / record.instance_id
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / RECORD, record.model_dump_json(indent=2))


def all_records(out: Path) -> dict[str, Record]:
    """Every instance folder's complete record, by id."""
    if not out.is_dir():
        return {}
    found = (read_record(folder) for folder in sorted(out.iterdir()) if folder.is_dir())
    return {r.instance_id: r for r in found if r is not None}


def write_predictions(out: Path, records: dict[str, Record]) -> int:
    """Rebuild predictions.jsonl and preds.json from ``records``; return how many predictions."""
    preds = [{KEY_ID: r.instance_id, KEY_MODEL: r.model_name_or_path, KEY_PATCH: r.model_patch}
             for _, r in sorted(records.items()) if r.status in PREDICTED]
    write_atomic(out / "predictions.jsonl", "".join(json.dumps(p) + "\n" for p in preds))
    write_atomic(out / "preds.json", json.dumps({p[KEY_ID]: p for p in preds}, indent=2))
    return len(preds)


def needs_run(record: Record | None, *, retry_errors: bool, redo: bool) -> bool:
    """Whether an instance runs (again): no complete record, interrupted, or asked for."""
    if record is None or record.status == "interrupted" or redo:
        return True
    return retry_errors and record.status in ERRORS
