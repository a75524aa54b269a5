"""A repository's current working tree (uncommitted changes included) as files or a tar."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

from agent.core.errors import InputError

# Never copied: VCS data, virtualenvs, caches, Capuchin's own index.
SKIP_DIRS = {".git", ".hg", ".venv", "venv", "__pycache__", ".capuchin", ".pytest_cache", ".mypy_cache",
             ".ruff_cache", ".tox", "node_modules"}


def check_repo(repo: Path) -> Path:
    repo = Path(repo).expanduser().resolve()
    if not repo.is_dir():
        raise InputError(f"repository {repo} is not a directory")
    return repo


def worktree_files(repo: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files (git), else every file outside SKIP_DIRS."""
    repo = check_repo(repo)
    if (repo / ".git").exists() and (names := _git_files(repo)) is not None:
        return sorted(set(names))
    out = []
    for root, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        rel = Path(root).relative_to(repo)
        out += [(rel / f).as_posix() for f in files]
    return sorted(out)


def _git_files(repo: Path) -> list[str] | None:
    """git's tracked and untracked-but-not-ignored files, with those of checked-out submodules (a
    submodule is one entry to its parent: astropy 3.x builds through its astropy_helpers submodule)."""
    out: list[str] = []
    pending = [""]  # repositories to list, as prefixes under ``repo``: the top one, then its submodules
    while pending:
        prefix = pending.pop()
        proc = subprocess.run(["git", "-C", str(repo / prefix), "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard"], capture_output=True, check=False)
        if proc.returncode != 0:
            if not prefix:
                return None
            continue
        for name in dict.fromkeys(n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n):
            path = repo / prefix / name
            if path.is_file() or path.is_symlink():
                out.append(prefix + name)
            elif not name.endswith("/") and (path / ".git").exists():  # a submodule; "dir/": an untracked repository
                pending.append(f"{prefix}{name}/")
    return out


def worktree_tar(repo: Path) -> bytes:
    """The working tree as an uncompressed tar (members relative to the repository root)."""
    repo = check_repo(repo)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in worktree_files(repo):
            info = tar.gettarinfo(str(repo / name), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if info.isreg():
                with open(repo / name, "rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
    return buf.getvalue()
