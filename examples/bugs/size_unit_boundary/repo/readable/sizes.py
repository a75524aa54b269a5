"""Byte counts with binary (IEC) units: B, KiB, MiB, GiB, TiB."""

from __future__ import annotations

import re

UNITS = ["B", "KiB", "MiB", "GiB", "TiB"]
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B)?\s*$", re.IGNORECASE)


def format_bytes(size: int, precision: int = 1) -> str:
    """Format a byte count with the largest unit that keeps the number >= 1.

    >>> format_bytes(1536)
    '1.5 KiB'
    >>> format_bytes(512)
    '512 B'
    """
    if size < 0:
        return "-" + format_bytes(-size, precision)
    value = float(size)
    unit = 0
    while value > 1024 and unit < len(UNITS) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{size} B"
    return f"{value:.{precision}f} {UNITS[unit]}"


def parse_size(text: str) -> int:
    """Parse ``"1.5 KiB"``, ``"20MiB"`` or ``"512"`` (bytes) into a byte count."""
    match = _SIZE_RE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    number, unit = match.groups()
    unit = (unit or "B").upper().replace("IB", "iB")
    if unit not in UNITS:
        raise ValueError(f"unknown unit in {text!r}")
    return int(round(float(number) * 1024 ** UNITS.index(unit)))
