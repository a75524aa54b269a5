"""Turning code and issue text into search tokens, and estimating token counts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# Tokens too frequent in code or prose to tell files apart.
_STOPWORDS = """
    a an and are as at be but by for from has have if in into is it its of on or that the this to was
    were will with not no can could should would do does did i we you he she they them our your my me
    there their then than so such which what when where who how why all any each some more most other
    also just only very get got use used using like make made see seems one two new way here now
    self cls def return import none true false pass elif else try except finally while lambda yield
    raise class global nonlocal assert del with async await args kwargs
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def split_identifier(word: str) -> list[str]:
    """``getHTTPResponse_code`` -> ['get', 'http', 'response', 'code'] (lower-cased parts)."""
    parts: list[str] = []
    for chunk in word.split("_"):
        parts.extend(p.lower() for p in _CAMEL.findall(chunk))
    return parts


@lru_cache(maxsize=262_144)
def _word_tokens(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(all tokens, tokens without stopwords) of one identifier: words repeat, so each is split once."""
    low = word.lower()
    parts = split_identifier(word)
    out = ([low] if len(parts) > 1 else []) + (parts if parts else [low])
    return tuple(out), tuple(t for t in out if len(t) > 1 and t not in STOPWORDS)


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Search tokens: each identifier whole (lower-cased) plus its camel/snake parts."""
    which = 0 if keep_stopwords else 1
    out: list[str] = []
    for word in _WORD.findall(text):
        out.extend(_word_tokens(word)[which])
    return out


def path_tokens(path: str) -> list[str]:
    """Tokens of a repository path: directories, module name and their identifier parts."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", path)
    return tokenize(stem.replace("/", " "))


def identifiers(text: str) -> set[str]:
    """Identifiers as written (case kept), for exact matching against symbol names."""
    return set(_WORD.findall(text))


def count_tokens(text: str) -> int:
    """Cheap model-token estimate: words and punctuation runs, about what BPE tokenisers give for code."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def join_tokens(chunks: Iterable[Iterable[str]]) -> list[str]:
    return [t for chunk in chunks for t in chunk]
