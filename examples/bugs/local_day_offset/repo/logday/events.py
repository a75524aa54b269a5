"""Parsing log lines of the form ``2024-03-01T23:15:00Z GET /path 200 512``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, List


class ParseError(ValueError):
    """A log line does not have the expected five fields."""


@dataclass(frozen=True)
class LogEvent:
    """One request; ``when`` is always timezone-aware UTC."""

    when: datetime
    method: str
    path: str
    status: int
    size: int


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 UTC timestamp ending in ``Z``."""
    if not text.endswith("Z"):
        raise ParseError(f"timestamp must be UTC ('Z' suffix): {text!r}")
    return datetime.strptime(text[:-1], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def parse_line(line: str) -> LogEvent:
    parts = line.split()
    if len(parts) != 5:
        raise ParseError(f"expected 5 fields, got {len(parts)}: {line!r}")
    stamp, method, path, status, size = parts
    try:
        return LogEvent(parse_timestamp(stamp), method.upper(), path, int(status), int(size))
    except ValueError as exc:
        raise ParseError(f"bad log line {line!r}: {exc}") from exc


def parse_lines(lines: Iterable[str]) -> List[LogEvent]:
    """Parse non-blank, non-comment lines."""
    return [parse_line(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]
