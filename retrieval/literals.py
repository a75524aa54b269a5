"""Literal strings quoted in an issue (error messages, warning texts, option names) found verbatim in source.

An issue often quotes the exact text the program printed: an exception's message, a
warning, an option name in backticks. The file holding that text verbatim is very
often the one that raises it. Rarer texts say more: a literal found in one file is
strong evidence, one found in fifty is none.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.parse import Symbol

_QUOTED = re.compile(r'"([^"\n]{4,160})"|\'([^\'\n]{4,160})\'|`([^`\n]{3,160})`')
_MESSAGE = re.compile(r"^[ \t>]*(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Warning)\s*:\s*(\S.{3,300}?)\s*$", re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
# A formatted message's fixed parts: runs between quotes, numbers and reprs that vary per call.
_FRAGMENT_SPLIT = re.compile(r"""["'`]|\b\d[\d.e+-]*\b|<[^>]*>|\([^)]*\)|\{[^}]*\}""")
_WORDS = re.compile(r"[A-Za-z]{2,}")
MAX_LITERALS = 40
MIN_FRAGMENT_CHARS = 16


@dataclass(frozen=True)
class Literal:
    text: str
    kind: str
    """'message' (an exception/warning text) or 'quoted' (in quotes or backticks)."""


def strip_comments(issue: str) -> str:
    """The issue without HTML comments (issue-template instructions the reporter never wrote)."""
    return _HTML_COMMENT.sub(" ", issue)


def _clean(raw: str) -> str:
    text = raw.strip().strip(".:,;")
    if text.startswith("-"):  # a command-line option: the source spells it without dashes and value
        text = text.lstrip("-").split("=", 1)[0]
    return text


def _fragments(message: str) -> list[str]:
    """Fixed parts of a message that may have been formatted: long enough to be specific."""
    return [f.strip(" .:,;") for f in _FRAGMENT_SPLIT.split(message)
            if len(f.strip(" .:,;")) >= MIN_FRAGMENT_CHARS and len(_WORDS.findall(f)) >= 3]


def extract_literals(issue: str) -> list[Literal]:
    """Texts worth searching verbatim: exception messages, their fixed fragments, and quoted strings."""
    issue = strip_comments(issue)
    out: dict[str, Literal] = {}
    for m in _MESSAGE.finditer(issue):
        message = m.group(1).strip()
        for text in [message, *_fragments(message)]:
            out.setdefault(text, Literal(text, "message"))
    for m in _QUOTED.finditer(issue):
        text = _clean(next(g for g in m.groups() if g is not None))
        if len(text) >= 4 and _WORDS.search(text):
            out.setdefault(text, Literal(text, "quoted"))
    return list(out.values())[:MAX_LITERALS]


class SourceText:
    """The source of many files as one byte string, to find a literal in all of them with one scan.

    Bytes, not str: one non-ASCII character would make a str of the whole repository two or
    four bytes per character (sympy's sources are ~30 MB), and bytes.find is as fast.
    """

    def __init__(self, paths: list[str], sources: list[bytes]):
        self.paths = paths
        self.starts: list[int] = []
        pos = 0
        for src in sources:
            self.starts.append(pos)
            pos += len(src) + 1
        self.data = b"\0".join(sources)

    def occurrences(self, literal: str, max_files: int, max_hits: int = 50) -> dict[int, list[int]]:
        """File index -> byte offsets (in that file) of ``literal``; stops once more than ``max_files`` files hold it."""
        needle = literal.encode("utf-8")
        found: dict[int, list[int]] = {}
        pos, hits = self.data.find(needle), 0
        while pos >= 0 and len(found) <= max_files and hits < max_hits:
            i = bisect.bisect_right(self.starts, pos) - 1
            found.setdefault(i, []).append(pos - self.starts[i])
            hits += 1
            pos = self.data.find(needle, pos + len(needle))
        return found

    def line_of(self, file: int, offset: int) -> int:
        """1-based line of a byte offset in one file."""
        start = self.starts[file]
        return self.data.count(b"\n", start, start + offset) + 1


@dataclass(frozen=True)
class Hit:
    """A rare literal found in a file: its offsets there and the evidence it carries."""

    file: int
    offsets: list[int]
    weight: float


def find_literals(literals: list[Literal], source: SourceText, *, max_files: int = 10) -> list[Hit]:
    """Where each literal held by at most ``max_files`` files occurs; weight 1 / (files holding it),
    doubled for exception messages."""
    hits = []
    for lit in literals:
        found = source.occurrences(lit.text, max_files)
        if not found or len(found) > max_files:
            continue
        weight = (2.0 if lit.kind == "message" else 1.0) / len(found)
        hits.extend(Hit(i, offsets, weight) for i, offsets in found.items())
    return hits


def file_literal_scores(hits: list[Hit], source: SourceText) -> dict[str, float]:
    """path -> summed weight of the literals found in it."""
    scores: dict[str, float] = {}
    for hit in hits:
        path = source.paths[hit.file]
        scores[path] = scores.get(path, 0.0) + hit.weight
    return scores


def symbol_literal_scores(hits: list[Hit], source: SourceText, symbols: Callable[[str], list[Symbol]]) -> dict:
    """(path, uid) -> summed weight of the literals found inside the definition (the innermost one holding them)."""
    scores: dict[tuple[str, str], float] = {}
    for hit in hits:
        path = source.paths[hit.file]
        found = set()
        for offset in hit.offsets:
            line = source.line_of(hit.file, offset)
            inside = [s for s in symbols(path) if s.start_line <= line <= s.end_line]
            if inside:
                found.add(max(inside, key=lambda s: s.start_line).uid)
        for uid in found:
            scores[(path, uid)] = scores.get((path, uid), 0.0) + hit.weight
    return scores
