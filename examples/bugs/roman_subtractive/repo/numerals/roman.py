"""Roman numerals between 1 and 3999, in standard subtractive form (IV, XC, CM...)."""

from __future__ import annotations

_PAIRS = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]
_SYMBOLS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(number: int) -> str:
    """``1994`` -> ``"MCMXCIV"``."""
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError("number must be an int")
    if not 1 <= number <= 3999:
        raise ValueError(f"Roman numerals cover 1..3999, got {number}")
    out = []
    for value, symbol in _PAIRS:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)


def _symbol_values(text: str) -> list:
    try:
        return [_SYMBOLS[ch] for ch in text]
    except KeyError as exc:
        raise ValueError(f"not a Roman numeral: {text!r} (bad symbol {exc.args[0]!r})") from None


def from_roman(text: str) -> int:
    """``"MCMXCIV"`` -> ``1994``. Case-insensitive; non-canonical forms such as ``"IIII"`` are rejected."""
    cleaned = text.strip().upper()
    if not cleaned:
        raise ValueError("empty numeral")
    total = sum(_symbol_values(cleaned))
    # Only accept the canonical spelling, so "IIII" or "VX" do not slip through.
    if total > 3999 or to_roman(total) != cleaned:
        raise ValueError(f"not a canonical Roman numeral: {text!r}")
    return total
