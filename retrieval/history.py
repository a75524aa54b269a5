"""The repository's own history: what past commits said about each file, and which files change together.

Commit messages describe, in the words issues use, what a change to a file was about.
Each file gets one document: the messages of the commits that touched it (renames followed,
so a moved file keeps its past), searched with BM25 against the issue. The same commits
give a co-change graph: files that changed together with a file the issue points at are
candidates for the other places a multi-file fix touches.

Only commits reachable from HEAD are read (for a benchmark checkout: nothing after the
issue's base commit). The parsed log is cached under ``.capuchin/index/history.pkl`` with
the HEAD it was read at; when HEAD moves forward only the new commits are read.
"""

from __future__ import annotations

import pickle
import re
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from retrieval import bm25
from retrieval.bm25 import count_terms
from retrieval.store import INDEX_DIR
from retrieval.text import tokenize

HISTORY_VERSION = 1
_RECORD, _FIELD, _END = "\x00", "\x01", "\x02"
_FORMAT = "--format=%x00%H%x01%P%x01%B%x02"  # git writes the separators: argv cannot hold a NUL
# Lines that name people or tooling, not the change: they would make every file look alike.
_BOILERPLATE = re.compile(
    r"^(signed-off-by|co-authored-by|reviewed-by|acked-by|cc|see also):.*$"
    r"|^merge (pull request|branch|remote-tracking branch) .*$"
    r"|^#?\s*(release notes|<!--).*$",
    re.I | re.M,
)


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str
    files: tuple[str, ...]
    """Paths as they were named after this commit."""
    renames: tuple[tuple[str, str], ...] = ()
    """(old, new) pairs this commit renamed."""
    merge: bool = False


def _git(repo: Path, *args: str) -> str | None:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def parse_log(text: str) -> list[Commit]:
    """Commits from ``git log --name-status`` output in ``_FORMAT``, newest first."""
    commits = []
    for record in text.split(_RECORD)[1:]:
        head, _, tail = record.partition(_END)
        sha, parents, message = (head.split(_FIELD) + ["", ""])[:3]
        files, renames = [], []
        for line in tail.splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0]:
                continue
            if parts[0][0] in "RC" and len(parts) == 3:
                if parts[0][0] == "R":
                    renames.append((parts[1], parts[2]))
                files.append(parts[2])
            else:
                files.append(parts[-1])
        commits.append(Commit(sha, message.strip(), tuple(dict.fromkeys(files)), tuple(renames),
                              merge=len(parents.split()) > 1))
    return commits


def read_log(repo: Path, rev: str, limit: int, *, merges: bool) -> list[Commit] | None:
    """Up to ``limit`` commits reachable from ``rev`` (a rev or a range), newest first; None outside git."""
    diff_merges = ["--diff-merges=first-parent"] if merges else ["--no-merges"]
    text = _git(repo, "log", *diff_merges, "-M", "--name-status", _FORMAT, "-n", str(limit), rev, "--")
    return None if text is None else parse_log(text)


def clean_message(message: str) -> str:
    return _BOILERPLATE.sub(" ", message)


@dataclass
class History:
    """Per-file commit lists and co-change counts, keyed by today's paths."""

    head: str
    commits: list[Commit]
    max_files: int = 30
    cochange_max_files: int = 30
    """Co-change counts only commits this small: a large commit says little about which two files belong together
    (retrieval.cochange_max_files; 30 beat 10 on the dev set's tuning half, issue #15)."""
    file_commits: dict[str, list[int]] = field(default_factory=dict)
    """path -> indices into ``commits`` of the commits that touched it (under its name then)."""
    touches: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._names: list[list[str]] = []
        self._build()

    def _build(self) -> None:
        """Walk newest to oldest; a rename maps the old name to the file's name today."""
        alias: dict[str, str] = {}
        per_file: dict[str, list[int]] = defaultdict(list)
        for n, commit in enumerate(self.commits):
            names = [alias.get(f, f) for f in commit.files]
            for old, new in commit.renames:
                alias[old] = alias.get(new, new)
            if len(names) > self.max_files:
                names = []  # sweeping changes (reformatting, licence headers) say nothing about one file
            self._names.append(names)
            for name in names:
                per_file[name].append(n)
                self.touches[name] += 1
        self.file_commits = dict(per_file)

    @property
    def documents(self) -> dict[str, str]:
        """path -> the messages of the commits that touched it (for reading; scoring uses token counts)."""
        return {p: "\n".join(clean_message(self.commits[i].message) for i in idx) for p, idx in self.file_commits.items()}

    @cached_property
    def cochange(self) -> dict[str, Counter]:
        """path -> how often each other file changed in the same (small) commit."""
        pairs: dict[str, Counter] = defaultdict(Counter)
        for names in self._names:
            if 1 < len(names) <= self.cochange_max_files:
                for a in names:
                    pairs[a].update(b for b in names if b != a)
        return dict(pairs)

    def scorer(self, paths: list[str]) -> HistoryScorer:
        return HistoryScorer(self, paths)


