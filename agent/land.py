"""Landing a chosen patch in the user's repository: apply to the work tree, or commit on a branch."""

from __future__ import annotations

from pathlib import Path

from agent.core.errors import CapuchinError, InputError
from agent.core.inputs import dirty_files
from agent.core.inputs import git as _git


def check_can_apply(repo: Path, branch: str | None) -> None:
    """Refuse before any work when landing the patch would mix with the user's uncommitted changes."""
    dirty = dirty_files(repo)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise InputError(f"the work tree has uncommitted changes ({shown})",
                         hint="commit or stash them, or run without --apply/--branch and use --patch-out")
    if branch and _git(repo, "check-ref-format", "--branch", branch).returncode != 0:
        raise InputError(f"{branch!r} is not a valid branch name")
    if branch and _git(repo, "rev-parse", "--verify", "-q", f"refs/heads/{branch}").returncode == 0:
        raise InputError(f"branch {branch!r} already exists")


def apply_patch(repo: Path, patch: str) -> None:
    check = _git(repo, "apply", "--check", "-", stdin=patch)
    if check.returncode != 0:
        raise CapuchinError(f"the chosen patch no longer applies: {check.stderr.strip()}")
    _git(repo, "apply", "-", stdin=patch)


def commit_on_branch(repo: Path, branch: str, patch: str, issue: str) -> None:
    created = _git(repo, "checkout", "-q", "-b", branch)
    if created.returncode != 0:
        raise CapuchinError(f"cannot create branch {branch}: {created.stderr.strip()}")
    # --index stages exactly the patch's files, never the user's untracked ones.
    applied = _git(repo, "apply", "--index", "-", stdin=patch)
    if applied.returncode != 0:
        raise CapuchinError(f"the chosen patch does not apply: {applied.stderr.strip()}")
    title = (issue.strip().splitlines() or ["fix"])[0][:60]
    identity = [] if _git(repo, "config", "user.email").stdout.strip() else [
        "-c", "user.name=Capuchin", "-c", "user.email=capuchin@localhost"]
    done = _git(repo, *identity, "commit", "-q", "-m", f"Fix: {title}\n\nPatch chosen and verified by Capuchin.")
    if done.returncode != 0:
        raise CapuchinError(f"cannot commit on {branch}: {done.stderr.strip()}")
