"""Integers in bases 2 to 36."""

from __future__ import annotations

import string

DIGITS = string.digits + string.ascii_lowercase


def to_base(number: int, base: int) -> str:
    """``to_base(255, 16)`` -> ``"ff"``; negative numbers get a leading ``-``."""
    if not 2 <= base <= 36:
        raise ValueError("base must be between 2 and 36")
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    number = abs(number)
    digits = []
    while number:
        number, rest = divmod(number, base)
        digits.append(DIGITS[rest])
    return sign + "".join(reversed(digits))


def from_base(text: str, base: int) -> int:
    """Inverse of :func:`to_base` (case-insensitive)."""
    return int(text.strip(), base)
