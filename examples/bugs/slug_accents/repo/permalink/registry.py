"""Unique permalinks across a site."""

from __future__ import annotations

from datetime import date
from typing import Dict, Optional

from permalink.slugify import slugify


class SlugRegistry:
    """Hands out unique slugs, appending ``-2``, ``-3``... on collisions."""

    def __init__(self) -> None:
        self._taken: Dict[str, str] = {}

    def claim(self, title: str, owner: str) -> str:
        base = slugify(title) or "post"
        slug, n = base, 1
        while slug in self._taken and self._taken[slug] != owner:
            n += 1
            slug = f"{base}-{n}"
        self._taken[slug] = owner
        return slug

    def owner(self, slug: str) -> Optional[str]:
        return self._taken.get(slug)

    def permalink(self, title: str, owner: str, published: date) -> str:
        """``/2024/05/my-post/`` style URL for a post."""
        return f"/{published:%Y/%m}/{self.claim(title, owner)}/"
