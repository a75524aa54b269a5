"""numerals: convert integers to and from other notations."""

from numerals.bases import from_base, to_base
from numerals.roman import from_roman, to_roman
from numerals.words import to_words

__all__ = ["from_base", "from_roman", "to_base", "to_roman", "to_words"]
