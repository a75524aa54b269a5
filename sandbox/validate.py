"""The SWE-bench validation step: FAIL_TO_PASS / PASS_TO_PASS by running tests without and with the gold patch.

For each instance: build its image, apply ``test_patch``, run the test files it touches
(as the official harness does), once without and once with the gold ``patch``. The
instance validates when FAIL_TO_PASS is non-empty and nothing that passed breaks.
Results are one JSON line per instance; instances already in the output are skipped.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from agent.core.errors import CapuchinError
from agent.core.types import TestResult, TestStatus
from sandbox.swebench import InstanceRunner, patch_test_files, summarize


def classify(before: TestResult, after: TestResult) -> dict[str, list[str]]:
    """FAIL_TO_PASS, PASS_TO_PASS, PASS_TO_FAIL and FAIL_TO_FAIL from the two runs' statuses."""
    ok = TestStatus.PASSED
    ids = sorted(set(before.tests) | set(after.tests))
    out: dict[str, list[str]] = {"FAIL_TO_PASS": [], "PASS_TO_PASS": [], "PASS_TO_FAIL": [], "FAIL_TO_FAIL": []}
    for t in ids:
        b, a = before.tests.get(t), after.tests.get(t)
        if a == ok:
            out["PASS_TO_PASS" if b == ok else "FAIL_TO_PASS"].append(t)
        elif b == ok:
            out["PASS_TO_FAIL"].append(t)
        elif a in (TestStatus.FAILED, TestStatus.ERROR):
            out["FAIL_TO_FAIL"].append(t)
    return out


def validate_instance(runner: InstanceRunner, row: dict) -> dict:
    """One instance's validation record (never raises for a build or run failure: that is the record)."""
    start = time.monotonic()
    record = {"instance_id": row["instance_id"], "repo": row["repo"]}
    files = patch_test_files(row["test_patch"])
    try:
        record["env"] = runner.instance_spec(row).env.name
        record["image"] = runner.build(row)
    except CapuchinError as exc:
        return record | {"status": "build_failed", "reason": str(exc)[-1500:],
                         "seconds": round(time.monotonic() - start, 1)}
    before = runner.run(row, [row["test_patch"]], files)
    after = runner.run(row, [row["patch"], row["test_patch"]], files)
    record |= {"test_files": files, "before": summarize(before), "after": summarize(after)}
    if not before.applied or not after.applied:
        which = "test_patch" if not before.applied else "gold patch + test_patch"
        return record | {"status": "apply_failed", "reason": f"{which} did not apply",
                         "seconds": round(time.monotonic() - start, 1)}
    groups = classify(before, after)
    touched = set(row.get("touched_tests") or [])
    record |= groups
    record["f2p_in_touched"] = sum(t in touched for t in groups["FAIL_TO_PASS"])
    ok = bool(groups["FAIL_TO_PASS"]) and not groups["PASS_TO_FAIL"]
    # the official harness only needs FAIL_TO_PASS: tests the gold patch breaks just leave PASS_TO_PASS
    record["valid_by_swebench_rule"] = bool(groups["FAIL_TO_PASS"])
    record["status"] = "validated" if ok else "not_validated"
    if not ok:
        record["reason"] = _why_not(before, after, groups)
        record["log_tail_after"] = after.output[-3000:]
    record["seconds"] = round(time.monotonic() - start, 1)
    return record


def _why_not(before: TestResult, after: TestResult, groups: dict[str, list[str]]) -> str:
    if after.timed_out or before.timed_out:
        return "timed out"
    if not after.tests:
        return after.error or "no test results parsed"
    if groups["PASS_TO_FAIL"]:
        return f"{len(groups['PASS_TO_FAIL'])} tests pass without the gold patch but not with it"
    return "no test fails without the gold patch and passes with it"


def latest_records(out: Path) -> dict[str, dict]:
    """The last record of each instance (a re-run appends a newer one)."""
    if not out.is_file():
        return {}
    records = (json.loads(line) for line in out.read_text().splitlines() if line.strip())
    return {r["instance_id"]: r for r in records}


def done_ids(out: Path, rerun: Sequence[str] = ()) -> set[str]:
    """Instances with a record, except those whose latest status is in ``rerun``."""
    return {i for i, r in latest_records(out).items() if r["status"] not in set(rerun)}


def validate_all(runner: InstanceRunner, rows: Sequence[dict], out: Path, *, workers: int = 1,
                 log: Callable[[str], None] = print, rerun: Sequence[str] = ()) -> dict:
    """Validate ``rows`` not yet in ``out`` (resumable), ``workers`` at a time; return the per-repo tally.

    ``rerun``: statuses (e.g. 'not_validated') whose instances run again; the newest record counts.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    skip = done_ids(out, rerun)
    todo = [r for r in rows if r["instance_id"] not in skip]
    log(f"validating {len(todo)} instances ({len(skip)} already in {out})")
    lock = threading.Lock()

    def one(row: dict) -> None:
        if row["instance_id"] in done_ids(out, rerun) - skip:  # another process did it meanwhile
            return
        try:
            record = validate_instance(runner, row)
        except Exception as exc:  # any failure: recorded as this instance's status, and the batch goes on
            record = {"instance_id": row["instance_id"], "repo": row["repo"], "status": "error",
                      "reason": f"{type(exc).__name__}: {str(exc)[:1000]}", "seconds": 0.0}
        _append(out, json.dumps(record) + "\n", lock)
        log(f"{row['instance_id']}: {record['status']} {record.get('reason', '')[:120]} ({record['seconds']}s)")

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(one, r) for r in todo]
        try:
            for fut in futures:
                fut.result()
        except KeyboardInterrupt:  # do not wait for running tests: kill them, keep what is written
            for fut in futures:
                fut.cancel()
            runner.sandbox.kill_running()
            raise
    return tally(out)


def _append(out: Path, line: str, lock: threading.Lock) -> None:
    """One write(2) with O_APPEND, so several validate processes can share one results file."""
    with lock:
        fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def tally(out: Path) -> dict:
    """Per repository: instances, validated, build failures, other failures, and the reasons."""
    per: dict[str, Counter] = defaultdict(Counter)
    reasons: dict[str, Counter] = defaultdict(Counter)
    for rec in latest_records(out).values():
        per[rec["repo"]]["instances"] += 1
        per[rec["repo"]][rec["status"]] += 1
        per[rec["repo"]]["valid_by_swebench_rule"] += bool(rec.get("FAIL_TO_PASS"))
        if rec["status"] != "validated":
            reasons[rec["repo"]][(rec.get("reason") or "").splitlines()[0][:100] if rec.get("reason") else ""] += 1
    return {repo: dict(c) | {"reasons": dict(reasons[repo])} for repo, c in sorted(per.items())}
