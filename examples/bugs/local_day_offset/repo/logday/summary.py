"""Per-day request statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, List

from logday.buckets import group_by_day
from logday.events import LogEvent


@dataclass(frozen=True)
class DaySummary:
    day: date
    requests: int
    errors: int
    bytes_sent: int

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


def summarise(events: Iterable[LogEvent], utc_offset_minutes: int = 0) -> List[DaySummary]:
    """One summary per local day; status >= 500 counts as an error."""
    result = []
    for day, day_events in group_by_day(events, utc_offset_minutes).items():
        errors = sum(1 for e in day_events if e.status >= 500)
        result.append(DaySummary(day, len(day_events), errors, sum(e.size for e in day_events)))
    return result
