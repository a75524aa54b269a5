"""Durations such as ``1h 5m 3s``."""

from __future__ import annotations

import re

_PART_RE = re.compile(r"(\d+)\s*([dhms])")
_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def format_duration(seconds: int) -> str:
    """``3903`` -> ``"1h 5m 3s"``; zero is ``"0s"``; units with value 0 are left out."""
    if seconds < 0:
        raise ValueError("duration must not be negative")
    parts = []
    for unit, size in _SECONDS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0s"


def parse_duration(text: str) -> int:
    """Inverse of :func:`format_duration`; also accepts ``"90s"`` or ``"1h30m"``."""
    cleaned = text.strip().lower()
    parts = _PART_RE.findall(cleaned)
    if not parts or _PART_RE.sub("", cleaned).strip():
        raise ValueError(f"not a duration: {text!r}")
    return sum(int(count) * _SECONDS[unit] for count, unit in parts)
