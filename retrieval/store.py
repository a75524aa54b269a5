"""Which source files a repository has right now, keyed by git blob hash, and the on-disk cache.

Tracked, unmodified files take their hash from the git index (no reading); modified and
untracked files are hashed the way git hashes blobs, so a dirty work tree gets the same
keys a commit would. Directories outside git are walked. Parse results and vectors
are cached by these hashes under ``<repo>/.capuchin/index/``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.core.errors import InputError

INDEX_DIR = Path(".capuchin") / "index"
CACHE_VERSION = 2
_SKIP_DIRS = {".git", ".capuchin", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist"}


def blob_hash(data: bytes) -> str:
    """The git blob id of ``data`` (sha1 over 'blob <size>\\0' + data)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _git_lines(repo: Path, *args: str) -> list[str] | None:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if done.returncode != 0:
        return None
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def list_files(repo: Path, keep: Callable[[str], bool]) -> dict[str, str]:
    """Repo-relative path -> blob hash for every file ``keep`` accepts, dirty and untracked included."""
    if not repo.is_dir():
        raise InputError(f"not a directory: {repo}")
    staged = _git_lines(repo, "ls-files", "-s", "-z")
    if staged is None:
        return _walk(repo, keep)
    files: dict[str, str] = {}
    for entry in staged:
        meta, _, path = entry.partition("\t")
        mode, blob, _stage = meta.split()
        if keep(path) and not mode.startswith("120") and not mode.startswith("160"):  # no symlinks/submodules
            files[path] = blob
    changed = set(_git_lines(repo, "diff", "--name-only", "-z") or [])
    untracked = _git_lines(repo, "ls-files", "-o", "--exclude-standard", "-z") or []
    for path in changed.union(untracked):
        if not keep(path):
            continue
        full = repo / path
        if full.is_file():
            files[path] = blob_hash(full.read_bytes())
        else:  # deleted in the work tree
            files.pop(path, None)
    return files


def _walk(repo: Path, keep: Callable[[str], bool]) -> dict[str, str]:
    files = {}
    for root, dirs, names in os.walk(repo):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in names:
            path = Path(root, name).relative_to(repo).as_posix()
            if keep(path):
                files[path] = blob_hash((repo / path).read_bytes())
    return files


class Cache:
    """A dict keyed by hex hashes, pickled in 16 shards under the index dir.

    Shards load on first use and only changed shards are rewritten, so a one-file
    update reads and writes about a sixteenth of the cache.
    """

    SHARDS = "0123456789abcdef"

    def __init__(self, repo: Path, name: str):
        self.dir = repo / INDEX_DIR / name
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    def _shard(self, key: str) -> dict[str, Any]:
        sid = key[:1] if key[:1] in self.SHARDS else "0"
        if sid not in self._shards:
            self._shards[sid] = self._load(sid)
        return self._shards[sid]

    def _load(self, sid: str) -> dict[str, Any]:
        try:
            with (self.dir / f"{sid}.pkl").open("rb") as fh:
                version, data = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}  # missing or unreadable: rebuilt
        return data if version == CACHE_VERSION else {}

    def get(self, key: str) -> Any:
        return self._shard(key).get(key)

    def put(self, key: str, value: Any) -> None:
        self._shard(key)[key] = value
        self._dirty.add(key[:1] if key[:1] in self.SHARDS else "0")

    def prune(self, keep: set[str]) -> None:
        """Drop entries no longer referenced from the shards in use, so the cache does not grow without bound."""
        for sid, data in self._shards.items():
            stale = [k for k in data if k not in keep]
            for k in stale:
                del data[k]
            if stale:
                self._dirty.add(sid)

    def save(self) -> None:
        if not self._dirty:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.dir.parent.parent / ".gitignore"
        if not ignore.exists():  # keep the index out of `git status` and out of our own listing
            ignore.write_text("*\n")
        for sid in sorted(self._dirty):
            # a temp name of its own: two solves on one repository used to write the same '<sid>.tmp'
            # at once and could rename a torn pickle into place
            with tempfile.NamedTemporaryFile("wb", dir=self.dir, prefix=f"{sid}.", suffix=".tmp", delete=False) as fh:
                pickle.dump((CACHE_VERSION, self._shards[sid]), fh, protocol=pickle.HIGHEST_PROTOCOL)
            Path(fh.name).replace(self.dir / f"{sid}.pkl")
        self._dirty.clear()
