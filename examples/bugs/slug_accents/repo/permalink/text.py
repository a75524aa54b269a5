"""General text clean-up helpers."""

from __future__ import annotations

import re
import unicodedata

_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to"}


def strip_accents(text: str) -> str:
    """Remove diacritics: ``"Crème brûlée"`` -> ``"Creme brulee"``.

    Characters without an ASCII base letter (e.g. CJK) are kept unchanged.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def collapse_whitespace(text: str) -> str:
    """Trim and replace every run of whitespace with a single space."""
    return re.sub(r"\s+", " ", text).strip()


def title_case(text: str) -> str:
    """Headline-style capitalisation that keeps small words lower-case (except first/last)."""
    words = collapse_whitespace(text).split(" ")
    out = []
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1 and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)
