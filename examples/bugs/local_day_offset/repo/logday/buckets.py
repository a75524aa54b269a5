"""Assigning UTC events to calendar days in a fixed-offset local time zone."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List

from logday.events import LogEvent


def local_day(when: datetime, utc_offset_minutes: int = 0) -> date:
    """The local calendar date of the UTC instant ``when``.

    ``utc_offset_minutes`` is the local zone's offset from UTC, e.g. ``+120`` for UTC+2
    or ``-300`` for UTC-5.
    """
    if when.tzinfo is None:
        raise ValueError("when must be timezone-aware")
    local = when - timedelta(minutes=utc_offset_minutes)
    return local.date()


def group_by_day(events: Iterable[LogEvent], utc_offset_minutes: int = 0) -> Dict[date, List[LogEvent]]:
    """Events grouped by local day, days in chronological order."""
    groups: Dict[date, List[LogEvent]] = {}
    for event in events:
        groups.setdefault(local_day(event.when, utc_offset_minutes), []).append(event)
    return OrderedDict(sorted(groups.items()))
