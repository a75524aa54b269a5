"""Checking what a user hands to `capuchin solve` before any work starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agent.core.errors import InputError


def git(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run git in ``repo``; never raises for a failing command (callers read returncode)."""
    return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, text=True)


def check_repo(path: Path) -> Path:
    """The root of the git work tree at ``path``; InputError when it is not one."""
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if not path.is_dir():
        raise InputError(f"{path} is not a directory")
    top = git(path, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise InputError(f"{path} is not a git repository", hint="run `git init` and commit your code first")
    if git(path, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        raise InputError(f"{path} has no commits yet", hint="commit your code first")
    return Path(top.stdout.strip())


def dirty_files(repo: Path) -> list[str]:
    """Tracked files with uncommitted changes (untracked files do not count)."""
    out = git(repo, "status", "--porcelain", "--untracked-files=no").stdout
    return [line[3:] for line in out.splitlines() if line.strip()]


def read_issue(source: str) -> str:
    """Issue text from a file path or '-' (standard input); InputError when missing or empty."""
    if source == "-":
        text = sys.stdin.read()
        where = "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"issue file {source} not found")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(f"issue file {source} is not UTF-8 text") from None
        where = source
    if not text.strip():
        raise InputError(f"the issue text from {where} is empty")
    return text
