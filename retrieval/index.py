"""The repository index: parsed files (cached by blob hash), the code graph, and BM25 over files and symbols.

``RepoIndex.open`` lists the repository's source files, re-parses only files whose
blob hash is not cached yet, and saves the cache. BM25 models and the optional dense
index are built on first use from the cached tokens, so opening stays cheap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np

from agent.core.events import EventBus, null_bus
from agent.core.paths import is_support_path
from retrieval import bm25
from retrieval.bm25 import TermCounts, count_terms
from retrieval.config import RetrievalConfig
from retrieval.graph import CodeGraph, SymbolRef
from retrieval.languages import language_for
from retrieval.literals import SourceText
from retrieval.parse import ParsedFile, Symbol, assign_uids, parse_file
from retrieval.store import Cache, list_files
from retrieval.text import path_tokens, tokenize

STAGE = "index"
# A memo shared across opens (benchmarks open many checkouts of one project, which share most
# blobs) is bounded so a long run does not grow without limit.
MEMO_LIMIT = 60_000
@dataclass
class FileEntry:
    """What is cached per blob: the parse and the BM25 tokens of the file and each symbol."""

    parsed: ParsedFile
    file_tokens: str = ""
    """Space-joined: one string per document unpickles far faster than a list of small ones."""
    symbol_tokens: list[str] = field(default_factory=list)


def symbol_document(sym: Symbol, source: bytes, parsed: ParsedFile) -> str:
    """Text a symbol is searched by: a class by its header, docstring and members; a function by its code."""
    if sym.kind != "class":
        return source[sym.start_byte:sym.end_byte].decode("utf-8", "replace")
    members = [s.signature for s in parsed.symbols if s.parent == sym.qualname]
    return "\n".join([sym.signature, sym.docstring or "", *members])


def analyse(path: str, source: bytes) -> FileEntry:
    """The cache entry of one file; a file nothing can be made of is kept by its path alone."""
    try:
        return _analyse(path, source)
    except (RecursionError, MemoryError, ValueError) as exc:
        # One file must not take indexing down (issue #11: a generated sympy table once did).
        # Nothing here should raise any more; this is the net for what a new file still defeats.
        why = f"skipped: could not be analysed ({type(exc).__name__}: {str(exc)[:200]})"
        return FileEntry(ParsedFile(path, error=why), " ".join(path_tokens(path) * 2))


def _analyse(path: str, source: bytes) -> FileEntry:
    parsed = parse_file(path, source)
    if parsed.error:
        return FileEntry(parsed, " ".join(path_tokens(path) * 2))
    text = source.decode("utf-8", "replace")
    # Path tokens twice: a file named like the subject is a strong hint.
    entry = FileEntry(parsed, " ".join(path_tokens(path) * 2 + tokenize(text)))
    for sym in parsed.symbols:
        qual = tokenize(sym.qualname.replace(".", " "))
        entry.symbol_tokens.append(" ".join(qual + tokenize(symbol_document(sym, source, parsed))))
    return entry


def _cached_or_parsed(repo: Path, path: str, blob: str, cache: Cache, memo: dict | None) -> tuple[FileEntry, int]:
    """The entry for a blob from the disk cache, the memo, or a fresh parse (then cached); 1 if parsed."""
    entry = cache.get(blob)
    if entry is not None:
        if entry.parsed.symbols and not entry.parsed.symbols[0].uid:  # cached before uids existed
            assign_uids(entry.parsed.symbols)
        return entry, 0
    entry = memo.get(blob) if memo is not None else None
    parsed = entry is None
    if entry is None:
        entry = analyse(path, (repo / path).read_bytes())
        if memo is not None and len(memo) < MEMO_LIMIT:
            memo[blob] = entry
    cache.put(blob, entry)
    return entry, int(parsed)


class RepoIndex:
    """Everything retrieval knows about one repository at its current (possibly dirty) state."""

    def __init__(self, repo: Path, config: RetrievalConfig, entries: dict[str, FileEntry], stats: dict):
        self.repo = repo
        self.config = config
        self.entries = entries
        self.stats = stats
        self.paths = sorted(entries)
        self.symbol_refs: list[SymbolRef] = [
            (p, s.uid) for p in self.paths for s in entries[p].parsed.symbols
        ]
        self.bus: EventBus = null_bus()
        self.blobs: dict[str, str] = {}
        """path -> blob hash the entries were made from."""
        self._vocab: dict[str, int] = {}
        self._terms: dict[str, tuple[TermCounts, TermCounts]] = {}
        """blob -> BM25 term counts of (the file, its symbols); a refresh carries them over."""
        self._previous_history = None
        """The history scorer of the index this one was refreshed from (reused while HEAD stays)."""

    @classmethod
    def open(
        cls, repo: Path, config: RetrievalConfig | None = None, bus: EventBus | None = None,
        *, memo: dict[str, FileEntry] | None = None,
    ) -> RepoIndex:
        """Build the index, or bring a saved one up to date with the work tree (changed blobs only).

        ``memo`` (blob -> FileEntry) lets a caller opening many checkouts share parses between them.
        """
        return cls._open(repo.resolve(), config or RetrievalConfig(), bus or null_bus(), memo, {})

    def refresh(self, repo: Path | None = None) -> RepoIndex:
        """The index of the work tree now, reusing this one's parses: only changed files are read.

        ``repo``: another checkout of the same project instead (benchmarks open one per base commit;
        most blobs repeat, and loading each checkout's cache again cost more than the queries)."""
        known = {self.blobs[p]: e for p, e in self.entries.items()}
        index = self._open(repo.resolve() if repo else self.repo, self.config, self.bus, None, known)
        # Unchanged files keep their BM25 term counts: only the changed ones are counted again.
        live = set(index.blobs.values())
        index._vocab = self._vocab
        index._terms = {b: t for b, t in self._terms.items() if b in live}
        index._previous_history = self.__dict__.get("history")
        return index

    @classmethod
    def _open(cls, repo: Path, config: RetrievalConfig, bus: EventBus, memo: dict | None, known: dict) -> RepoIndex:
        start = time.perf_counter()
        bus.emit("stage_started", STAGE, f"indexing {repo}")
        files = list_files(repo, lambda p: language_for(p) is not None)
        cache = Cache(repo, "parsed")
        entries, parsed_now = {}, 0
        for n, (path, blob) in enumerate(sorted(files.items()), 1):
            entry = known.get(blob)
            if entry is None:
                entry, parsed = _cached_or_parsed(repo, path, blob, cache, memo)
                parsed_now += parsed
                if parsed and parsed_now % 200 == 0:
                    bus.progress(STAGE, n, len(files), f"parsed {path}")
            if entry.parsed.path != path:  # same content at another path
                entry = replace(entry, parsed=replace(entry.parsed, path=path))
            entries[path] = entry
        if not known:
            cache.prune(set(files.values()))
        cache.save()
        skipped = _warn_skipped(entries, bus)
        stats = {"files": len(files), "parsed": parsed_now, "skipped": len(skipped),
                 "open_s": round(time.perf_counter() - start, 3)}
        bus.emit("stage_finished", STAGE, f"{len(files)} files, {parsed_now} parsed, {len(skipped)} skipped",
                 **stats, skipped_files=skipped)
        index = cls(repo, config, entries, stats)
        index.blobs = files
        index.bus = bus
        return index

    def skipped(self) -> dict[str, str]:
        """Files indexed by their path alone (binary, too big, not UTF-8, not analysable) -> why."""
        return {p: e.parsed.error for p, e in self.entries.items() if e.parsed.error}

    @cached_property
    def graph(self) -> CodeGraph:
        return CodeGraph({p: e.parsed for p, e in self.entries.items()})

    def parsed(self, path: str) -> ParsedFile | None:
        entry = self.entries.get(path)
        return entry.parsed if entry else None

    def read(self, path: str) -> bytes:
        return (self.repo / path).read_bytes()

    @cached_property
    def symbol_files(self) -> np.ndarray:
        """For each of ``symbol_refs``, the index of its file in ``paths``."""
        pos = {p: i for i, p in enumerate(self.paths)}
        return np.array([pos[p] for p, _ in self.symbol_refs], dtype=np.int64)

    @cached_property
    def _symbol_ranges(self) -> dict[str, range]:
        out, start = {}, 0
        for path in self.paths:  # symbol_refs lists each file's symbols together, in ``paths`` order
            n = len(self.entries[path].parsed.symbols)
            out[path] = range(start, start + n)
            start += n
        return out

    def symbol_rows(self, path: str) -> range:
        """Rows of ``symbol_refs`` (and of symbol BM25 scores) that belong to ``path``."""
        return self._symbol_ranges.get(path, range(0))

    def string_spans(self, path: str) -> list[tuple[int, int]]:
        """Byte spans of a file's string constants (retrieval.strings), parsed on first ask: only the few
        files holding a text an issue quotes are ever asked for."""
        from retrieval.strings import string_spans

        memo = self.__dict__.setdefault("_string_spans", {})
        if path not in memo:
            memo[path] = string_spans(path, self.read(path))
        return memo[path]

    @cached_property
    def _candidates(self) -> np.ndarray:
        if self.config.rank_tests:
            return np.ones(len(self.paths), dtype=bool)
        return np.array([not is_support_path(p) for p in self.paths], dtype=bool)

    def candidate_mask(self) -> np.ndarray:
        """Which of ``self.paths`` may be ranked as locations (tests excluded unless configured)."""
        return self._candidates.copy()

    @cached_property
    def _file_rows(self) -> np.ndarray:
        return np.flatnonzero(self._candidates)

    @cached_property
    def _symbol_rows(self) -> np.ndarray:
        """Symbols of candidate files: only they are searched (tests would double BM25 build time)."""
        allowed = {self.paths[i] for i in self._file_rows}
        return np.array([i for i, (p, _) in enumerate(self.symbol_refs) if p in allowed], dtype=np.int64)

    def _terms_of(self, path: str) -> tuple[TermCounts, TermCounts]:
        key = self.blobs.get(path, f"path:{path}")
        terms = self._terms.get(key)
        if terms is None:
            entry = self.entries[path]
            terms = (count_terms([entry.file_tokens], self._vocab), count_terms(entry.symbol_tokens, self._vocab))
            self._terms[key] = terms
        return terms

    @cached_property
    def _file_bm25(self) -> bm25s.BM25:
        groups = [self._terms_of(self.paths[i])[0] for i in self._file_rows]
        return bm25.build(groups, self._vocab, self.config.bm25_k1, self.config.bm25_b)

    @cached_property
    def _symbol_bm25(self) -> bm25s.BM25:
        # Candidate files in path order, each with its symbols in file order: the order of _symbol_rows.
        groups = [self._terms_of(self.paths[i])[1] for i in self._file_rows]
        return bm25.build(groups, self._vocab, self.config.bm25_k1, self.config.bm25_b)

    def file_scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every file in ``self.paths`` order (0 for files not searched)."""
        return _scatter(_scores(self._file_bm25, query_tokens, len(self._file_rows)), self._file_rows,
                        len(self.paths))

    def symbol_scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every symbol in ``self.symbol_refs`` order (0 for symbols not searched)."""
        return _scatter(_scores(self._symbol_bm25, query_tokens, len(self._symbol_rows)), self._symbol_rows,
                        len(self.symbol_refs))

    @cached_property
    def source_text(self) -> SourceText:
        """The candidate files' sources as one string, for verbatim search (retrieval.literals)."""
        paths = [self.paths[i] for i in self._file_rows]
        return SourceText(paths, [self.read(p) for p in paths])

    @cached_property
    def dense(self):
        """The dense index (retrieval.dense.DenseIndex), or None when disabled."""
        if not self.config.dense:
            return None
        from retrieval.dense import DenseIndex

        return DenseIndex.build(self)

    @cached_property
    def history(self):
        """BM25 over per-file commit messages and co-change counts (retrieval.history), or None."""
        cfg = self.config
        if not cfg.history or cfg.history_commits == 0:
            return None
        from retrieval.history import current_head, open_history

        start = time.perf_counter()
        previous = self._previous_history
        if previous is not None and previous.history.head == current_head(self.repo):
            # Edits in the work tree leave the history as it was: only a changed file list needs a new scorer.
            scorer = previous if previous.paths == self.paths else previous.history.scorer(self.paths)
        else:
            history = open_history(self.repo, cfg.history_commits, merges=cfg.history_merges,
                                   max_files=cfg.history_max_files, cochange_max_files=cfg.cochange_max_files)
            if history is None:
                return None
            scorer = history.scorer(self.paths)
        self.stats["history_s"] = round(time.perf_counter() - start, 3)
        return scorer

    def warm(self) -> None:
        """Build every lazy part now (for `capuchin index` and timing)."""
        _ = self.graph.imports, self._file_bm25, self._symbol_bm25, self.dense
        if self.config.weights.get("history") or self.config.weights.get("cochange"):
            _ = self.history


def _warn_skipped(entries: dict[str, FileEntry], bus: EventBus) -> dict[str, str]:
    """One warning event per file indexed by its path alone (its code is not searchable)."""
    skipped = {p: e.parsed.error for p, e in entries.items() if e.parsed.error}
    for path, why in skipped.items():
        bus.emit("log", STAGE, f"{path}: {why}", level="warning", path=path, reason=why)
    return skipped


def _scatter(values: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    out[rows] = values
    return out


def _scores(model: bm25s.BM25, tokens: list[str], n: int) -> np.ndarray:
    if not tokens or n == 0:
        return np.zeros(n, dtype=np.float32)
    return np.asarray(model.get_scores(tokens), dtype=np.float32)[:n]
