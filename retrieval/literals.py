"""Literal strings quoted in an issue (error messages, warning texts, option names) found verbatim in source.

An issue often quotes the exact text the program printed: an exception's message, a
warning, an option name in backticks. The file holding that text verbatim is very
often the one that raises it. Rarer texts say more: a literal found in one file is
strong evidence, one found in fifty is none.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

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
    """The source of many files as one string, to find a literal in all of them with one scan."""

    def __init__(self, paths: list[str], sources: list[str]):
        self.paths = paths
        self.starts: list[int] = []
        chunks, pos = [], 0
        for src in sources:
            self.starts.append(pos)
            chunks.append(src)
            pos += len(src) + 1
        self.text = "\0".join(chunks)

    def files_containing(self, literal: str, limit: int) -> list[int]:
        """Indices (into ``paths``) of files holding ``literal``; stops after ``limit`` + 1 distinct files."""
        found: list[int] = []
        pos = self.text.find(literal)
        while pos >= 0 and len(found) <= limit:
            i = bisect.bisect_right(self.starts, pos) - 1
            if not found or found[-1] != i:
                found.append(i)
            # Continue after this file: one hit per file is all the signal needs.
            nxt = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
            pos = self.text.find(literal, nxt)
        return found


def literal_scores(literals: list[Literal], source: SourceText, *, max_files: int = 10) -> dict[str, float]:
    """path -> evidence: each literal adds 1 / (number of files holding it), if few files hold it."""
    scores: dict[str, float] = {}
    for lit in literals:
        files = source.files_containing(lit.text, max_files)
        if not files or len(files) > max_files:
            continue
        weight = (2.0 if lit.kind == "message" else 1.0) / len(files)
        for i in files:
            path = source.paths[i]
            scores[path] = scores.get(path, 0.0) + weight
    return scores
