"""The final evaluation report, with the official harness's keys (``reporting.make_run_report``, schema 2).

Derived only from the per-instance ``report.json`` files on disk, so a resumed or rewritten run
reports exactly what its folders hold. Capuchin adds ``not_validated_ids`` (instances graded by
no test list, counted neither as completed nor as errors).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from swebatch.data import KEY_MODEL, KEY_PATCH, model_dir

if TYPE_CHECKING:
    from swebatch.evaluate import EvalOptions

SCHEMA_VERSION = 2


def final_report(rows: Sequence[dict], preds: dict[str, dict], run_dir: Path,
                 not_validated: Sequence[str] = ()) -> dict:
    """Counts and id lists over ``rows`` (the dataset, after any filter) as the official harness makes them."""
    ids: dict[str, set[str]] = {k: set() for k in ("completed", "incomplete", "empty_patch", "resolved",
                                                     "unresolved", "error")}
    skip = set(not_validated)
    for row in rows:
        iid = row["instance_id"]
        pred = preds.get(iid)
        if pred is None:
            ids["incomplete"].add(iid)
        elif pred.get(KEY_PATCH) in ("", None):
            ids["empty_patch"].add(iid)
        elif iid not in skip:
            ids[_graded(run_dir / model_dir(pred[KEY_MODEL]) / iid / "report.json", iid)].add(iid)
    for iid in ids["resolved"] | ids["unresolved"]:
        ids["completed"].add(iid)
    dataset_ids = {r["instance_id"] for r in rows}
    return {
        "total_instances": len(rows),
        "submitted_instances": len(set(preds) & dataset_ids),
        "completed_instances": len(ids["completed"]),
        "resolved_instances": len(ids["resolved"]),
        "unresolved_instances": len(ids["unresolved"]),
        "empty_patch_instances": len(ids["empty_patch"]),
        "error_instances": len(ids["error"]),
        **{f"{k}_ids": sorted(v) for k, v in ids.items()},
        "submitted_ids": sorted(set(preds) & dataset_ids),
        "not_validated_ids": sorted(skip & set(preds)),
        "schema_version": SCHEMA_VERSION,
    }


def _graded(path: Path, iid: str) -> str:
    """'resolved' / 'unresolved' from a report.json; a missing, empty or broken one is an error."""
    try:
        report = json.loads(path.read_text())
        return "resolved" if report[iid]["resolved"] else "unresolved"
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return "error"


def report_path(preds: dict[str, dict], options: EvalOptions) -> Path:
    model = next(iter(preds.values()))[KEY_MODEL] if preds else "none"
    return options.report_dir / f"{model_dir(model)}.{options.run_id}.json"


def write_final_report(report: dict, preds: dict[str, dict], options: EvalOptions) -> Path:
    path = report_path(preds, options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=4) + "\n", encoding="utf-8")
    return path
