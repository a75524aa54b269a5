"""Integer formatting helpers."""

from __future__ import annotations


def intcomma(value: int) -> str:
    """``1234567`` -> ``"1,234,567"``."""
    return f"{value:,}"


def ordinal(value: int) -> str:
    """``1`` -> ``"1st"``, ``12`` -> ``"12th"``, ``23`` -> ``"23rd"``."""
    if 10 <= value % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"
