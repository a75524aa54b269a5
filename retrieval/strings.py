"""Texts the issue quotes, matched against the string constants of the code (not its comments or names).

``retrieval.literals`` finds a quoted text anywhere in the source; a word an issue puts in
quotes ('name', `index`) then matches every identifier of that name. An error message the
issue shows was, in the code, a string constant: a hit inside a string literal (docstrings
left out) is the evidence worth having. Messages are often formatted, so a message is also
looked for by its runs of four words (``may not contain a dot`` of ``Blueprint name
'a.b' may not contain a dot``). Only the few files holding a text are parsed again, to
find their string literals.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from retrieval.languages import language_for, parser_for
from retrieval.literals import _FRAGMENT_SPLIT, Hit, Literal, SourceText

WINDOW_WORDS = 4
MIN_WINDOW_CHARS = 14
MAX_WINDOWS = 8
"""Word runs tried per message: the first ones (a message's head is its fixed part most often)."""
MAX_SEARCHES = 60
"""Verbatim scans per issue (each reads every source once: ~10 ms on sympy)."""

Span = tuple[int, int]


def string_spans(path: str, source: bytes) -> list[Span]:
    """Byte spans of the string literals of a file, docstrings and other bare string statements left out."""
    spec = language_for(path)
    if spec is None:
        return []
    stack = [parser_for(spec).parse(source).root_node]
    spans = []
    while stack:  # iterative: generated files are deeper than the recursion limit (issue #11)
        node = stack.pop()
        if node.type == "string":
            if node.parent is None or node.parent.type != "expression_statement":
                spans.append((node.start_byte, node.end_byte))
            continue
        stack.extend(node.children)
    return sorted(spans)


def inside(spans: list[Span], offset: int, length: int) -> bool:
    """Whether ``[offset, offset + length)`` lies within one of the sorted ``spans``."""
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset and offset + length <= spans[i][1]


def word_windows(message: str) -> list[str]:
    """Runs of ``WINDOW_WORDS`` words inside a message's fixed parts, specific enough to search."""
    out: list[str] = []
    for part in _FRAGMENT_SPLIT.split(message):
        words = part.split()
        for start in range(len(words) - WINDOW_WORDS + 1):
            run = " ".join(words[start:start + WINDOW_WORDS]).strip(" .:,;")
            letters = sum(w.isalpha() for w in run.split())
            if len(run) >= MIN_WINDOW_CHARS and letters >= 3 and run not in out:
                out.append(run)
    return out[:MAX_WINDOWS]


def search_texts(lit: Literal) -> list[str]:
    return [lit.text, *word_windows(lit.text)] if lit.kind == "message" else [lit.text]


def find_in_strings(literals: list[Literal], source: SourceText, spans_of: Callable[[str], list[Span]],
                    *, max_files: int = 5) -> list[Hit]:
    """Per literal and file, the hits inside string constants: weight 1 / (files holding it in a string)
    (the rarest of the literal's texts counts), doubled for exception messages."""
    best: dict[tuple[int, int], Hit] = {}
    searches = 0
    for n, lit in enumerate(literals):
        for text in search_texts(lit):
            if searches >= MAX_SEARCHES:
                break
            searches += 1
            length = len(text.encode("utf-8"))
            found = source.occurrences(text, max_files * 4)
            kept = {}
            for i, offsets in found.items():
                spans = spans_of(source.paths[i])
                in_strings = [o for o in offsets if inside(spans, o, length)]
                if in_strings:
                    kept[i] = in_strings
            if not kept or len(kept) > max_files:
                continue
            weight = (2.0 if lit.kind == "message" else 1.0) / len(kept)
            for i, offsets in kept.items():
                if weight > (best[(n, i)].weight if (n, i) in best else 0.0):
                    best[(n, i)] = Hit(i, offsets, weight)
    return list(best.values())

