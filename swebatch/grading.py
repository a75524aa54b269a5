"""Grading as the official SWE-bench harness grades (``swebench/harness/grading.py``, v4), as pure functions.

The rules, case by case, because each one decides leaderboard numbers:

* FAIL_TO_PASS test: success only if its status is PASSED (XFAIL counts as PASSED, the parsers
  map it so); FAILED, ERROR, SKIPPED or *missing from the log* are failures.
* PASS_TO_PASS test: PASSED or SKIPPED keep it ("maintained"); anything else, missing included,
  is a failure.
* Resolution: FULL when every FAIL_TO_PASS and every PASS_TO_PASS succeeds (an empty list counts
  as all passing), PARTIAL when some but not all FAIL_TO_PASS pass and all PASS_TO_PASS do, else
  NO. Only FULL is "resolved".
* A patch that does not apply, or a run that timed out, has no test statuses: not resolved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agent.core.types import TestStatus

FULL, PARTIAL, NO = "RESOLVED_FULL", "RESOLVED_PARTIAL", "RESOLVED_NO"
GROUPS = ("FAIL_TO_PASS", "PASS_TO_PASS", "FAIL_TO_FAIL", "PASS_TO_FAIL")


def _status(test: str, statuses: Mapping[str, str]) -> str | None:
    """The status of ``test``; an id cut off inside its parameters (``t[log(photon``: 676 expected ids
    of SWE-bench Verified, SWE-bench issue #290) matches the ids it prefixes when they agree on
    passing or not, as the official grader (v5) resolves them."""
    if test in statuses:
        return statuses[test]
    if test.count("[") > test.count("]"):
        matches = [k for k in statuses if k.startswith(test)]
        if matches and len({statuses[k] == TestStatus.PASSED for k in matches}) == 1:
            return statuses[matches[0]]
    return None


def _passed(test: str, statuses: Mapping[str, str]) -> bool:
    return _status(test, statuses) == TestStatus.PASSED


def _maintained(test: str, statuses: Mapping[str, str]) -> bool:
    return _status(test, statuses) in (TestStatus.PASSED, TestStatus.SKIPPED)


def status_report(statuses: Mapping[str, str], fail_to_pass: Sequence[str],
                 pass_to_pass: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    """``tests_status`` of an official report.json: success/failure per group (F2F, P2F stay empty)."""
    report: dict[str, dict[str, list[str]]] = {g: {"success": [], "failure": []} for g in GROUPS}
    for test in fail_to_pass:
        report["FAIL_TO_PASS"]["success" if _passed(test, statuses) else "failure"].append(test)
    for test in pass_to_pass:
        report["PASS_TO_PASS"]["success" if _maintained(test, statuses) else "failure"].append(test)
    return report


def _rate(group: dict[str, list[str]]) -> float:
    total = len(group["success"]) + len(group["failure"])
    return 1.0 if total == 0 else len(group["success"]) / total


def resolution(report: Mapping[str, dict[str, list[str]]]) -> str:
    """FULL, PARTIAL or NO, from a ``status_report``."""
    f2p, p2p = _rate(report["FAIL_TO_PASS"]), _rate(report["PASS_TO_PASS"])
    if f2p == 1 and p2p == 1:
        return FULL
    if 0 < f2p < 1 and p2p == 1:
        return PARTIAL
    return NO


def instance_report(instance_id: str, patch: str | None, *, applied: bool, statuses: Mapping[str, str],
                    fail_to_pass: Sequence[str], pass_to_pass: Sequence[str]) -> dict:
    """An official per-instance ``report.json`` (keyed by the instance id)."""
    entry: dict = {"patch_is_None": patch is None, "patch_exists": patch is not None,
                   "patch_successfully_applied": False, "resolved": False}
    if patch is None or not applied:
        return {instance_id: entry}
    tests = status_report(statuses, fail_to_pass, pass_to_pass)
    entry |= {"patch_successfully_applied": True, "resolved": resolution(tests) == FULL, "tests_status": tests}
    return {instance_id: entry}


_FILE_HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)", re.M)


def without_files(patch: str, files: Sequence[str]) -> str:
    """``patch`` minus its diffs of ``files``.

    The official eval script checks the test patch's files out at ``base_commit`` after the model
    patch is applied, so a model's own edits to those files never count; dropping them from the
    model patch before it is applied has the same effect in an image without the history.
    """
    drop = set(files)
    starts = [m.start() for m in _FILE_HEADER.finditer(patch)]
    if not starts:
        return patch
    pieces = [patch[: starts[0]]]
    for begin, end in zip(starts, [*starts[1:], len(patch)], strict=True):
        chunk = patch[begin:end]
        m = _FILE_HEADER.match(chunk)
        if m and (m.group(1) in drop or m.group(2) in drop):
            continue
        pieces.append(chunk)
    return "".join(pieces)