_TOKENS: dict[str, str] = {}
"""sha -> the message's search tokens: checkouts of one project (benchmarks) share most commits."""
_TOKENS_LIMIT = 100_000


def message_tokens(commit: Commit) -> str:
    tokens = _TOKENS.get(commit.sha)
    if tokens is None:
        tokens = " ".join(tokenize(clean_message(commit.message)))
        if len(_TOKENS) < _TOKENS_LIMIT:
            _TOKENS[commit.sha] = tokens
    return tokens


class HistoryScorer:
    """BM25 over the history documents of ``paths`` (files with no history score 0)."""

    def __init__(self, history: History, paths: list[str], k1: float = 1.2, b: float = 0.75):
        self.history = history
        self.paths = paths
        # Each message is tokenised once, however many files it touched (and once per process).
        tokens = [message_tokens(c) for c in history.commits]
        docs = [" ".join(tokens[i] for i in history.file_commits.get(p, ())) for p in paths]
        vocab: dict[str, int] = {}
        self.model = bm25.build([count_terms(docs, vocab)], vocab, k1, b) if paths else None

    def scores(self, tokens: list[str]) -> np.ndarray:
        if self.model is None or not tokens:
            return np.zeros(len(self.paths), dtype=np.float64)
        return np.asarray(self.model.get_scores(tokens), dtype=np.float64)[: len(self.paths)]

    def cochange_scores(self, seeds: list[str], pos: dict[str, int]) -> np.ndarray:
        """Files that changed with the seeds (best first): sum over seeds of P(file | seed) / seed rank."""
        out = np.zeros(len(self.paths), dtype=np.float64)
        for rank, seed in enumerate(seeds):
            together = self.history.cochange.get(seed)
            if not together:
                continue
            total = self.history.touches[seed]
            for other, count in together.items():
                i = pos.get(other)
                if i is not None:
                    out[i] += count / total / (rank + 1)
        return out


def _cache_path(repo: Path) -> Path:
    return repo / INDEX_DIR / "history.pkl"


def _load_cached(repo: Path) -> tuple[str, list[Commit], tuple] | None:
    try:
        with _cache_path(repo).open("rb") as fh:
            version, head, commits, key = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return None
    return (head, commits, key) if version == HISTORY_VERSION else None


def _save(repo: Path, head: str, commits: list[Commit], key: tuple) -> None:
    path = _cache_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((HISTORY_VERSION, head, commits, key), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def current_head(repo: Path) -> str:
    return (_git(repo, "rev-parse", "HEAD") or "").strip()


def open_history(repo: Path, limit: int, *, merges: bool, max_files: int,
                 cochange_max_files: int = History.cochange_max_files) -> History | None:
    """The history at HEAD, reading only commits newer than the cached HEAD; None when ``repo`` has no git history."""
    head = current_head(repo)
    if not head:
        return None
    key = (limit, merges)
    cached = _load_cached(repo)
    commits: list[Commit] | None = None
    if cached is not None and cached[2] == key:
        old_head, old_commits, _ = cached
        if old_head == head:
            commits = old_commits
        elif _git(repo, "merge-base", "--is-ancestor", old_head, head) is not None:
            new = read_log(repo, f"{old_head}..{head}", limit, merges=merges)
            commits = None if new is None else (new + old_commits)[:limit]
    if commits is None:
        commits = read_log(repo, head, limit, merges=merges)
        if commits is None:
            return None
    if cached is None or cached[0] != head or cached[2] != key:
        _save(repo, head, commits, key)
    return History(head, commits, max_files=max_files, cochange_max_files=cochange_max_files)
