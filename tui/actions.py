"""What a reviewer can do with a candidate: apply it, commit it on a branch, save it, reject it.

Plain functions over the repository, reusing ``agent.land`` (the same checks as
``capuchin solve --apply/--branch``), so screens stay thin and the rules live in one place.
They raise ``CapuchinError`` with a message for people; screens show it as a notification.
"""

from __future__ import annotations

import re
from pathlib import Path

from agent.core.errors import InputError
from agent.land import apply_patch, check_can_apply, commit_on_branch


def apply_to_work_tree(repo: Path, patch: str) -> str:
    if not patch:
        raise InputError("this candidate has no patch to apply")
    check_can_apply(repo, None)
    apply_patch(repo, patch)
    return "applied to the work tree"


def commit_branch(repo: Path, branch: str, patch: str, issue: str) -> str:
    if not patch:
        raise InputError("this candidate has no patch to commit")
    check_can_apply(repo, branch)
    commit_on_branch(repo, branch, patch, issue)
    return f"committed on the new branch {branch}"


def save_patch(path: Path, patch: str) -> Path:
    if not patch:
        raise InputError("this candidate has no patch to save")
    path = path.expanduser()
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(patch, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return path


def suggested_branch(issue: str, candidate_id: str) -> str:
    """``capuchin/<issue title words>-<candidate>``: a name git accepts and a person recognises."""
    title = (issue.strip().splitlines() or ["fix"])[0].lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", title)[:5]) or "fix"
    return f"capuchin/{slug}-{candidate_id}"


def issue_with_rejection(issue: str, reason: str, patch: str | None) -> str:
    """The issue for the rerun: the reviewer's reason, and the rejected patch, so the model
    does not offer the same change again."""
    reason = reason.strip()
    if not reason:
        raise InputError("give a reason for the rejection; it is added to the issue for the rerun")
    note = f"\n\n## Review of an earlier attempt\n\nA reviewer rejected a proposed fix: {reason}\n"
    if patch:
        note += f"\nThe rejected patch was:\n\n```diff\n{patch.rstrip()}\n```\n"
    return issue.rstrip() + note
