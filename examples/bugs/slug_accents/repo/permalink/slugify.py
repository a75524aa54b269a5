"""URL slugs."""

from __future__ import annotations

import re

from permalink.text import collapse_whitespace

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60, separator: str = "-") -> str:
    """Lower-case ASCII slug of ``text`` for use in URLs.

    Accented letters are reduced to their base letter, anything else that is not a letter
    or digit becomes ``separator``; the result is cut at a separator to ``max_length``.

    >>> slugify("Hello, World!")
    'hello-world'
    """
    cleaned = collapse_whitespace(text).lower()
    slug = _NON_SLUG.sub(separator, cleaned).strip(separator)
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit(separator, 1)[0] if separator in cut else slug[:max_length]
    return slug.strip(separator)
