"""permalink: turn post titles into stable, readable URLs."""

from permalink.registry import SlugRegistry
from permalink.slugify import slugify
from permalink.text import collapse_whitespace, strip_accents, title_case

__all__ = ["SlugRegistry", "collapse_whitespace", "slugify", "strip_accents", "title_case"]
