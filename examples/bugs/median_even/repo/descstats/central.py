"""Measures of central tendency."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, List

from descstats._checks import StatisticsError, as_sample


def mean(data: Iterable[float]) -> float:
    values = as_sample(data)
    return sum(values) / len(values)


def median(data: Iterable[float]) -> float:
    """The middle value; for an even count, the mean of the two middle values."""
    values = sorted(as_sample(data))
    return values[len(values) // 2]


def mode(data: Iterable[float]) -> List[float]:
    """All most-common values, in ascending order."""
    counts = Counter(as_sample(data))
    top = max(counts.values())
    if top == 1 and len(counts) > 1:
        raise StatisticsError("no value occurs more than once")
    return sorted(v for v, c in counts.items() if c == top)
